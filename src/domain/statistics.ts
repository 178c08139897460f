/**
 * The statistics DOMAIN.md rule 9 asks for: whether a change between two counts is more than chance, and
 * c-chart signals on a monthly count series. Plain numbers: counts are integers well inside 2^53.
 */

export interface CountTest {
  method: 'exact_binomial' | 'normal_approximation' | 'none'
  /** Last year's count and this year's. */
  x1: number
  x2: number
  /** Two-sided p-value (exact test) or the z statistic (approximation). */
  pValue: number | null
  z: number | null
  significant: boolean
}

/** log(n!) by summation; n stays below 30 where it is used. */
function logFactorial(n: number): number {
  let sum = 0
  for (let i = 2; i <= n; i++) sum += Math.log(i)
  return sum
}

function binomialHalf(n: number, k: number): number {
  return Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) - n * Math.LN2)
}

/**
 * Conditional binomial test of equal rates: given x1 + x2 events, under equal rates x2 is Binomial(n, 1/2).
 * Exact (two-sided, doubling the smaller tail) for n < 30, otherwise |x2 - x1| / sqrt(x1 + x2) > 1.96.
 */
export function compareCounts(x1: number, x2: number): CountTest {
  const n = x1 + x2
  if (n === 0) return { method: 'none', x1, x2, pValue: null, z: null, significant: false }
  if (n < 30) {
    let lower = 0
    let upper = 0
    for (let k = 0; k <= n; k++) {
      const p = binomialHalf(n, k)
      if (k <= x2) lower += p
      if (k >= x2) upper += p
    }
    const pValue = Math.min(1, 2 * Math.min(lower, upper))
    return { method: 'exact_binomial', x1, x2, pValue, z: null, significant: pValue < 0.05 }
  }
  const z = (x2 - x1) / Math.sqrt(n)
  return { method: 'normal_approximation', x1, x2, pValue: null, z, significant: Math.abs(z) > 1.96 }
}

export interface ProportionTest {
  method: 'two_proportion_z' | 'none'
  z: number | null
  significant: boolean
}

/** Pooled two-proportion z-test, for ratio indicators whose numerators and denominators are counts. */
export function compareProportions(n1: number, d1: number, n2: number, d2: number): ProportionTest {
  if (d1 <= 0 || d2 <= 0) return { method: 'none', z: null, significant: false }
  const pooled = (n1 + n2) / (d1 + d2)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / d1 + 1 / d2))
  if (se === 0) return { method: 'two_proportion_z', z: 0, significant: false }
  const z = (n2 / d2 - n1 / d1) / se
  return { method: 'two_proportion_z', z, significant: Math.abs(z) > 1.96 }
}

export interface SpcSignal {
  rule: 'outside_limits' | 'run_of_seven'
  side: 'above' | 'below'
}

export interface ControlChart {
  /** Mean of the previous months (up to 24) and its c-chart limits; the lower limit stops at 0. */
  mean: number
  upper: number
  lower: number
  months: number
  signals: SpcSignal[]
}

/** Fewer previous months than this give no limits: a mean of a handful of points is not a process. */
export const SPC_MIN_MONTHS = 12
export const SPC_WINDOW = 24

/**
 * c-chart on a monthly count series: `previous` are the (up to 24) monthly counts before `latest`,
 * `recent` the last seven points ending with `latest`. Signals when `latest` falls outside
 * mean +/- 3 sqrt(mean), or when all seven recent points sit on one side of the mean.
 */
export function controlChart(previous: number[], recent: number[]): ControlChart | null {
  if (previous.length < SPC_MIN_MONTHS || recent.length === 0) return null
  const mean = previous.reduce((a, b) => a + b, 0) / previous.length
  const spread = 3 * Math.sqrt(mean)
  const upper = mean + spread
  const lower = Math.max(0, mean - spread)
  const latest = recent[recent.length - 1]!
  const signals: SpcSignal[] = []
  if (latest > upper) signals.push({ rule: 'outside_limits', side: 'above' })
  if (latest < lower) signals.push({ rule: 'outside_limits', side: 'below' })
  if (recent.length >= 7) {
    const run = recent.slice(-7)
    if (run.every((v) => v > mean)) signals.push({ rule: 'run_of_seven', side: 'above' })
    if (run.every((v) => v < mean)) signals.push({ rule: 'run_of_seven', side: 'below' })
  }
  return { mean, upper, lower, months: previous.length, signals }
}
