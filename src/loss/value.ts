/** What a loss may return: a number, numbers to add up, or a tfjs scalar. */
export type LossValue = number | readonly number[] | { dataSync(): ArrayLike<number> };

/**
 * A loss as one number: arrays are summed, tensors read; anything else is NaN (a failed evaluation).
 *
 * ```ts
 * toNumber([1, 2, 3]); // 6
 * toNumber(0.5);       // 0.5
 * ```
 */
export function toNumber(value: LossValue): number {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return (value as number[]).reduce((a, b) => a + Number(b), 0);
  if (value && typeof (value as { dataSync?: unknown }).dataSync === 'function') {
    const data = (value as { dataSync(): ArrayLike<number> }).dataSync();
    if (data.length !== 1) throw new Error(`getLoss returned a tensor with ${data.length} values; return a scalar`);
    return data[0]!;
  }
  throw new Error(`getLoss returned ${typeof value}; return a number, an array of numbers or a tfjs scalar`);
}
