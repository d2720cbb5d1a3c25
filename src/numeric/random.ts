import seedrandom from 'seedrandom';

/** A uniform [0, 1) generator. */
export type Uniform = () => number;

/**
 * Independent generators, one per neuron, derived from one seed: the same seed
 * gives the same noise, and no two neurons share a stream.
 */
export function neuronStreams(seed: number | string, count: number, offset = 0): Uniform[] {
  const streams: Uniform[] = [];
  for (let i = 0; i < count; i++) streams.push(seedrandom.alea(`neurofit:${seed}:${offset + i}`));
  return streams;
}

/** A standard normal draw (Box–Muller). */
export function gaussian(u: Uniform): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Where an alea stream stands: restoring it continues the stream exactly. */
export interface StreamState {
  c: number;
  s0: number;
  s1: number;
  s2: number;
}

/** A uniform generator whose position can be saved ({@link StreamState}, plain JSON). */
export interface StatefulUniform extends Uniform {
  state(): StreamState;
}

/**
 * A seeded alea stream (the same numbers as `seedrandom.alea(String(seed))`), or the stream
 * continued from a saved position. Throws, naming `what`, for a state that is not one.
 *
 * ```ts
 * const u = seededStream(1);
 * u();
 * const saved = JSON.parse(JSON.stringify(u.state()));
 * seededStream(1, saved)() === u(); // true
 * ```
 */
export function seededStream(seed: number | string, state?: unknown, what = 'random stream'): StatefulUniform {
  if (state === undefined) return seedrandom.alea(String(seed), { state: true }) as unknown as StatefulUniform;
  const s = state as Partial<StreamState> | null;
  if (!s || typeof s !== 'object' || !(['c', 's0', 's1', 's2'] as const).every((k) => typeof s[k] === 'number' && Number.isFinite(s[k]))) {
    throw new Error(`${what}: cannot restore the random stream from ${JSON.stringify(state)} (expected { c, s0, s1, s2 })`);
  }
  return seedrandom.alea('', { state: { c: s.c!, s0: s.s0!, s1: s.s1!, s2: s.s2! } as never }) as unknown as StatefulUniform;
}
