/** The tfjs namespace. */
export type TF = typeof import('@tensorflow/tfjs');

let loading: Promise<TF> | undefined;

/**
 * tfjs, loaded on first use of gradient fitting (its import costs ~0.2 s). The native
 * `@tensorflow/tfjs-node` is used when it is installed; it cannot be installed from the
 * npm registry alone (its install script downloads a binary), so the pure-JS
 * `@tensorflow/tfjs` is the dependency and the default.
 *
 * ```ts
 * const tf = await loadTf();
 * tf.scalar(2).square().dataSync(); // Float32Array [4]
 * ```
 */
export function loadTf(): Promise<TF> {
  loading ??= (async () => {
    let tf: TF;
    try {
      const native = '@tensorflow/tfjs-node';
      tf = (await import(native)) as TF;
    } catch {
      tf = await import('@tensorflow/tfjs');
    }
    // tfjs greets every Node.js user who lacks tfjs-node; that is a choice here, not news
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (!String(args[0]).includes('TensorFlow.js in Node.js') && !String(args[0]).startsWith('====')) warn(...args);
    };
    try {
      await tf.ready();
      tf.tidy(() => tf.scalar(0).add(1));
    } finally {
      console.warn = warn;
    }
    return tf;
  })();
  return loading;
}
