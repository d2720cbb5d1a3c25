import { describe, expect, it } from 'vitest';
import { minimize, type MinimizeMethod } from '../src/optimize/minimize.ts';
import { rosen, rosenDer, rosenHessProd, rosenTf, branin, hartmann6, schwefel, ackley, rastrigin } from '../src/optimize/test-functions.ts';
import { loadTf } from '../src/optimize/tf.ts';
import { flatten } from '../src/optimize/tree.ts';
import { tfObjective } from '../src/optimize/objective.ts';
import { moreSorensen } from '../src/optimize/methods/trust-exact.ts';
import { neuronStreams } from '../src/numeric/random.ts';

const maxErr = (x: ArrayLike<number>, target: number) => Math.max(...Array.from(x, (v) => Math.abs(v - target)));
const exact = { precision: 'float64' as const, jac: rosenDer, hessp: rosenHessProd, tol: 1e-10 };

/**
 * scipy 1.17.1's iteration counts on the same problems (minimize(rosen, x0, jac=rosen_der,
 * hessp=rosen_hess_prod, tol=1e-10); Nelder–Mead adaptive with xatol = fatol = 1e-10), run
 * for this test: 2-D from [0, 0] and 10-D from zeros. The augmented Lagrangian has no
 * constraint here and is compared with L-BFGS-B. scipy's tutorial (x0 = [1.3, 0.7, 0.8, 1.9,
 * 1.2]) prints BFGS 25 iterations / 30 evaluations and Nelder–Mead 339 / 571, the same as 1.17.1.
 * trust-exact: scipy 1.17.1 minimize(rosen, x0, jac=rosen_der, hess=rosen_hess,
 * method='trust-exact', tol=1e-10) takes 18 (2-D) and 27 (10-D) iterations, SLSQP (jac=rosen_der)
 * 25 and 59, run for this test.
 */
const SCIPY: Record<MinimizeMethod, [number, number]> = {
  lbfgs: [22, 60],
  bfgs: [22, 65],
  cg: [34, 284],
  'newton-cg': [36, 54],
  'trust-ncg': [23, 67],
  'trust-exact': [18, 27],
  slsqp: [25, 59],
  'augmented-lagrangian': [22, 60],
  'nelder-mead': [127, 2766],
};
const METHODS: MinimizeMethod[] = ['lbfgs', 'bfgs', 'cg', 'newton-cg', 'trust-ncg', 'trust-exact', 'slsqp', 'augmented-lagrangian', 'nelder-mead'];

describe('minimize on Rosenbrock (float64)', () => {
  for (const method of METHODS) {
    it(`${method}: 2-D from [0, 0] and 10-D from zeros to 1e-6 in at most 1.5× scipy's iterations`, async () => {
      const nm = method === 'nelder-mead' ? { maxIter: 100000, options: { adaptive: true } } : {};
      const two = await minimize(rosen, [0, 0], { ...exact, ...nm, method });
      expect(two.success).toBe(true);
      expect(maxErr(two.x, 1)).toBeLessThan(1e-6);
      const ten = await minimize(rosen, new Array(10).fill(0), { ...exact, ...nm, method });
      expect(ten.success).toBe(true);
      expect(maxErr(ten.x, 1)).toBeLessThan(1e-6);
      const [scipy2, scipy10] = SCIPY[method];
      expect(two.nit).toBeLessThanOrEqual(1.5 * scipy2 + 2);
      expect(ten.nit).toBeLessThanOrEqual(1.5 * scipy10 + 2);
      expect(ten.nfev).toBeGreaterThan(ten.nit);
    });
  }

  it('accepts scipy spellings and rejects unknown methods by name', async () => {
    const r = await minimize(rosen, [0, 0], { ...exact, method: 'L-BFGS-B' });
    expect(r.method).toBe('lbfgs');
    await expect(minimize(rosen, [0, 0], { ...exact, method: 'powell' })).rejects.toThrow(/unknown method 'powell'/);
  });

  it('without jac, central differences still reach 1e-6', async () => {
    const r = await minimize(rosen, [0, 0], { precision: 'float64', tol: 1e-10 });
    expect(maxErr(r.x, 1)).toBeLessThan(1e-6);
  });
});

describe('minimize with tfjs functions (automatic gradients)', () => {
  it("autograd-minimize's README: Rosenbrock 2-D from [0, 0] with L-BFGS, BFGS, Newton-CG, trust-ncg and trust-exact", async () => {
    const tf = await loadTf();
    for (const method of ['lbfgs', 'bfgs', 'newton-cg', 'trust-ncg', 'trust-exact']) {
      const r = await minimize(rosenTf(tf), [0, 0], { method });
      // float32 evaluation: the README's own result is [0.99999912, 0.99999824]
      expect(maxErr(r.x, 1)).toBeLessThan(1e-5);
    }
  });

  it("the matrix factorisation U·V (10×3 · 3×15) with dict inputs to loss < 1e-6", async () => {
    const tf = await loadTf();
    const rng = neuronStreams('matfac', 1)[0]!;
    const rand = (r: number, c: number, sign = 1) => Array.from({ length: r }, () => Array.from({ length: c }, () => sign * rng()));
    const prod = tf.matMul(tf.tensor2d(rand(10, 3)), tf.tensor2d(rand(3, 15)));
    const matFac = ({ U, V }: { U: import('@tensorflow/tfjs').Tensor2D; V: import('@tensorflow/tfjs').Tensor2D }) => tf.mean(tf.square(tf.sub(tf.matMul(U, V), prod)));
    const x0 = { U: rand(10, 3, -1), V: rand(3, 15) };
    const r = await minimize(matFac, x0, { maxIter: 2000 });
    expect(r.fun).toBeLessThan(1e-6);
    expect(r.x.U).toHaveLength(10);
    expect(r.x.U[0]).toHaveLength(3);
    expect(r.x.V[2]).toHaveLength(15);
    // bounds as autograd-minimize writes them: (None, 0) for all, or per key
    const neg = await minimize(matFac, x0, { bounds: [null, 0] });
    expect((neg.x.U as number[][]).flat().every((v) => v <= 0)).toBe(true);
    expect((neg.x.V as number[][]).flat().every((v) => v <= 0)).toBe(true);
    const per = await minimize(matFac, x0, { bounds: { U: [null, 0], V: [-1, Infinity] } });
    expect((per.x.U as number[][]).flat().every((v) => v <= 0)).toBe(true);
    expect((per.x.V as number[][]).flat().every((v) => v >= -1)).toBe(true);
    prod.dispose();
  });

  it('Hessian-vector products by autodiff match finite differences of the gradient', async () => {
    const tf = await loadTf();
    const { spec } = flatten([0, 0, 0, 0]);
    const obj = tfObjective(tf, spec, rosenTf(tf));
    const x = Float64Array.of(0.5, -0.3, 0.8, 1.1);
    const v = Float64Array.of(0.2, -1, 0.4, 0.7);
    const hv = await obj.hessp(x, v);
    const exactHv = rosenHessProd(x, v);
    const h = 1e-6;
    const fd = Float64Array.from(rosenDer(Float64Array.from(x, (xi, i) => xi + h * v[i]!)), (g, i) => (g - rosenDer(Float64Array.from(x, (xi, k) => xi - h * v[k]!))[i]!) / (2 * h));
    for (let i = 0; i < 4; i++) {
      expect(hv[i]).toBeCloseTo(fd[i]!, 3);
      expect(fd[i]).toBeCloseTo(exactHv[i]!, 5);
    }
  });
});

describe("trust-exact's subproblem (Moré–Sorensen)", () => {
  it('interior Newton step, boundary step of an indefinite model, and the hard case', () => {
    // positive definite, Newton step inside: p = −H⁻¹g
    const inside = moreSorensen(Float64Array.of(2, 0, 0, 4), Float64Array.of(1, 1), 10);
    expect(inside.hitsBoundary).toBe(false);
    expect(inside.p[0]).toBeCloseTo(-0.5, 12);
    expect(inside.p[1]).toBeCloseTo(-0.25, 12);
    // H = diag(1, −2), g = (1, 1), radius 1: p = −(H + λI)⁻¹g with |p| = 1, λ > 2
    const easy = moreSorensen(Float64Array.of(1, 0, 0, -2), Float64Array.of(1, 1), 1);
    const lambda = 2 - 1 / easy.p[1]!;
    expect(Math.hypot(easy.p[0]!, easy.p[1]!)).toBeCloseTo(1, 9);
    expect(easy.p[0]).toBeCloseTo(-1 / (1 + lambda), 9);
    expect(lambda).toBeGreaterThan(2);
    // hard case: g ⟂ the lowest eigenvector (0, 1): λ = 2, p = (−1/3, ±√(4 − 1/9)) on the boundary
    const hard = moreSorensen(Float64Array.of(1, 0, 0, -2), Float64Array.of(1, 0), 2);
    expect(hard.p[0]).toBeCloseTo(-1 / 3, 9);
    expect(Math.abs(hard.p[1]!)).toBeCloseTo(Math.sqrt(4 - 1 / 9), 9);
  });
});

describe('bounds and constraints', () => {
  it('one-sided bounds [null, 0.5] (null and Infinity) are respected and the bound becomes active', async () => {
    const r = await minimize(rosen, [0, 0], { ...exact, bounds: [null, 0.5] });
    expect(r.x[0]).toBeLessThanOrEqual(0.5);
    expect(r.x[1]).toBeLessThanOrEqual(0.5);
    // the constrained minimum: x0 = 0.5 active, then x1 = x0² = 0.25 inside its bound
    expect(r.x[0]).toBe(0.5);
    expect(r.x[1]).toBeCloseTo(0.25, 6);
    const r2 = await minimize(rosen, [0, 0], { ...exact, bounds: [[-Infinity, 0.5], [null, null]] });
    expect(r2.x[0]).toBe(0.5);
    expect(r2.x[1]).toBeCloseTo(0.25, 6);
  });

  it("scipy's constrained tutorial problem: min (x−1)² + (y−2.5)² under three inequalities and bounds → (1.4, 1.7)", async () => {
    const fun = ([x, y]: number[]) => (x! - 1) ** 2 + (y! - 2.5) ** 2;
    const constraints = [
      { type: 'ineq' as const, fun: ([x, y]: number[]) => x! - 2 * y! + 2 },
      { type: 'ineq' as const, fun: ([x, y]: number[]) => -x! - 2 * y! + 6 },
      { type: 'ineq' as const, fun: ([x, y]: number[]) => -x! + 2 * y! + 2 },
    ];
    const r = await minimize(fun, [2, 0], { method: 'augmented-lagrangian', precision: 'float64', constraints, bounds: [0, null], tol: 1e-10 });
    expect(r.success).toBe(true);
    expect(r.x[0]).toBeCloseTo(1.4, 6);
    expect(r.x[1]).toBeCloseTo(1.7, 6);
  });

  it("SLSQP on scipy's tutorial problem (scipy 1.17.1 SLSQP: 4 iterations) and on Hock–Schittkowski 71 (scipy: 6)", async () => {
    const fun = ([x, y]: number[]) => (x! - 1) ** 2 + (y! - 2.5) ** 2;
    const constraints = [
      { type: 'ineq' as const, fun: ([x, y]: number[]) => x! - 2 * y! + 2 },
      { type: 'ineq' as const, fun: ([x, y]: number[]) => -x! - 2 * y! + 6 },
      { type: 'ineq' as const, fun: ([x, y]: number[]) => -x! + 2 * y! + 2 },
    ];
    const r = await minimize(fun, [2, 0], { method: 'SLSQP', precision: 'float64', constraints, bounds: [0, null], tol: 1e-10 });
    expect(r.method).toBe('slsqp');
    expect(r.success).toBe(true);
    expect(Math.abs(r.x[0] - 1.4)).toBeLessThan(1e-8);
    expect(Math.abs(r.x[1] - 1.7)).toBeLessThan(1e-8);
    expect(r.nit).toBeLessThanOrEqual(6);
    // HS71: min x₁x₄(x₁+x₂+x₃) + x₃ with x₁x₂x₃x₄ >= 25, Σx² = 40, 1 <= x <= 5 from (1, 5, 5, 1); Hock & Schittkowski's
    // solution (1, 4.7429994, 3.8211503, 1.3794082), f* = 17.0140173
    const hs = await minimize((x: number[]) => x[0]! * x[3]! * (x[0]! + x[1]! + x[2]!) + x[2]!, [1, 5, 5, 1], {
      method: 'slsqp',
      precision: 'float64',
      bounds: [1, 5],
      tol: 1e-10,
      constraints: [
        { type: 'ineq', fun: (x: number[]) => x[0]! * x[1]! * x[2]! * x[3]! - 25 },
        { type: 'eq', fun: (x: number[]) => x.reduce((a, v) => a + v * v, 0) - 40 },
      ],
    });
    expect(hs.success).toBe(true);
    expect(hs.fun).toBeCloseTo(17.0140173, 6);
    [1, 4.7429994, 3.8211503, 1.3794082].forEach((v, i) => expect(hs.x[i]).toBeCloseTo(v, 6));
    expect(hs.nit).toBeLessThanOrEqual(9);
  });

  it("SLSQP with a tfjs equality constraint (automatic Jacobian); 'trust-constr' runs SLSQP with a warning", async () => {
    const tf = await loadTf();
    const r = await minimize((x: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.square(x)), [3, -1], {
      method: 'trust-constr',
      constraints: { type: 'eq', fun: (x: import('@tensorflow/tfjs').Tensor) => tf.sub(tf.sum(x), 1) },
    });
    expect(r.method).toBe('slsqp');
    expect(r.success).toBe(true);
    expect(r.x[0]).toBeCloseTo(0.5, 6);
    expect(r.x[1]).toBeCloseTo(0.5, 6);
  });

  it('an equality constraint written in tfjs: min x² + y² on x + y = 1 → (0.5, 0.5)', async () => {
    const tf = await loadTf();
    const r = await minimize((x: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.square(x)), [3, -1], {
      method: 'augmented-lagrangian',
      constraints: { type: 'eq', fun: (x: import('@tensorflow/tfjs').Tensor) => tf.sub(tf.sum(x), 1) },
      options: { ctol: 1e-5 },
    });
    expect(r.x[0]).toBeCloseTo(0.5, 4);
    expect(r.x[1]).toBeCloseTo(0.5, 4);
  });

  it('methods without bounds or constraints say so', async () => {
    await expect(minimize(rosen, [0, 0], { ...exact, method: 'bfgs', bounds: [0, 1] })).rejects.toThrow(/takes no bounds/);
    await expect(minimize(rosen, [0, 0], { ...exact, method: 'cg', constraints: { type: 'eq', fun: () => 0 } })).rejects.toThrow(/takes no constraints/);
  });
});

describe('test functions', () => {
  it('have their published minima', () => {
    expect(rosen([1, 1, 1])).toBe(0);
    expect(ackley([0, 0])).toBeCloseTo(0, 12);
    expect(rastrigin([0, 0, 0])).toBe(0);
    expect(branin([Math.PI, 2.275])).toBeCloseTo(0.397887, 5);
    expect(branin([-Math.PI, 12.275])).toBeCloseTo(0.397887, 5);
    expect(hartmann6([0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573])).toBeCloseTo(-3.32237, 4);
    expect(schwefel([420.9687, 420.9687])).toBeCloseTo(0, 3);
  });

  it('Hartmann-6 from the centre and Branin from (0, 5) reach their minima with L-BFGS under bounds', async () => {
    const h = await minimize(hartmann6, [0.2, 0.2, 0.5, 0.3, 0.3, 0.6], { precision: 'float64', bounds: [0, 1], tol: 1e-10 });
    expect(h.fun).toBeCloseTo(-3.32237, 4);
    const b = await minimize(branin, [2, 5], { precision: 'float64', bounds: [[-5, 10], [0, 15]], tol: 1e-10 });
    expect(b.fun).toBeCloseTo(0.397887, 5);
  });
});
