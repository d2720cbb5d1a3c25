import type { Uniform } from '../numeric/random.ts';
import { normalDraw } from './estimator.ts';
import { BoxUniform, IndependentNormal, type Prior } from './prior.ts';

/** A benchmark problem: a prior and a simulator θ → x (one row each). */
export interface SbiTask {
  name: string;
  prior: Prior;
  simulate(theta: number[][], random: Uniform): number[][];
}

/**
 * sbibm's two moons (Greenberg et al. 2019; Lueckmann et al. 2021): θ ~ U(−1, 1)², a
 * crescent of radius ~N(0.1, 0.01²) shifted by (−|θ1+θ2|/√2, (−θ1+θ2)/√2); a bimodal,
 * crescent-shaped posterior.
 *
 * ```ts
 * const x = twoMoons.simulate([[0, 0]], seededStream(1));
 * ```
 */
export const twoMoons: SbiTask = {
  name: 'two_moons',
  prior: new BoxUniform([-1, -1], [1, 1]),
  simulate(theta, random) {
    return theta.map(([t0, t1]) => {
      const a = Math.PI * (random() - 0.5);
      const r = 0.1 + 0.01 * normalDraw(random);
      return [r * Math.cos(a) + 0.25 - Math.abs(t0! + t1!) / Math.SQRT2, r * Math.sin(a) + (-t0! + t1!) / Math.SQRT2];
    });
  },
};

/**
 * sbibm's Gaussian linear task: θ ~ N(0, 0.1·I₁₀), x ~ N(θ, 0.1·I₁₀). The posterior is
 * N(x/2, 0.05·I): mean x_o/2, SD √0.05 ≈ 0.2236 in every dimension.
 */
export const gaussianLinear: SbiTask = {
  name: 'gaussian_linear',
  prior: new IndependentNormal(new Array(10).fill(0), new Array(10).fill(Math.sqrt(0.1))),
  simulate(theta, random) {
    return theta.map((t) => t.map((v) => v + Math.sqrt(0.1) * normalDraw(random)));
  },
};

/**
 * sbibm's SLCP (simple likelihood, complex posterior; Papamakarios et al. 2019): θ ~ U(−3, 3)⁵,
 * x = four draws of a 2-D normal with mean (θ1, θ2), SDs θ3², θ4² and correlation tanh θ5.
 */
export const slcp: SbiTask = {
  name: 'slcp',
  prior: new BoxUniform(new Array(5).fill(-3), new Array(5).fill(3)),
  simulate(theta, random) {
    return theta.map(([m0, m1, a, b, c]) => {
      const s1 = a! * a!;
      const s2 = b! * b!;
      const rho = Math.tanh(c!);
      const out: number[] = [];
      for (let k = 0; k < 4; k++) {
        const z1 = normalDraw(random);
        const z2 = normalDraw(random);
        out.push(m0! + s1 * z1, m1! + s2 * (rho * z1 + Math.sqrt(1 - rho * rho) * z2));
      }
      return out;
    });
  },
};

/** The sbibm tasks by name. */
export const SBI_TASKS: Record<string, SbiTask> = { two_moons: twoMoons, gaussian_linear: gaussianLinear, slcp };
