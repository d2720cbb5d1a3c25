/**
 * The trust-region radius after a step whose actual/predicted reduction ratio is `rho`
 * (Nocedal & Wright, Algorithm 4.1, as scipy's trust-region methods): shrink to a quarter
 * below 0.25, double (up to `maxRadius`) above 0.75 when the step reached the boundary.
 *
 * ```ts
 * nextRadius(1, 0.9, true, 1000); // 2
 * nextRadius(1, 0.1, false, 1000); // 0.25
 * ```
 */
export function nextRadius(radius: number, rho: number, hitsBoundary: boolean, maxRadius: number): number {
  if (rho < 0.25) return radius * 0.25;
  if (rho > 0.75 && hitsBoundary) return Math.min(2 * radius, maxRadius);
  return radius;
}
