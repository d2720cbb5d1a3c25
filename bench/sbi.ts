/**
 * npm run bench:sbi [-- task... [--sims 1000,10000] [--estimator maf|nsf|mdn] [--logit] [--rounds R [--warm-start]] [--kernels]]: sbibm's two moons, Gaussian
 * linear and SLCP (observation 1, reference samples from test/fixtures/sbibm) at 1,000 and
 * 10,000 simulations: C2ST against the reference (2,000 samples each, as the fixtures hold),
 * training seconds and epochs, seconds to draw 10,000 samples (median of 3). `--logit` trains on the logit of
 * a BoxUniform prior's box (NPE's `logitTheta`); `--estimator` picks the density estimator; `--rounds R`
 * runs truncated sequential NPE (R rounds of N/R simulations; training seconds summed over rounds; `--warm-start`
 * continues each round from the last one's weights). `--kernels` also times one
 * epoch of the hand-written float64 MAF against tfjs-cpu and tfjs-wasm. Last line: one JSON object.
 */
import { BoxUniform, NPE, SBI_TASKS, c2st, truncatedPriorSample } from '../src/index.ts';
import { seededStream } from '../src/numeric/random.ts';
import { sbibmObservation } from '../test/support/sbibm.ts';

const args = process.argv.slice(2);
const simsArg = args.indexOf('--sims');
const sims = simsArg >= 0 ? args[simsArg + 1]!.split(',').map(Number) : [1000, 10_000];
const estArg = args.indexOf('--estimator');
const estimator = (estArg >= 0 ? args[estArg + 1] : 'maf') as 'maf' | 'nsf' | 'mdn';
const logit = args.includes('--logit');
const roundsArg = args.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 1;
const warmStart = args.includes('--warm-start');
const valueAt = new Set([simsArg, estArg, roundsArg].filter((i) => i >= 0).map((i) => i + 1));
const tasks = args.filter((a, i) => !a.startsWith('--') && !valueAt.has(i));
const chosen = tasks.length > 0 ? tasks : ['two_moons', 'gaussian_linear', 'slcp'];
const short: Record<string, string> = { two_moons: 'two_moons', gaussian_linear: 'gaussian_linear', slcp: 'slcp' };
const out: Record<string, number> = {};

for (const name of chosen) {
  const task = SBI_TASKS[name];
  if (!task) throw new Error(`bench:sbi: unknown task '${name}' (tasks: ${Object.keys(SBI_TASKS).join(', ')})`);
  const { xo, reference } = sbibmObservation(name);
  for (const n of sims) {
    const random = seededStream(`bench:${name}:${n}`);
    const perRound = Math.floor(n / rounds);
    const theta = task.prior.sample(n - perRound * (rounds - 1), random);
    const npe = new NPE({ prior: task.prior, seed: 1, densityEstimator: estimator, logitTheta: logit && task.prior instanceof BoxUniform });
    npe.appendSimulations(theta, task.simulate(theta, random));
    let posterior = await npe.train();
    let trainSeconds = npe.lastTraining!.seconds;
    // truncated sequential NPE: later rounds simulate the prior inside the posterior's high-density region at x_o
    for (let r = 1; r < rounds; r++) {
      const next = truncatedPriorSample(posterior, task.prior, xo, perRound, random).theta;
      npe.appendSimulations(next, task.simulate(next, random));
      posterior = await npe.train({ warmStart });
      trainSeconds += npe.lastTraining!.seconds;
    }
    // median of three draws of 10,000 (the first also pays for compiling the sampler)
    let draws: number[][] = [];
    const sampleTimes: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      const d = posterior.sample(10_000, { x: xo, onWarning: () => {} });
      sampleTimes.push((performance.now() - t0) / 1000);
      if (k === 0) draws = d;
    }
    const sampleSeconds = sampleTimes.sort((a, b) => a - b)[1]!;
    const score = c2st(reference, draws.slice(0, reference.length));
    const t = { ...npe.lastTraining!, seconds: trainSeconds };
    const k = `${n >= 1000 ? `${n / 1000}k` : n}`;
    console.log(
      `${name.padEnd(16)} ${estimator}${logit ? '+logit' : ''}${rounds > 1 ? `, ${rounds} rounds${warmStart ? ' (warm start)' : ''}` : ''} ${String(n).padStart(6)} sims: C2ST ${score.toFixed(3)}, training ${t.seconds.toFixed(1)} s (${rounds > 1 ? `all rounds; ${t.epochs} epochs in the last` : `${t.epochs} epochs, ${((1000 * t.seconds) / t.epochs).toFixed(0)} ms/epoch`}), ` +
        `10,000 samples ${sampleSeconds.toFixed(2)} s (acceptance ${(100 * posterior.acceptanceRate).toFixed(1)} %)`,
    );
    out[`c2st_${short[name]}_${k}`] = Number(score.toFixed(4));
    out[`train_s_${short[name]}_${k}`] = Number(t.seconds.toFixed(2));
    out[`sample_s_${short[name]}_${k}`] = Number(sampleSeconds.toFixed(3));
  }
}

if (args.includes('--kernels')) {
  // one epoch of a 5-transform MAF (50 hidden) over 9,000 two-moons pairs in batches of 200
  const { MAF } = await import('../src/sbi/maf.ts');
  const { Adam } = await import('../src/sbi/nn.ts');
  const tf = await import('@tensorflow/tfjs');
  const random = seededStream('kernels');
  const n = 9000;
  const th = Float64Array.from({ length: 2 * n }, () => 2 * random() - 1);
  const xs = Float64Array.from({ length: 2 * n }, () => 2 * random() - 1);
  const maf = new MAF(2, 2, random);
  const adam = new Adam(maf.params(), maf.grads(), 5e-4);
  const epoch = () => {
    for (let b = 0; b < n; b += 200) {
      maf.zeroGrad();
      maf.loss(th.subarray(2 * b), xs.subarray(2 * b), 200, true);
      adam.step();
    }
  };
  epoch();
  const times: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    epoch();
    times.push((performance.now() - t0) / 1000);
  }
  times.sort((a, b) => a - b);
  out.epoch_s_float64_kernels = Number(times[1]!.toFixed(3));
  // the same MADE stack in tfjs: dense layers, affine steps, Adam — on the cpu backend and on
  // the wasm backend (SIMD; Node gives its worker-less build one thread)
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const wasmDir = new URL('../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url).pathname;
  wasm.setWasmPaths(wasmDir);
  for (const backend of ['cpu', 'wasm'] as const) {
    await tf.setBackend(backend);
    await tf.ready();
    const H = 50;
    const layers = Array.from({ length: 5 }, () => ({
      w0: tf.variable(tf.randomUniform([4, H], -0.5, 0.5)),
      w1: tf.variable(tf.randomUniform([H, H], -0.14, 0.14)),
      w2: tf.variable(tf.randomUniform([H, 4], -0.01, 0.01)),
      b0: tf.variable(tf.zeros([H])),
      b1: tf.variable(tf.zeros([H])),
      b2: tf.variable(tf.zeros([4])),
    }));
    const opt = tf.train.adam(5e-4);
    const T = tf.tensor2d(Array.from(th), [n, 2]);
    const X = tf.tensor2d(Array.from(xs), [n, 2]);
    const tfEpoch = () => {
      for (let b = 0; b < n; b += 200) {
        opt.minimize(() => {
          let u = T.slice([b, 0], [200, 2]);
          const c = X.slice([b, 0], [200, 2]);
          let logdet = tf.scalar(0);
          for (const l of layers) {
            const h = tf.tanh(tf.matMul(tf.tanh(tf.matMul(tf.concat([u, c], 1), l.w0).add(l.b0)), l.w1).add(l.b1));
            const o = tf.matMul(h, l.w2).add(l.b2);
            const shift = o.slice([0, 0], [200, 2]);
            const ls = tf.tanh(o.slice([0, 2], [200, 2]).div(3)).mul(3);
            u = u.mul(tf.exp(ls)).add(shift).reverse(1) as typeof u;
            logdet = logdet.add(ls.sum());
          }
          return u.square().sum().mul(0.5).sub(logdet).div(200) as never;
        });
      }
    };
    tfEpoch();
    const tfTimes: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      tfEpoch();
      tfTimes.push((performance.now() - t0) / 1000);
    }
    tfTimes.sort((a, b) => a - b);
    out[`epoch_s_tfjs_${backend}`] = Number(tfTimes[1]!.toFixed(3));
  }
  console.log(
    `one MAF epoch (9,000 pairs, batches of 200), median of 3: float64 kernels ${out.epoch_s_float64_kernels} s (one thread), tfjs-cpu ${out.epoch_s_tfjs_cpu} s, tfjs-wasm ${out.epoch_s_tfjs_wasm} s`,
  );
}

const last: Record<string, number> = {};
for (const key of ['c2st_two_moons_10k', 'c2st_gaussian_linear_10k', 'c2st_slcp_10k', 'train_s_two_moons_10k']) if (key in out) last[key] = out[key]!;
console.log(JSON.stringify({ ...last, ...out }));
