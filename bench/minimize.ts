/**
 * minimize() speed: Rosenbrock 2-D and 100-D from zeros (float64, analytic gradient and
 * Hessian-vector product, as scipy's benchmarks give them), Rosenbrock 2-D written in tfjs
 * (autodiff, float32 evaluation) and autograd-minimize's matrix factorisation U·V
 * (10×3 · 3×15, tfjs). Per method: iterations, function evaluations, wall ms (median of 5).
 * The last line is one JSON object.
 */
import { minimize, loadTf, testFunctions } from '../src/index.ts';
import { median } from '../src/numeric/quantile.ts';
import { neuronStreams } from '../src/numeric/random.ts';

const { rosen, rosenDer, rosenHessProd, rosenTf } = testFunctions;
const REPEATS = 5;
const tf = await loadTf();

async function time(label: string, run: () => Promise<{ nit: number; nfev: number; fun: number }>) {
  const ms: number[] = [];
  let last = await run(); // warm-up (JIT, tfjs kernels)
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    last = await run();
    ms.push(performance.now() - t);
  }
  const m = median(ms);
  console.log(`${label.padEnd(34)} nit ${String(last.nit).padStart(5)}  nfev ${String(last.nfev).padStart(5)}  f ${last.fun.toExponential(2)}  ${m.toFixed(1)} ms`);
  return { ms: m, nit: last.nit };
}

const exact = { precision: 'float64' as const, jac: rosenDer, hessp: rosenHessProd, tol: 1e-10 };
const out: Record<string, number> = {};
for (const n of [2, 100]) {
  for (const method of ['lbfgs', 'bfgs', 'cg', 'newton-cg', 'trust-ncg', 'trust-exact', 'slsqp']) {
    const r = await time(`rosen ${n}-D ${method}`, () => minimize(rosen, new Array(n).fill(0), { ...exact, method, maxIter: 20000 }));
    if (n === 100 && method === 'lbfgs') {
      out.lbfgs_rosen100_ms = Number(r.ms.toFixed(2));
      out.lbfgs_rosen100_nit = r.nit;
    }
    if (n === 100 && method === 'newton-cg') out.newtoncg_rosen100_ms = Number(r.ms.toFixed(2));
  }
}
await time('rosen 2-D nelder-mead (adaptive)', () => minimize(rosen, [0, 0], { precision: 'float64', method: 'nelder-mead', tol: 1e-10, options: { adaptive: true } }));
for (const method of ['lbfgs', 'newton-cg']) await time(`rosen 2-D tfjs ${method}`, () => minimize(rosenTf(tf), [0, 0], { method }));
const rng = neuronStreams('bench-matfac', 1)[0]!;
const rand = (r: number, c: number, sign = 1) => Array.from({ length: r }, () => Array.from({ length: c }, () => sign * rng()));
const prod = tf.matMul(tf.tensor2d(rand(10, 3)), tf.tensor2d(rand(3, 15)));
const x0 = { U: rand(10, 3, -1), V: rand(3, 15) };
for (const method of ['lbfgs', 'bfgs', 'cg']) {
  await time(`U·V factorisation tfjs ${method}`, () =>
    minimize(({ U, V }: { U: import('@tensorflow/tfjs').Tensor2D; V: import('@tensorflow/tfjs').Tensor2D }) => tf.mean(tf.square(tf.sub(tf.matMul(U, V), prod))), x0, { method, maxIter: 2000 }),
  );
}
console.log(`scipy 1.17.1 (L-BFGS-B, same problem and tol): 100-D Rosenbrock 501 iterations, 597 evaluations`);
console.log(JSON.stringify(out));
