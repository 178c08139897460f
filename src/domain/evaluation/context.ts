import { periodStep, unitFactor } from '../indicators.js'
import { contains, lastMonth, parsePeriod, periodContaining, type Period, type PeriodKind } from '../periods.js'
import type { EvalIndicator, EvalMeasurement, EvalTarget } from './types.js'

/** One measured period, by its first month. */
export interface Point {
  value: number
  numerator: number | null
  denominator: number | null
  status: string
}

export interface Aggregate {
  value: number | null
  numerator: number
  denominator: number
  /** How many of the periods asked for have a measurement. */
  count: number
}

/** An indicator's inputs for one area, parsed once, and what every rule works out from them. */
export interface IndicatorContext {
  indicator: EvalIndicator
  fyStartMonth: number
  /** Months between two of the indicator's periods. */
  step: 1 | 3 | 12
  /** Whether the indicator is measured by years (annual and biennial surveys). */
  annual: boolean
  /** A ratio's multiplier (100 for a percentage). */
  factor: number
  /** The indicator's decimal places. */
  dp: number
  /** False for monitor-only indicators, which are never better or worse. */
  directional: boolean
  points: Map<number, Point>
  /** The kinds of period the measurements came in (surveys: financial or calendar years). */
  kinds: Set<PeriodKind>
  targets: Array<EvalTarget & { parsed: Period }>
}

/** The reporting period under evaluation, and what follows from it before any rule is applied. */
export interface Situation {
  reporting: Period
  reportingEnd: number
  asOf: string
  /** The target in force for the reporting period's last month, if any. */
  target: (EvalTarget & { parsed: Period }) | null
  /** The target's year, else the financial year of the reporting period. */
  year: Period
  /** The indicator's own period evaluated for the reporting period (null: none measured yet). */
  evaluated: Period | null
  /** Last month of the evaluated period (else of the reporting period). */
  end: number
  /** First month of the evaluated period. */
  at: number | null
  /** The evaluated period's measurement. */
  here: Point | undefined
}

export const EPSILON = 1e-9

/** Rounds half away from zero, as rule 1 does for targets; the small nudge absorbs binary noise (899.5 stays 899.5). */
export function round(value: number, places: number): number {
  const factor = 10 ** places
  const scaled = Math.abs(value) * factor
  return (Math.sign(value) * Math.round(scaled + EPSILON * Math.max(1, scaled))) / factor
}

export const percent = (part: number, whole: number): number | null =>
  whole === 0 ? null : round((part / whole) * 100, 1)

// An evaluation of a whole partnership parses the same few dozen period strings tens of thousands of times.
const parsed = new Map<string, Period>()
export function period(text: string, fyStartMonth: number): Period {
  const key = `${fyStartMonth}|${text}`
  let found = parsed.get(key)
  if (found === undefined) {
    found = parsePeriod(text, fyStartMonth)
    if (parsed.size > 50_000) parsed.clear()
    parsed.set(key, found)
  }
  return found
}

export function indicatorContext(
  indicator: EvalIndicator,
  targets: EvalTarget[],
  measurements: EvalMeasurement[],
  fyStartMonth: number,
): IndicatorContext {
  const points = new Map<number, Point>()
  const kinds = new Set<PeriodKind>()
  for (const m of measurements) {
    const p = period(m.period, fyStartMonth)
    kinds.add(p.kind)
    points.set(p.firstMonth, {
      value: Number(m.value),
      numerator: m.numerator === null ? null : Number(m.numerator),
      denominator: m.denominator === null ? null : Number(m.denominator),
      status: m.status,
    })
  }
  const step = periodStep(indicator.frequency)
  return {
    indicator,
    fyStartMonth,
    step,
    annual: step === 12,
    factor: unitFactor(indicator),
    dp: indicator.decimalPlaces,
    directional: indicator.polarity !== 'monitor_only',
    points,
    kinds,
    targets: targets.map((t) => ({ ...t, parsed: period(t.period, fyStartMonth) })),
  }
}

/** Rule 2: counts sum; ratios are sum(numerator)/sum(denominator); surveys take the latest value. */
export function aggregate(ctx: IndicatorContext, months: number[]): Aggregate {
  let sum = 0
  let numerator = 0
  let denominator = 0
  let count = 0
  let latest: number | null = null
  for (const month of months) {
    const p = ctx.points.get(month)
    if (p === undefined) continue
    count += 1
    sum += p.value
    numerator += p.numerator ?? 0
    denominator += p.denominator ?? 0
    latest = p.value
  }
  if (count === 0) return { value: null, numerator, denominator, count }
  if (ctx.indicator.aggregation === 'sum') return { value: sum, numerator, denominator, count }
  if (ctx.indicator.aggregation === 'latest') return { value: latest, numerator, denominator, count }
  return { value: denominator === 0 ? null : (numerator / denominator) * ctx.factor, numerator, denominator, count }
}

/** The first months of the indicator's periods from one month to another. */
export function stepsBetween(ctx: IndicatorContext, from: number, to: number): number[] {
  const out: number[] = []
  for (let m = from; m <= to; m += ctx.step) out.push(m)
  return out
}

/** Better, worse or on target, following polarity; null when monitor-only. */
export function judge(ctx: IndicatorContext, actual: number, target: number): 'better' | 'on_target' | 'worse' | null {
  if (!ctx.directional) return null
  if (Math.abs(actual - target) <= EPSILON * Math.max(1, Math.abs(target))) return 'on_target'
  const lower = actual < target
  return lower === (ctx.indicator.polarity === 'lower_better') ? 'better' : 'worse'
}

/** Whether a variance lies beyond the tolerance (a percentage of the target). */
export const beyond = (variance: number, target: number, tolerancePercent: number): boolean =>
  Math.abs(variance) * 100 > tolerancePercent * Math.abs(target) + EPSILON * Math.max(1, Math.abs(target))

/**
 * The period the indicator is evaluated at for a reporting period: a monthly indicator at its last
 * month, a quarterly one at the last quarter ending in it, an annual or biennial one at its latest
 * measured year ending by it, within its span.
 */
function evaluatedPeriodFor(ctx: IndicatorContext, reporting: Period): Period | null {
  const { indicator, fyStartMonth } = ctx
  const end = lastMonth(reporting)
  if (indicator.frequency === 'monthly') return periodContaining('month', end, fyStartMonth)
  if (indicator.frequency === 'quarterly') {
    const q = periodContaining('quarter', end, fyStartMonth)
    return lastMonth(q) > end ? periodContaining('quarter', q.firstMonth - 3, fyStartMonth) : q
  }
  const span = indicator.frequency === 'biennial' ? 24 : 12
  let best: Period | null = null
  for (const month of ctx.points.keys()) {
    for (const kind of ctx.kinds) {
      const candidate = periodContaining(kind, month, fyStartMonth)
      if (candidate.firstMonth !== month || lastMonth(candidate) > end || lastMonth(candidate) <= end - span - 12)
        continue
      if (best === null || candidate.firstMonth > best.firstMonth) best = candidate
    }
  }
  return best
}

export function situate(ctx: IndicatorContext, reportingText: string, asOf: string): Situation {
  const reporting = period(reportingText, ctx.fyStartMonth)
  const reportingEnd = lastMonth(reporting)
  const target =
    ctx.targets.find((t) => contains(t.parsed, periodContaining('month', reportingEnd, ctx.fyStartMonth))) ?? null
  const evaluated = evaluatedPeriodFor(ctx, reporting)
  const at = evaluated?.firstMonth ?? null
  return {
    reporting,
    reportingEnd,
    asOf,
    target,
    year: target?.parsed ?? periodContaining('financial_year', reportingEnd, ctx.fyStartMonth),
    evaluated,
    end: evaluated === null ? reportingEnd : lastMonth(evaluated),
    at,
    here: at === null ? undefined : ctx.points.get(at),
  }
}
