/**
 * Whether a figure just sent looks like a typo, judged against its own history (the same indicator and
 * area, earlier periods of the same kind). Counts are judged as counts: a Poisson tail under an expected
 * value, not a z-score that assumes normal data and floods small or skewed counts with false alarms.
 *
 * The expected count (E) of a period, from the figures before it:
 *   S  = the figure for the same period a year earlier (two for a biennial indicator);
 *   L  = the median of the three most recent earlier figures (fewer where there are fewer);
 *   L' = the median of the three figures before S, the level a year before L;
 *   E  = S x L / L' where all three exist and L and L' are 10 or more (last year's figure, moved as the level
 *        has moved: a seasonal month is expected to be seasonal); (S + L) / 2 where S and L exist; else L
 *        alone; with no earlier figure nothing is judged.
 * Rules, any of which makes the figure an outlier:
 *   poisson_tail: where S is known, the count's tail probability under Poisson(max(E, 0.5)) is below the
 *     level, on either side (P(X >= x) above E, P(X <= x) below it); E is floored at 0.5 so that a run of
 *     zeros does not make a single incident impossible. Without S a summer's rise would read as an outlier
 *     against the spring's level, so in a figure's first year only the rules below judge it;
 *   above_previous_max: more than N times the largest earlier figure (any unit);
 *   unexpected_zero: a zero where three or more earlier figures have none, and (for a count) E is 3 or more;
 *   rate_outlier: a rate or percentage whose modified z-score (0.6745 (x - median) / MAD, Iglewicz and
 *     Hoaglin) is beyond 3.5, where there are 12 or more earlier figures and they vary (MAD > 0).
 * A ratio sent as numerator and denominator has each judged as a count, and the rate by the z-score.
 */

export interface OutlierSettings {
  /** Tail probability below which a count is an outlier (each side), at most 0.01. */
  level: number
  /** A figure more than this many times the largest earlier one is always an outlier. */
  maxMultiple: number
}

export const DEFAULT_OUTLIER_SETTINGS: OutlierSettings = { level: 0.001, maxMultiple: 3 }

export const OUTLIER_RULES = ['poisson_tail', 'above_previous_max', 'unexpected_zero', 'rate_outlier'] as const
export type OutlierRule = (typeof OUTLIER_RULES)[number]

export const JUDGED_FIGURES = ['value', 'numerator', 'denominator'] as const
export type JudgedFigure = (typeof JUDGED_FIGURES)[number]

/** An earlier figure: its period's first month (months from year 0) and its values. */
export interface HistoryPoint {
  month: number
  value: number
  numerator: number | null
  denominator: number | null
}

export interface Figure {
  /** Months from year 0 of the period's first month. */
  month: number
  value: number
  numerator: number | null
  denominator: number | null
}

export interface Finding {
  figure: JudgedFigure
  rule: OutlierRule
  sent: number
  /** The expected figure and the range it is not an outlier in (null where the rule has none). */
  expected: number | null
  low: number | null
  high: number | null
  /** The tail probability (poisson_tail) or the modified z-score (rate_outlier). */
  score: number | null
  message: string
}

/** What the figure is: a count (or a rate of the population, sent as its count), or a rate or percentage. */
export type FigureKind = 'count' | 'rate'

export const MIN_RATE_HISTORY = 12
const MODIFIED_Z_LIMIT = 3.5
const SEASONAL_LEVEL_MIN = 10
const LAMBDA_FLOOR = 0.5

// --- Poisson tails through the regularised incomplete gamma function (Numerical Recipes, 6.2) ---

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** ln Gamma(z) for z > 0 (Lanczos, g = 7): about 15 significant digits. */
export function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z)
  const x = z - 1
  let a = LANCZOS[0]!
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

const EPS = 1e-15
const MAX_STEPS = 10_000

/** The lower regularised gamma P(a, x) by its series, for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a
  let sum = term
  for (let n = 1; n < MAX_STEPS; n++) {
    term *= x / (a + n)
    sum += term
    if (Math.abs(term) < Math.abs(sum) * EPS) break
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a))
}

/** The upper regularised gamma Q(a, x) by its continued fraction (Lentz), for x >= a + 1. */
function gammaFraction(a: number, x: number): number {
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < MAX_STEPS; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < EPS) break
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h
}

const lowerGamma = (a: number, x: number) => (x < a + 1 ? gammaSeries(a, x) : 1 - gammaFraction(a, x))
const upperGamma = (a: number, x: number) => (x < a + 1 ? 1 - gammaSeries(a, x) : gammaFraction(a, x))

/** P(X >= k) for X ~ Poisson(lambda): the lower regularised gamma P(k, lambda). */
export function poissonUpper(k: number, lambda: number): number {
  return k <= 0 ? 1 : lowerGamma(k, lambda)
}

/** P(X <= k) for X ~ Poisson(lambda): the upper regularised gamma Q(k + 1, lambda). */
export function poissonLower(k: number, lambda: number): number {
  return k < 0 ? 0 : upperGamma(k + 1, lambda)
}

/** The counts not outliers under Poisson(lambda) at the level: [low, high]. */
function poissonRange(lambda: number, level: number): [number, number] {
  const spread = Math.ceil(12 * Math.sqrt(lambda) + 30)
  // high: the largest k with P(X >= k) >= level; low: the smallest k with P(X <= k) >= level.
  let lo = Math.floor(lambda)
  let hi = Math.floor(lambda) + spread
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2)
    if (poissonUpper(mid, lambda) >= level) lo = mid
    else hi = mid - 1
  }
  const high = lo
  lo = 0
  hi = Math.ceil(lambda)
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (poissonLower(mid, lambda) >= level) hi = mid
    else lo = mid + 1
  }
  return [lo, high]
}

// --- The expected value ---

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** E, as the module comment defines it, from earlier (month, figure) pairs in period order; null with none. */
export function expectedFigure(
  earlier: ReadonlyArray<[number, number]>,
  month: number,
  yearMonths = 12,
): number | null {
  if (earlier.length === 0) return null
  const sameIndex = earlier.findIndex(([m]) => m === month - yearMonths)
  const level = median(earlier.slice(-3).map(([, v]) => v))
  if (sameIndex < 0) return level
  const same = earlier[sameIndex]![1]
  const before = earlier.slice(Math.max(0, sameIndex - 3), sameIndex).map(([, v]) => v)
  if (before.length > 0) {
    const levelThen = median(before)
    if (level >= SEASONAL_LEVEL_MIN && levelThen >= SEASONAL_LEVEL_MIN) return (same * level) / levelThen
  }
  return (same + level) / 2
}

const round = (x: number, places = 2) => Math.round(x * 10 ** places) / 10 ** places

/** A count judged against its earlier counts. */
function judgeCount(
  figure: JudgedFigure,
  sent: number,
  earlier: ReadonlyArray<[number, number]>,
  month: number,
  yearMonths: number,
  settings: OutlierSettings,
): Finding[] {
  const found: Finding[] = []
  const expected = expectedFigure(earlier, month, yearMonths)
  if (expected === null) return found
  const lambda = Math.max(expected, LAMBDA_FLOOR)
  const anchored = earlier.some(([m]) => m === month - yearMonths)
  // Within two standard deviations no Poisson tail is below 0.018, and the level is at most 0.01: skip the sums.
  if (anchored && Math.abs(sent - lambda) > 2 * Math.sqrt(lambda)) {
    const tail = sent > lambda ? poissonUpper(sent, lambda) : poissonLower(sent, lambda)
    if (tail < settings.level) {
      const [low, high] = poissonRange(lambda, settings.level)
      found.push({
        figure,
        rule: 'poisson_tail',
        sent,
        expected: round(expected),
        low,
        high,
        score: tail,
        message: `${sent} is ${sent > lambda ? 'far above' : 'far below'} the ${round(expected)} expected from its history (counts from ${low} to ${high} are usual; the chance of ${sent} or ${sent > lambda ? 'more' : 'fewer'} is ${tail === 0 ? 'below 1e-300' : tail.toPrecision(2)})`,
      })
    }
  }
  if (sent === 0 && expected >= 3 && earlier.length >= 3 && earlier.every(([, v]) => v > 0))
    found.push({
      figure,
      rule: 'unexpected_zero',
      sent,
      expected: round(expected),
      low: null,
      high: null,
      score: null,
      message: `a zero where none of the ${earlier.length} earlier figures is zero`,
    })
  return found
}

function judgeMaximum(
  figure: JudgedFigure,
  sent: number,
  earlier: ReadonlyArray<[number, number]>,
  settings: OutlierSettings,
): Finding[] {
  const max = Math.max(...earlier.map(([, v]) => v))
  if (earlier.length === 0 || max <= 0 || sent <= settings.maxMultiple * max) return []
  return [
    {
      figure,
      rule: 'above_previous_max',
      sent,
      expected: null,
      low: null,
      high: round(settings.maxMultiple * max),
      score: round(sent / max),
      message: `${sent} is ${round(sent / max)} times the largest earlier figure (${max}); more than ${settings.maxMultiple} times is always queried`,
    },
  ]
}

function judgeRate(sent: number, earlier: ReadonlyArray<[number, number]>): Finding[] {
  const found: Finding[] = []
  if (earlier.length >= MIN_RATE_HISTORY) {
    const values = earlier.map(([, v]) => v)
    const med = median(values)
    const mad = median(values.map((v) => Math.abs(v - med)))
    if (mad > 0) {
      const z = (0.6745 * (sent - med)) / mad
      if (Math.abs(z) > MODIFIED_Z_LIMIT) {
        const reach = (MODIFIED_Z_LIMIT * mad) / 0.6745
        found.push({
          figure: 'value',
          rule: 'rate_outlier',
          sent,
          expected: round(med, 4),
          low: round(med - reach, 4),
          high: round(med + reach, 4),
          score: round(z),
          message: `${sent} is ${round(Math.abs(z))} robust deviations from the median ${round(med, 4)} of the last ${earlier.length} figures (beyond ${MODIFIED_Z_LIMIT} is queried)`,
        })
      }
    }
  }
  if (sent === 0 && earlier.length >= 3 && earlier.every(([, v]) => v > 0))
    found.push({
      figure: 'value',
      rule: 'unexpected_zero',
      sent,
      expected: null,
      low: null,
      high: null,
      score: null,
      message: `a zero where none of the ${earlier.length} earlier figures is zero`,
    })
  return found
}

/**
 * Every rule a figure breaks against its earlier figures (in period order, all before it): an empty list
 * when it looks like its history, or when there is none to judge it by.
 */
export function judgeFigure(
  kind: FigureKind,
  figure: Figure,
  earlier: readonly HistoryPoint[],
  settings: OutlierSettings = DEFAULT_OUTLIER_SETTINGS,
  yearMonths = 12,
): Finding[] {
  const values = earlier.map((p): [number, number] => [p.month, p.value])
  if (kind === 'count')
    return [
      ...judgeCount('value', figure.value, values, figure.month, yearMonths, settings),
      ...judgeMaximum('value', figure.value, values, settings),
    ]
  const found: Finding[] = []
  for (const part of ['numerator', 'denominator'] as const) {
    const sent = figure[part]
    if (sent === null) continue
    const parts = earlier.flatMap((p): Array<[number, number]> => (p[part] === null ? [] : [[p.month, p[part]]]))
    found.push(...judgeCount(part, sent, parts, figure.month, yearMonths, settings))
  }
  return [...found, ...judgeRate(figure.value, values), ...judgeMaximum('value', figure.value, values, settings)]
}
