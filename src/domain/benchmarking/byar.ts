/**
 * Confidence limits of an observed count O, by Byar's approximation to the exact Poisson limits (Public
 * Health England's funnel plot method): lower O(1 - 1/(9O) - z/(3 sqrt O))^3, 0 when O is 0; upper
 * (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3. At small counts and a high z the lower formula goes below 0
 * (O = 1 at 99.8% gives -0.003): a count's limit is never below 0.
 */
export function byarLimits(observed: number, z: number): { lower: number; upper: number } {
  const o = observed
  const lower = o === 0 ? 0 : Math.max(0, o * (1 - 1 / (9 * o) - z / (3 * Math.sqrt(o))) ** 3)
  const upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * Math.sqrt(o + 1))) ** 3
  return { lower, upper }
}

/** The two levels a comparison is judged at, as funnel plots draw them. */
export const LEVELS = [
  { name: '95', z: 1.96 },
  { name: '99.8', z: 3.09 },
] as const

export type Band = 'above' | 'in_line' | 'below'

/**
 * Whether an area's count is above, in line with or below what its group's rate would give it: above when
 * the expected count E is below the lower limit of the observed O, below when E is above O's upper limit.
 */
export function bandOf(observed: number, expected: number, z: number): Band {
  const { lower, upper } = byarLimits(observed, z)
  return expected < lower ? 'above' : expected > upper ? 'below' : 'in_line'
}
