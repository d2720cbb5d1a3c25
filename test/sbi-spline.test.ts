import { describe, expect, it } from 'vitest';
import { splineBackward, splineForward, splineInverse, splineParamCount } from '../src/sbi/spline.ts';
import { seededStream } from '../src/numeric/random.ts';

const K = 10;
const B = 3;
const out = new Float64Array(2);

function randomParams(seed: string): Float64Array {
  const random = seededStream(seed);
  return Float64Array.from({ length: splineParamCount(K) }, () => 4 * (random() - 0.5));
}

describe('rational-quadratic spline', () => {
  it('is the identity at raw parameters 0, and outside [−B, B]', () => {
    const zero = new Float64Array(splineParamCount(K));
    for (const x of [-2.9, -1, 0, 0.37, 2.5]) {
      splineForward(x, zero, 0, K, B, out);
      expect(out[0]).toBeCloseTo(x, 12);
      expect(out[1]).toBeCloseTo(0, 12);
    }
    const p = randomParams('tails');
    splineForward(4.2, p, 0, K, B, out);
    expect(out[0]).toBe(4.2);
    expect(out[1]).toBe(0);
  });

  it('is monotonic, maps [−B, B] onto itself, and its inverse undoes it to 1e-10', () => {
    const p = randomParams('inverse');
    let prev = -Infinity;
    for (let x = -2.999; x < 3; x += 0.0137) {
      splineForward(x, p, 0, K, B, out);
      expect(out[0]).toBeGreaterThan(prev);
      expect(Math.abs(out[0]!)).toBeLessThan(B);
      prev = out[0]!;
      expect(splineInverse(out[0]!, p, 0, K, B)).toBeCloseTo(x, 10);
    }
  });

  it('log |dy/dx| equals the finite-difference slope', () => {
    const p = randomParams('slope');
    for (const x of [-2.7, -1.3, -0.2, 0.41, 1.9, 2.95]) {
      splineForward(x + 1e-6, p, 0, K, B, out);
      const up = out[0]!;
      splineForward(x - 1e-6, p, 0, K, B, out);
      const down = out[0]!;
      splineForward(x, p, 0, K, B, out);
      expect(out[1]).toBeCloseTo(Math.log((up - down) / 2e-6), 6);
    }
  });

  it('gradients of y and log |dy/dx| in x and every raw parameter match central differences', () => {
    for (const [seed, x] of [['g1', -2.4], ['g2', 0.3], ['g3', 1.7], ['g4', 2.99]] as const) {
      const p = randomParams(seed);
      // L = 0.7·y − 1.3·logdet
      const L = (xv: number, pv: Float64Array) => {
        splineForward(xv, pv, 0, K, B, out);
        return 0.7 * out[0]! - 1.3 * out[1]!;
      };
      const g = new Float64Array(p.length);
      const gx = splineBackward(x, p, 0, K, B, 0.7, -1.3, g, 0);
      const h = 1e-6;
      expect(gx).toBeCloseTo((L(x + h, p) - L(x - h, p)) / (2 * h), 5);
      for (let i = 0; i < p.length; i++) {
        const a = Float64Array.from(p);
        const b = Float64Array.from(p);
        a[i] += h;
        b[i] -= h;
        expect(g[i]).toBeCloseTo((L(x, a) - L(x, b)) / (2 * h), 5);
      }
    }
  });
});
