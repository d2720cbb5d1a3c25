import { describe, expect, it } from 'vitest';
import { erf, erfc, erfcx, LOG_SQRT_2PI, logNormalMass, narrowCellFactor, normalCdf } from '../../src/numeric/normal.ts';

const relErr = (a: number, b: number) => Math.abs(a / b - 1);

describe('normal-distribution special functions', () => {
  it('erf, erfc, Φ and tail masses are accurate', () => {
    // Reference values from mpmath at 40 digits.
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 15);
    expect(Math.abs(erfc(3) / 2.209049699858544e-5 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(erfc(10) / 2.088487583762545e-45 - 1)).toBeLessThan(1e-13);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 15);
    expect(normalCdf(0)).toBe(0.5);
    expect(Math.abs(normalCdf(-20) / 2.7536241186062337e-89 - 1)).toBeLessThan(1e-12);
    expect(logNormalMass(40, 41)).toBeCloseTo(-804.6084420137538, 10);
    expect(logNormalMass(-41, -40)).toBeCloseTo(-804.6084420137538, 10);
    expect(logNormalMass(2, 2.0000001)).toBeCloseTo(-19.03703428579957, 10);
    expect(logNormalMass(-1, 1)).toBeCloseTo(-0.38171514630212605, 14);
    expect(logNormalMass(-Infinity, Infinity)).toBe(0);
  });

  it('erfc and erfcx match mpmath across every branch of Cody’s approximations', () => {
    // [x, erfc(x), erfcx(x)] from mpmath at 40 digits; the points straddle the branch limits
    // 0.46875 and 4, and reach the far tail where erfc nearly underflows.
    const table: [number, number, number][] = [
      [-3.5, 1.9999992569016277, NaN],
      [-0.46875, 1.492613473217938, NaN],
      [-0.3, 1.3286267594591274, NaN],
      [1e-8, 0.99999998871620833, 0.99999998871620843],
      [0.46875, 0.50738652678206201, 0.63206968924955608],
      [0.5, 0.47950012218695346, 0.61569034419292587],
      [1.7, 0.016209541409225436, 0.29166329707534347],
      [3.99, 1.6739211364520843e-8, 0.13732404091422971],
      [4, 1.5417257900280019e-8, 0.13699945762506139],
      [4.01, 1.4196939421371026e-8, 0.13667636742994915],
      [6.5, 3.8421483271206475e-20, 0.085805670104894602],
      [12, 1.3562611692059042e-64, 0.046854221014893763],
      [26.5, 2.2109076642637343e-307, 0.021275046685371106],
    ];
    for (const [x, c, cx] of table) {
      expect(relErr(erfc(x), c)).toBeLessThan(2e-15 * Math.max(1, x * x));
      expect(erf(x)).toBeCloseTo(1 - c, 15);
      if (x >= 0) expect(relErr(erfcx(x), cx)).toBeLessThan(1e-15);
    }
    // erfcx stays finite where erfc underflows, tending to 1 / (x sqrt(pi)).
    expect(erfc(30)).toBe(0);
    expect(relErr(erfcx(1e3), 5.641893014533876542e-4)).toBeLessThan(1e-15);
    expect(erfcx(1e9)).toBe(1 / (1e9 * Math.sqrt(Math.PI)));
    expect(erfcx(0)).toBe(1);
  });

  it('erf is odd, erfc(x) + erfc(-x) = 2, and the limits are exact', () => {
    for (let x = -6; x <= 6; x += 0.173) {
      expect(erf(-x)).toBe(-erf(x));
      expect(erfc(x) + erfc(-x)).toBeCloseTo(2, 15);
    }
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erf(0)).toBe(0);
    expect(Number.isNaN(erf(NaN))).toBe(true);
  });

  it('Φ matches known quantiles and symmetry', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.97500210485177957, 15);
    expect(relErr(normalCdf(-38), 2.885428360068784308e-316)).toBeLessThan(1e-9); // subnormal: fewer digits left
    expect(1 - normalCdf(5)).toBeCloseTo(2.866515718791939e-7, 15);
    for (const z of [0.1, 0.7, 1.5, 3]) expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 15);
  });

  it('log interval masses match mpmath in the centre, the tails, and for narrow cells', () => {
    // [a, b, log(Φ(b) - Φ(a))] from mpmath at 40 digits.
    const table: [number, number, number][] = [
      [0, Infinity, -0.69314718055994531],
      [-Infinity, -10, -53.231285150512471],
      [1, 2, -1.9957982691807554],
      [-3, 0.5, -0.37090055956203252],
      [10, Infinity, -53.231285150512471],
      [-2, -1.999, -9.8256938122701431],
      [5, 5.001, -20.329192936978717],
      [-0.001, 0.001, -7.13354679829352],
      [-9, 9, -2.2571768119076813e-19],
      [8.4, 8.6, -38.537549338232149],
    ];
    for (const [a, b, expected] of table) expect(logNormalMass(a, b)).toBeCloseTo(expected, 12);
  });

  it('the narrow-cell series is the cell mass over t φ(z), to 4e-10 where t (1 + |z|) <= 1', () => {
    // [z, t, (Φ(z + t/2) - Φ(z - t/2)) / (t φ(z))] from mpmath at 40 digits.
    const table: [number, number, number][] = [
      [0.7, 0.05, 0.99994687597706074],
      [0, 0.5, 0.98968026736701083],
      [-2, 0.2, 1.0049958311576489],
      [3, 0.25, 1.0208942957441493],
    ];
    for (const [z, t, expected] of table) expect(relErr(narrowCellFactor(z, t), expected)).toBeLessThan(4e-10);
    expect(LOG_SQRT_2PI).toBeCloseTo(Math.log(Math.sqrt(2 * Math.PI)), 15);
  });
});
