import { describe, expect, it } from 'vitest';
import { AutoSampler, CMAES, RandomSearch, TPE, loguniform, quniform, uniform, type Point, type Sampler, type SamplerOptions, type Space } from '../src/index.ts';
import { seededStream } from '../src/numeric/random.ts';

const space: Space = { x: uniform(-2, 3), y: loguniform(0.1, 10), z: quniform(0, 5, 0.5) };
// a bowl with a flat floor (CMA-ES converges and restarts on it) and a hole of failed evaluations
const loss = (p: Point) => (p.x! > 2.5 ? NaN : Math.max(0.01, (p.x! - 1) ** 2 + Math.log(p.y!) ** 2 + (p.z! - 2) ** 2));

const kinds: [string, (o: SamplerOptions) => Sampler][] = [
  ['tpe', (o) => new TPE(space, o)],
  ['random', (o) => new RandomSearch(space, o)],
  ['cmaes', (o) => new CMAES(space, { ...o, popSize: 6 })],
  ['auto', (o) => new AutoSampler(space, { ...o, explore: 30 })],
  // saved while TPE explores, CMA-ES takes over after the restore
  ['auto', (o) => new AutoSampler(space, { ...o, explore: 300 })],
];

/** `rounds` ask/tell rounds of `batch` points; returns every point asked. */
function drive(s: Sampler, rounds: number, batch: number): Point[] {
  const asked: Point[] = [];
  for (let r = 0; r < rounds; r++) {
    const points = s.ask(batch);
    s.tell(points, points.map(loss));
    asked.push(...points);
  }
  return asked;
}

describe('a sampler state round trip', () => {
  for (const [kind, make] of kinds) {
    for (const batch of [1, 4, 7]) {
      it(`${kind}, batches of ${batch}: restored from JSON, it continues exactly as the uninterrupted sampler`, () => {
        const rounds = Math.ceil(240 / batch);
        const whole = make({ seed: 3 });
        const expected = drive(whole, 2 * rounds, batch);
        const first = make({ seed: 3 });
        drive(first, rounds, batch);
        const saved = JSON.parse(JSON.stringify(first.state!()));
        expect(saved.kind).toBe(kind);
        // the seed no longer matters: the state holds the stream's position
        const resumed = make({ seed: 99, state: saved });
        expect(resumed.trials.length).toBe(rounds * batch);
        const rest = drive(resumed, rounds, batch);
        expect(rest).toEqual(expected.slice(rounds * batch));
        expect(resumed.best()).toEqual(whole.best());
        expect(resumed.trials.map((t) => t.params)).toEqual(whole.trials.map((t) => t.params));
        expect(resumed.preferredBatch).toBe(whole.preferredBatch);
      });
    }
  }

  it('CMA-ES restarts along the way, and its state keeps the restart count and population', () => {
    const s = new CMAES(space, { seed: 1, popSize: 6 });
    drive(s, 200, 6);
    expect(s.restartsDone).toBeGreaterThan(0);
    const state = JSON.parse(JSON.stringify(s.state()));
    expect(state.runIndex).toBe(s.restartsDone);
    expect(state.lambda).toBe(s.preferredBatch);
    expect(new CMAES(space, { popSize: 6, state }).restartsDone).toBe(s.restartsDone);
  });

  it('CMA-ES: a state taken between ask and tell recognises the asked points told later (copies included)', () => {
    const a = new CMAES(space, { seed: 2 });
    const b = new CMAES(space, { seed: 2 });
    drive(a, 5, 3);
    drive(b, 5, 3);
    const points = a.ask(3);
    b.ask(3);
    const restored = new CMAES(space, { state: JSON.parse(JSON.stringify(b.state())) });
    a.tell(points, points.map(loss));
    restored.tell(points.map((p) => ({ ...p })), points.map(loss));
    expect(restored.ask(10)).toEqual(a.ask(10));
  });

  it('refuses a state of another kind, or a broken one', () => {
    const tpe = new TPE(space, { seed: 1 });
    drive(tpe, 3, 4);
    expect(() => new CMAES(space, { state: tpe.state() })).toThrow("cmaes: cannot restore from a 'tpe' state; expected a state from cmaes's state()");
    expect(() => new TPE(space, { state: { ...tpe.state(), rng: { c: 1 } } })).toThrow(/tpe: cannot restore the random stream/);
  });
});

describe('seededStream', () => {
  it('is seedrandom.alea of the seed, and continues from a saved position', () => {
    const u = seededStream('s');
    for (let i = 0; i < 5; i++) u();
    const saved = JSON.parse(JSON.stringify(u.state()));
    const next = [u(), u(), u()];
    const v = seededStream('other', saved);
    expect([v(), v(), v()]).toEqual(next);
  });
});
