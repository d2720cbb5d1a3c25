/**
 * The standard normal distribution's special functions: erf, erfc, the scaled erfcx, Φ, and the
 * log of the probability mass in an interval.
 *
 * Truncation masses and quantised likelihoods need Φ far into the tails, where 1 - Φ is not
 * representable by subtraction, hence erfcx (the scaled erfc) and log-space masses. W. J. Cody's
 * rational Chebyshev approximations (Math. Comp. 1969; the coefficients of netlib's specfun
 * CALERF), good to about 1e-16 relative.
 */

const CODY_SMALL_LIMIT = 0.46875;
const INV_SQRT_PI = 0.5641895835477563;
const SQRT1_2 = Math.SQRT1_2;

/** log(sqrt(2 pi)): minus the log of the standard normal density's peak. */
export const LOG_SQRT_2PI = 0.9189385332046728;

/** erf(x) for |x| <= 0.46875. */
function erfSmall(x: number): number {
  const t = x * x;
  const num = (((0.185777706184603153 * t + 3.16112374387056560) * t + 113.864154151050156) * t + 377.485237685302021) * t + 3209.37758913846947;
  const den = (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t + 2844.23683343917062;
  return (x * num) / den;
}

/** exp(y^2) erfc(y) for 0.46875 < y <= 4. */
function erfcxMid(y: number): number {
  const num =
    (((((((2.15311535474403846e-8 * y + 0.564188496988670089) * y + 8.88314979438837594) * y + 66.1191906371416295) * y + 298.635138197400131) * y +
      881.952221241769090) * y + 1712.04761263407058) * y + 2051.07837782607147) * y + 1230.33935479799725;
  const den =
    (((((((y + 15.7449261107098347) * y + 117.693950891312499) * y + 537.181101862009858) * y + 1621.38957456669019) * y + 3290.79923573345963) * y +
      4362.61909014324716) * y + 3439.36767414372164) * y + 1230.33935480374942;
  return num / den;
}

/** exp(y^2) erfc(y) for y > 4 (asymptotic form). */
function erfcxLarge(y: number): number {
  if (y >= 6.71e7) return INV_SQRT_PI / y; // the correction is below double precision
  const t = 1 / (y * y);
  const num = ((((0.0163153871373020978 * t + 0.305326634961232344) * t + 0.360344899949804439) * t + 0.125781726111229246) * t + 0.0160837851487422766) * t + 6.58749161529837803e-4;
  const den = ((((t + 2.56852019228982242) * t + 1.87295284992346047) * t + 0.527905102951428412) * t + 0.0605183413124413191) * t + 0.00233520497626869185;
  return (INV_SQRT_PI - (t * num) / den) / y;
}

/** erfc(y) for y >= 0. */
function erfcNonNegative(y: number): number {
  if (y <= CODY_SMALL_LIMIT) return 1 - erfSmall(y);
  if (y >= 27) return 0; // underflows; also keeps Infinity from producing NaN below
  // exp(-y^2) split as exp(-s^2) exp(-(y-s)(y+s)) with s = y rounded down to 1/16: y*y alone
  // would carry a rounding error that exp amplifies into a relative error of order y^2 * eps.
  const s = Math.trunc(y * 16) / 16;
  const e = Math.exp(-s * s) * Math.exp(-(y - s) * (y + s));
  return (y <= 4 ? erfcxMid(y) : erfcxLarge(y)) * e;
}

/**
 * The error function, to about 1e-16 relative.
 *
 * ```ts
 * erf(0.5); // 0.5204998778130465
 * erf(-Infinity); // -1
 * ```
 */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= CODY_SMALL_LIMIT) return erfSmall(x);
  const r = 1 - erfcNonNegative(y);
  return x < 0 ? -r : r;
}

/**
 * The complementary error function 1 - erf(x), accurate in the far right tail (0 only once
 * it underflows, past x = 27).
 *
 * ```ts
 * erfc(10); // 2.088487583762545e-45, where 1 - erf(10) gives 0
 * ```
 */
export function erfc(x: number): number {
  return x >= 0 ? erfcNonNegative(x) : 2 - erfcNonNegative(-x);
}

/**
 * The scaled complementary error function exp(x^2) erfc(x), for x >= 0: finite and smooth
 * where erfc underflows (it tends to 1 / (x sqrt(pi))).
 *
 * ```ts
 * erfcx(0); // 1
 * erfcx(1e3); // 5.641893014533877e-4
 * ```
 */
export function erfcx(x: number): number {
  if (x <= CODY_SMALL_LIMIT) return Math.exp(x * x) * (1 - erfSmall(x));
  return x <= 4 ? erfcxMid(x) : erfcxLarge(x);
}

/**
 * The standard normal cumulative distribution function Φ, accurate in relative terms in the
 * left tail.
 *
 * ```ts
 * normalCdf(0); // 0.5
 * normalCdf(-20); // 2.7536241186062337e-89
 * ```
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/**
 * log(Φ(b) - Φ(a)) for a < b (either may be infinite), finite even when the mass
 * underflows: the interval [40, 41] has mass e^-800, whose log is still well defined.
 *
 * ```ts
 * logNormalMass(-1, 1); // -0.38171514630212605, log 0.6827
 * logNormalMass(40, 41); // -804.6084420137538
 * ```
 */
export function logNormalMass(a: number, b: number): number {
  if (a >= 0) return logUpperTailMass(a, b);
  if (b <= 0) return logUpperTailMass(-b, -a);
  if (a < -8.5 && b > 8.5) return 0; // the tails hold < 2e-17
  // Straddles 0: the two halves add, so there is no cancellation.
  return Math.log(0.5 * (erfSigned(b * SQRT1_2) + erfSigned(-a * SQRT1_2)));
}

function erfSigned(y: number): number {
  return y === Infinity ? 1 : erf(y);
}

/** log(Q(a) - Q(b)) for 0 <= a < b, Q the upper tail. */
function logUpperTailMass(a: number, b: number): number {
  const w = b - a;
  if (w * (1 + a + b) < 1e-2) {
    // So narrow that the difference below would cancel; the series about the midpoint is exact here.
    const m = 0.5 * (a + b);
    return Math.log(w * narrowCellFactor(m, w)) - LOG_SQRT_2PI - 0.5 * m * m;
  }
  const ya = a * SQRT1_2;
  const yb = b * SQRT1_2;
  // Q(a) - Q(b) = exp(-ya^2) (erfcx(ya) - erfcx(yb) exp(-(yb^2 - ya^2))) / 2
  const tail = b === Infinity ? 0 : erfcx(yb) * Math.exp(-(yb - ya) * (yb + ya));
  return -ya * ya + Math.log(0.5 * (erfcx(ya) - tail));
}

/**
 * ∫ φ over a cell of width t centred on z, divided by t φ(z): Σ_k He_2k(z) (t/2)^2k / (2k+1)!,
 * He the probabilists' Hermite polynomials (Taylor expansion of φ about z). Summed to k = 5,
 * it is good to 4e-10 relative when t (1 + |z|) <= 1 (checked against quadrature), and far
 * cheaper than the two erfc a cell's exact mass needs.
 *
 * ```ts
 * // the mass of [z - t/2, z + t/2] without cancellation:
 * const mass = t * Math.exp(-0.5 * z * z - LOG_SQRT_2PI) * narrowCellFactor(z, t);
 * ```
 */
export function narrowCellFactor(z: number, t: number): number {
  const z2 = z * z;
  const t2 = t * t;
  // He_{n+1} = z He_n - n He_{n-1}, stepping two at a time over the even ones.
  const he2 = z2 - 1;
  const he3 = z * he2 - 2 * z;
  const he4 = z * he3 - 3 * he2;
  const he5 = z * he4 - 4 * he3;
  const he6 = z * he5 - 5 * he4;
  const he7 = z * he6 - 6 * he5;
  const he8 = z * he7 - 7 * he6;
  const he9 = z * he8 - 8 * he7;
  const he10 = z * he9 - 9 * he8;
  return 1 + t2 * (he2 / 24 + t2 * (he4 / 1920 + t2 * (he6 / 322560 + t2 * (he8 / 92897280 + (t2 * he10) / 40874803200))));
}
