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
