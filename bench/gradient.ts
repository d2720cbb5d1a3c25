/**
 * Gradient cost: Hodgkin–Huxley, rk4, dt 0.01 ms, gradient of a voltage MSE with respect
 * to gNa, gK, gL. Times one forward simulation, one gradient (simulation with forward
 * sensitivities + loss and backward pass in tfjs), their ratio, and the same gradient by
 * tfjs autodiff through a simulation written in tensor ops (cpu backend), on the same
 * number of steps. Medians of repeated runs. The last line is one JSON object.
 */
import { Experiment, OptNeuron, Population, step, mse, loadTf, type Results } from '../src/index.ts';
import { hodgkinHuxley } from '../models/index.ts';
import { median } from '../src/numeric/quantile.ts';

const DT = 0.01;

class Step extends Experiment {
  constructor(readonly ms: number) {
    super();
  }
  run(pop: Population): Results {
    this.monitors.add(['v']);
    pop.input('I', step({ amplitude: 10, start: 0, stop: this.ms }));
    this.simulate(this.ms);
    return this.results();
  }
}

const truth = { gNa: 120, gK: 36, gL: 0.3 };
const start = { gNa: 130, gK: 33, gL: 0.33 };

async function ours(ms: number, repeats: number) {
  const pop = new Population(hodgkinHuxley, 1, { dt: DT });
  pop.set(truth).reset();
  const target = (await new Step(ms).execute(pop)).trace('v').slice();
  const opt = new OptNeuron<Float64Array>({
    experiment: new Step(ms), neuronModel: hodgkinHuxley, resultsSoll: target,
    getLoss: (ist, soll) => mse(ist.trace('v'), soll) as number,
    variablesBounds: { gNa: [50, 200], gK: [10, 80], gL: [0.05, 1] }, timeStep: DT,
  });
  const forward: number[] = [];
  const gradient: number[] = [];
  const tf = await loadTf();
  const { TensorResults } = await import('../src/gradient/tensor-results.ts');
  const names = ['gNa', 'gK', 'gL'];
  for (let r = 0; r < repeats + 2; r++) {
    let t = performance.now();
    await opt.simulate(hodgkinHuxley, [start], 1);
    const f = performance.now() - t;
    t = performance.now();
    const results = (await opt.simulate(hodgkinHuxley, [start], 1, names)).forNeuron(0);
    tf.tidy(() => {
      const theta = tf.tensor1d(names.map((n) => start[n as keyof typeof start]));
      const { grads } = tf.valueAndGrads((th) => mse(new TensorResults(results, tf, th, names).trace('v'), target) as never)([theta]);
      grads[0]!.dataSync();
    });
    const g = performance.now() - t;
    if (r >= 2) {
      forward.push(f);
      gradient.push(g);
    }
  }
  return { forward: median(forward), gradient: median(gradient) };
}

/** The same model and scheme as tensor ops, differentiated by tfjs through every step. */
async function tfjsBptt(steps: number, repeats: number): Promise<number> {
  const tf = await loadTf();
  const times: number[] = [];
  const target = tf.zeros([steps]).add(-60);
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    tf.tidy(() => {
      const f = (gNa: import('@tensorflow/tfjs').Tensor, gK: import('@tensorflow/tfjs').Tensor, gL: import('@tensorflow/tfjs').Tensor) => {
        const rhs = (v: any, m: any, h: any, n: any) => {
          const am = v.add(40).mul(0.1).div(tf.scalar(1).sub(v.add(40).neg().div(10).exp()));
          const bm = v.add(65).neg().div(18).exp().mul(4);
          const ah = v.add(65).neg().div(20).exp().mul(0.07);
          const bh = tf.scalar(1).div(v.add(35).neg().div(10).exp().add(1));
          const an = v.add(55).mul(0.01).div(tf.scalar(1).sub(v.add(55).neg().div(10).exp()));
          const bn = v.add(65).neg().div(80).exp().mul(0.125);
          const iNa = gNa.mul(m.pow(3)).mul(h).mul(v.sub(50));
          const iK = gK.mul(n.pow(4)).mul(v.add(77));
          const iL = gL.mul(v.add(54.387));
          return [tf.scalar(10).sub(iNa).sub(iK).sub(iL), am.mul(tf.scalar(1).sub(m)).sub(bm.mul(m)), ah.mul(tf.scalar(1).sub(h)).sub(bh.mul(h)), an.mul(tf.scalar(1).sub(n)).sub(bn.mul(n))];
        };
        let s: any[] = [tf.scalar(-65), tf.scalar(0.0529), tf.scalar(0.5961), tf.scalar(0.3177)];
        const vs: any[] = [];
        for (let k = 0; k < steps; k++) {
          vs.push(s[0]);
          const k1 = rhs(s[0], s[1], s[2], s[3]);
          const k2 = rhs(...(s.map((x, j) => x.add(k1[j].mul(DT / 2))) as [any, any, any, any]));
          const k3 = rhs(...(s.map((x, j) => x.add(k2[j].mul(DT / 2))) as [any, any, any, any]));
          const k4 = rhs(...(s.map((x, j) => x.add(k3[j].mul(DT))) as [any, any, any, any]));
          s = s.map((x, j) => x.add(k1[j].add(k2[j].mul(2)).add(k3[j].mul(2)).add(k4[j]).mul(DT / 6)));
        }
        return tf.stack(vs).sub(target).square().mean() as import('@tensorflow/tfjs').Scalar;
      };
      const grads = tf.grads(f)([tf.scalar(start.gNa), tf.scalar(start.gK), tf.scalar(start.gL)]);
      grads.forEach((g) => g.dataSync());
    });
    times.push(performance.now() - t);
  }
  return median(times);
}

const STEPS_COMPARED = 1000;
const full = await ours(100, 9);
const short = await ours(STEPS_COMPARED * DT, 9);
const bptt = await tfjsBptt(STEPS_COMPARED, 3);
console.log(`HH rk4, dt ${DT} ms, gradient of a voltage MSE by (gNa, gK, gL); medians`);
console.log(`  100 ms (10,000 steps): forward ${full.forward.toFixed(2)} ms, gradient ${full.gradient.toFixed(2)} ms, ratio ${(full.gradient / full.forward).toFixed(2)}`);
console.log(`  ${STEPS_COMPARED} steps: neurofit gradient ${short.gradient.toFixed(2)} ms, tfjs autodiff through tensor-op steps ${bptt.toFixed(0)} ms, speedup ${(bptt / short.gradient).toFixed(0)}x`);
console.log('  memory: forward sensitivities keep only the recorded traces and their d/dθ; autodiff keeps every step\'s tensors');
console.log(
  JSON.stringify({
    forward_ms: +full.forward.toFixed(3),
    gradient_ms: +full.gradient.toFixed(3),
    grad_over_forward: +(full.gradient / full.forward).toFixed(3),
    tfjs_bptt_ms_at_1000_steps: +bptt.toFixed(1),
    neurofit_gradient_ms_at_1000_steps: +short.gradient.toFixed(3),
    speedup_vs_tfjs_bptt: +(bptt / short.gradient).toFixed(0),
  }),
);
