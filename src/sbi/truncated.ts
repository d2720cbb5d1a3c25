import type { Uniform } from '../numeric/random.ts';
import type { Posterior } from './posterior.ts';
import type { Prior } from './prior.ts';

/**
 * Draws from the prior truncated to the posterior's highest-density region at x_o, the
 * proposal of truncated sequential NPE (Deistler et al. 2022): the region is where
 * log q(θ | x_o) exceeds the `quantile` (default 1e-4) of the log densities of 10,000
 * posterior draws; prior draws outside it are rejected. Training NPE on these rounds needs no
 * correction, since inside the region the proposal is the prior.
 *
 * ```ts
 * const next = truncatedPriorSample(posterior, prior, xo, 500, seededStream(2));
 * ```
 */
export function truncatedPriorSample(posterior: Posterior, prior: Prior, xo: number[], n: number, random: Uniform, options: { quantile?: number; maxDraws?: number } = {}): { theta: number[][]; acceptance: number } {
  const q = options.quantile ?? 1e-4;
  const reference = posterior.sample(10_000, { x: xo, onWarning: () => {} });
  const lp = posterior.logProb(reference, { x: xo }).sort((a, b) => a - b);
  const threshold = lp[Math.min(lp.length - 1, Math.floor(q * lp.length))]!;
  const theta: number[][] = [];
  let drawn = 0;
  const maxDraws = options.maxDraws ?? 1000 * n;
  while (theta.length < n) {
    if (drawn >= maxDraws) {
      throw new Error(`truncated prior: only ${theta.length} of ${drawn} prior draws fall inside the posterior's high-density region; the region is too small for rejection (use fewer rounds)`);
    }
    const m = Math.max(1000, 2 * (n - theta.length));
    const draws = prior.sample(m, random);
    drawn += m;
    const l = posterior.logProb(draws, { x: xo });
    for (let i = 0; i < m && theta.length < n; i++) if (l[i]! >= threshold) theta.push(draws[i]!);
  }
  return { theta, acceptance: theta.length / drawn };
}
