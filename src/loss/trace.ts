/** Mean squared error between two equally long traces. */
export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`mse: traces differ in length (${a.length} vs ${b.length})`);
  if (a.length === 0) throw new Error('mse: empty traces');
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += (a[k]! - b[k]!) ** 2;
  return sum / a.length;
}

/** Root mean squared error between two equally long traces. */
export function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.sqrt(mse(a, b));
}
