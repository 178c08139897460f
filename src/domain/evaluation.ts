import { compareCounts, compareProportions, controlChart, SPC_WINDOW, type ControlChart } from './statistics.js'
import { contains, dateRange, lastMonth, parsePeriod, periodContaining, type Frequency, type Period, type PeriodKind } from './periods.js'

/**
 * The evaluation engine (DOMAIN.md rules 2-11): turns an indicator's targets and measurements for one
 * area into judgements for a reporting period. Pure: everything it says follows from its input, which
 * is what the database stores, plus the as-of date that decides which missing periods are overdue.
 *
 * Choices the rules leave open (documented in the README's evaluation section):
 * - The judgement compares year to date with the target for the period (rule 4), both rounded to the
 *   indicator's decimal places first, as a printed report shows them.
 * - A monthly indicator evaluated for a quarter or year is evaluated at its last month; a quarterly
 *   one at the last quarter ending in it; annual and biennial ones (surveys) at their latest value.
 * - Required change starts from the rolling twelve months when complete (the figure the plans quote),
 *   otherwise from the year-end forecast.
 */

export type Polarity = 'lower_better' | 'higher_better' | 'monitor_only'
export type Aggregation = 'sum' | 'ratio_of_sums' | 'latest'
export type Rag = 'green' | 'amber' | 'red' | 'grey'

export interface EvalIndicator {
  unit: 'count' | 'percentage' | 'rate' | 'ratio'
  polarity: Polarity
  frequency: Frequency
  aggregation: Aggregation
  ratePer: number | null
  decimalPlaces: number
  defaultTolerancePercent: string
  dataLagDays: number
}

export interface EvalTarget {
  /** FY2009-10, or a calendar year (2009) for NI 47. */
  period: string
  status: 'set' | 'tbc'
  baselineValue: string | null
  targetValue: string | null
  tolerancePercent: string | null
  profile: { cumulative: boolean; values: Array<{ period: string; value: string }> } | null
}

export interface EvalMeasurement {
  period: string
  value: string
  numerator: string | null
  denominator: string | null
  status: string
}

export type Flag =
  | 'off_target'
  | 'significant_deterioration'
  | 'spc_signal'
  | 'forecast_miss'
  | 'missing_data'
  | 'no_target'
  | 'exceeding_target'
  | 'significant_improvement'

export interface FlagEntry {
  flag: Flag
  direction: 'bad' | 'good'
  reason: string
  figures: Record<string, number | string | null>
}

export type Travel = 'improving' | 'deteriorating' | 'no_significant_change' | 'up' | 'down' | 'no_data'

export interface TravelResult {
  against: string
  previous: number | null
  current: number | null
  change: number | null
  changePercent: number | null
  test: string
  significant: boolean | null
  direction: Travel
}

export interface Evaluation {
  /** The reporting period asked for, and the indicator's own period evaluated for it. */
  period: string
  evaluatedPeriod: string
  asOf: string
  targetPeriod: string
  actual: {
    period: number | null
    periodStatus: string | null
    ytd: number | null
    ytdPeriods: number
    ytdExpectedPeriods: number
    rolling12: number | null
    rolling12Complete: boolean
  }
  target: {
    status: 'set' | 'tbc' | 'none'
    year: number | null
    period: number | null
    basis: 'profile_cumulative' | 'profile' | 'pro_rata' | 'annual' | 'none'
    tolerancePercent: number
  }
  comparison: {
    actual: number | null
    target: number | null
    variance: number | null
    relativeVariancePercent: number | null
    judgement: 'better' | 'on_target' | 'worse' | null
  }
  requiredChange: { from: number; basis: 'rolling12' | 'latest' | 'forecast'; percent: number | null; alreadyMet: boolean } | null
  rag: Rag
  ragReason: string
  travel: { previousPeriod: TravelResult; sameLastYear: TravelResult }
  significance: { against: string; x1: number | null; x2: number | null; test: string; pValue: number | null; z: number | null; significant: boolean; direction: Travel } | null
  spc: (ControlChart & { direction: 'good' | 'bad' | 'neutral' | null }) | null
  forecast: { value: number; method: 'seasonal' | 'straight_line' | 'latest'; target: number | null; relativeVariancePercent: number | null; misses: boolean } | null
  flags: FlagEntry[]
}

interface Point {
  value: number
  numerator: number | null
  denominator: number | null
  status: string
}

const EPSILON = 1e-9

/** Rounds half away from zero, as rule 1 does for targets; the small nudge absorbs binary noise (899.5 stays 899.5). */
export function round(value: number, places: number): number {
  const factor = 10 ** places
  const scaled = Math.abs(value) * factor
  return (Math.sign(value) * Math.round(scaled + EPSILON * Math.max(1, scaled))) / factor
}

// An evaluation of a whole partnership parses the same few dozen period strings tens of thousands of times.
const parsed = new Map<string, Period>()
function period(text: string, fyStartMonth: number): Period {
  const key = `${fyStartMonth}|${text}`
  let found = parsed.get(key)
  if (found === undefined) {
    found = parsePeriod(text, fyStartMonth)
    if (parsed.size > 50_000) parsed.clear()
    parsed.set(key, found)
  }
  return found
}

const percent = (part: number, whole: number): number | null => (whole === 0 ? null : round((part / whole) * 100, 1))

/** Parses an evaluator's inputs once, then evaluates any reporting period (a trend series asks for many). */
export function createEvaluator(indicator: EvalIndicator, targets: EvalTarget[], measurements: EvalMeasurement[], fyStartMonth: number) {
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
  const parsedTargets = targets.map((t) => ({ ...t, parsed: period(t.period, fyStartMonth) }))
  const step = indicator.frequency === 'monthly' ? 1 : indicator.frequency === 'quarterly' ? 3 : 12
  const factor = indicator.unit === 'percentage' ? 100 : indicator.unit === 'rate' ? (indicator.ratePer ?? 1) : 1
  const dp = indicator.decimalPlaces
  const directional = indicator.polarity !== 'monitor_only'

  /** Rule 2: counts sum; ratios are sum(numerator)/sum(denominator); surveys take the latest value. */
  function aggregate(months: number[]): { value: number | null; numerator: number; denominator: number; count: number } {
    let sum = 0
    let numerator = 0
    let denominator = 0
    let count = 0
    let latest: number | null = null
    for (const month of months) {
      const p = points.get(month)
      if (p === undefined) continue
      count += 1
      sum += p.value
      numerator += p.numerator ?? 0
      denominator += p.denominator ?? 0
      latest = p.value
    }
    if (count === 0) return { value: null, numerator, denominator, count }
    if (indicator.aggregation === 'sum') return { value: sum, numerator, denominator, count }
    if (indicator.aggregation === 'latest') return { value: latest, numerator, denominator, count }
    return { value: denominator === 0 ? null : (numerator / denominator) * factor, numerator, denominator, count }
  }

  const stepsBetween = (from: number, to: number): number[] => {
    const out: number[] = []
    for (let m = from; m <= to; m += step) out.push(m)
    return out
  }

  /** Better, worse or on target, following polarity; null when monitor-only. */
  function judge(actual: number, target: number): 'better' | 'on_target' | 'worse' | null {
    if (!directional) return null
    if (Math.abs(actual - target) <= EPSILON * Math.max(1, Math.abs(target))) return 'on_target'
    const lower = actual < target
    return lower === (indicator.polarity === 'lower_better') ? 'better' : 'worse'
  }

  const beyond = (variance: number, target: number, tolerancePercent: number): boolean =>
    Math.abs(variance) * 100 > tolerancePercent * Math.abs(target) + EPSILON * Math.max(1, Math.abs(target))

  /** The period the indicator is evaluated at for a reporting period (see the module comment). */
  function evaluatedPeriodFor(reporting: Period): Period | null {
    const end = lastMonth(reporting)
    if (indicator.frequency === 'monthly') return periodContaining('month', end, fyStartMonth)
    if (indicator.frequency === 'quarterly') {
      const q = periodContaining('quarter', end, fyStartMonth)
      return lastMonth(q) > end ? periodContaining('quarter', q.firstMonth - 3, fyStartMonth) : q
    }
    // Annual and biennial: the latest measured year ending by the reporting period, within their span.
    const span = indicator.frequency === 'biennial' ? 24 : 12
    let best: Period | null = null
    for (const month of points.keys()) {
      for (const kind of kinds) {
        const candidate = periodContaining(kind, month, fyStartMonth)
        if (candidate.firstMonth !== month || lastMonth(candidate) > end || lastMonth(candidate) <= end - span - 12) continue
        if (best === null || candidate.firstMonth > best.firstMonth) best = candidate
      }
    }
    return best
  }

  return function evaluate(reportingText: string, asOf: string): Evaluation {
    const reporting = period(reportingText, fyStartMonth)
    const reportingEnd = lastMonth(reporting)
    const target = parsedTargets.find((t) => contains(t.parsed, periodContaining('month', reportingEnd, fyStartMonth))) ?? null
    const year = target?.parsed ?? periodContaining('financial_year', reportingEnd, fyStartMonth)
    const evaluated = evaluatedPeriodFor(reporting)
    const annual = step === 12
    const end = evaluated === null ? reportingEnd : lastMonth(evaluated)
    const at = evaluated?.firstMonth ?? null
    const here = at === null ? undefined : points.get(at)

    // Year to date, rolling twelve months (rule 3).
    const ytdMonths = annual ? (at === null ? [] : [at]) : stepsBetween(year.firstMonth, end - step + 1)
    const ytd = aggregate(ytdMonths)
    const rollingMonths = annual ? ytdMonths : stepsBetween(end - 11, end - step + 1)
    const rolling = aggregate(rollingMonths)
    const rollingComplete = !annual && rolling.count === rollingMonths.length

    // Targets (rule 4).
    const tolerancePercent = Number(target?.tolerancePercent ?? indicator.defaultTolerancePercent)
    const status: Evaluation['target']['status'] = target === null ? 'none' : target.status
    const yearTarget = target?.status === 'set' && target.targetValue !== null ? Number(target.targetValue) : null
    let periodTarget: number | null = null
    let basis: Evaluation['target']['basis'] = 'none'
    if (yearTarget !== null && evaluated !== null) {
      const profile = target?.profile
      const entries = profile?.values.map((v) => ({ period: period(v.period, fyStartMonth), value: Number(v.value) })) ?? []
      const entry = entries.find((e) => e.period.firstMonth <= end && lastMonth(e.period) >= end)
      if (profile && entry) {
        if (profile.cumulative) {
          periodTarget = entry.value
          basis = 'profile_cumulative'
        } else if (indicator.aggregation === 'sum') {
          periodTarget = entries.filter((e) => e.period.firstMonth <= end).reduce((a, e) => a + e.value, 0)
          basis = 'profile'
        } else {
          periodTarget = entry.value
          basis = 'profile'
        }
      } else if (indicator.aggregation === 'sum' && !annual) {
        const elapsed = end - year.firstMonth + 1
        periodTarget = (yearTarget * elapsed) / year.length
        basis = 'pro_rata'
      } else {
        periodTarget = yearTarget
        basis = 'annual'
      }
      periodTarget = round(periodTarget, dp)
    }

    // Variance and RAG (rules 5, 7).
    const actual = ytd.value === null || here === undefined ? null : round(ytd.value, dp)
    const variance = actual !== null && periodTarget !== null ? round(actual - periodTarget, dp) : null
    const judgement = actual !== null && periodTarget !== null ? judge(actual, periodTarget) : null
    let rag: Rag = 'grey'
    let ragReason: string
    if (!directional) ragReason = 'monitor only'
    else if (status === 'tbc') ragReason = 'target to be confirmed'
    else if (status === 'none') ragReason = 'no target for this period'
    else if (here === undefined) ragReason = `no data for ${evaluated?.key ?? 'the period'}`
    else if (judgement === 'worse' && variance !== null && periodTarget !== null) {
      rag = beyond(variance, periodTarget, tolerancePercent) ? 'red' : 'amber'
      ragReason = rag === 'red' ? `worse than target by more than the ${tolerancePercent}% tolerance` : `worse than target, within the ${tolerancePercent}% tolerance`
    } else {
      rag = 'green'
      ragReason = judgement === 'on_target' ? 'on target' : 'better than target'
    }

    // Forecast (rule 10).
    let forecast: Evaluation['forecast'] = null
    if (ytd.value !== null && evaluated !== null) {
      let value: number
      let method: 'seasonal' | 'straight_line' | 'latest'
      if (indicator.aggregation === 'latest' || annual) {
        value = ytd.value
        method = 'latest'
      } else {
        const lastYearAll = aggregate(stepsBetween(year.firstMonth - 12, year.firstMonth - 1))
        const lastYearYtd = aggregate(ytdMonths.map((m) => m - 12))
        const seasonal = lastYearAll.count === 12 / step && lastYearYtd.count === ytdMonths.length
        if (indicator.aggregation === 'sum') {
          if (seasonal && lastYearYtd.value! > 0) {
            value = (ytd.value * lastYearAll.value!) / lastYearYtd.value!
            method = 'seasonal'
          } else {
            value = (ytd.value * (12 / step)) / ytd.count
            method = 'straight_line'
          }
        } else if (seasonal && lastYearYtd.numerator > 0 && lastYearYtd.denominator > 0) {
          const numerator = (ytd.numerator * lastYearAll.numerator) / lastYearYtd.numerator
          const denominator = (ytd.denominator * lastYearAll.denominator) / lastYearYtd.denominator
          value = (numerator / denominator) * factor
          method = 'seasonal'
        } else {
          value = ytd.value
          method = 'straight_line'
        }
      }
      value = round(value, dp)
      const fv = yearTarget === null ? null : round(value - yearTarget, dp)
      const misses = directional && yearTarget !== null && fv !== null && judge(value, yearTarget) === 'worse' && beyond(fv, yearTarget, tolerancePercent)
      forecast = { value, method, target: yearTarget, relativeVariancePercent: fv === null || yearTarget === null ? null : percent(fv, yearTarget), misses }
    }

    // Required change (rule 6).
    let requiredChange: Evaluation['requiredChange'] = null
    if (yearTarget !== null && directional) {
      const from =
        indicator.aggregation === 'latest' || annual ? (here === undefined ? null : { value: here.value, basis: 'latest' as const })
        : rollingComplete && rolling.value !== null ? { value: rolling.value, basis: 'rolling12' as const }
        : forecast === null ? null : { value: forecast.value, basis: 'forecast' as const }
      if (from !== null) {
        const current = round(from.value, dp)
        const verdict = judge(current, yearTarget)
        requiredChange = { from: current, basis: from.basis, percent: percent(yearTarget - current, current), alreadyMet: verdict !== 'worse' }
      }
    }

    // Direction of travel (rule 8) and significance (rule 9).
    const travel = (against: Period | null, label: string): TravelResult => {
      const previous = against === null ? undefined : points.get(against.firstMonth)
      if (here === undefined || previous === undefined) {
        return { against: label, previous: previous?.value ?? null, current: here?.value ?? null, change: null, changePercent: null, test: 'none', significant: null, direction: 'no_data' }
      }
      const tested = testChange(previous, here)
      const change = round(here.value - previous.value, dp)
      return { against: label, previous: previous.value, current: here.value, change, changePercent: percent(here.value - previous.value, previous.value), ...tested, direction: directionOf(change, tested.significant) }
    }
    const shifted = (by: number) => (evaluated === null ? null : periodContaining(evaluated.kind, evaluated.firstMonth + by, fyStartMonth))
    const previousPeriod = travel(shifted(-step), shifted(-step)?.key ?? '')
    const sameLastYear = travel(shifted(-12), shifted(-12)?.key ?? '')

    function testChange(before: { value: number; numerator: number | null; denominator: number | null }, after: typeof before): { test: string; significant: boolean | null } {
      if (indicator.aggregation === 'sum' && indicator.unit === 'count') {
        const t = compareCounts(before.value, after.value)
        return { test: t.method, significant: t.significant }
      }
      if (indicator.aggregation === 'ratio_of_sums' && before.numerator !== null && before.denominator !== null && after.numerator !== null && after.denominator !== null) {
        const t = compareProportions(before.numerator, before.denominator, after.numerator, after.denominator)
        return { test: t.method, significant: t.method === 'none' ? null : t.significant }
      }
      return { test: 'none', significant: null }
    }

    function directionOf(change: number, significant: boolean | null): Travel {
      if (change === 0 || significant === false) return 'no_significant_change'
      if (!directional) return change > 0 ? 'up' : 'down'
      return (change < 0) === (indicator.polarity === 'lower_better') ? 'improving' : 'deteriorating'
    }

    let significance: Evaluation['significance'] = null
    if (!annual && here !== undefined && indicator.aggregation !== 'latest') {
      // Only months present in both years are compared, so a gap does not read as a fall.
      const paired = ytdMonths.filter((m) => points.has(m) && points.has(m - 12))
      if (paired.length > 0) {
        const now = aggregate(paired)
        const before = aggregate(paired.map((m) => m - 12))
        const label = `year to date against the same months a year earlier (${paired.length} ${step === 1 ? 'month' : 'quarter'}${paired.length === 1 ? '' : 's'})`
        if (indicator.aggregation === 'sum' && indicator.unit === 'count') {
          const t = compareCounts(before.value!, now.value!)
          significance = { against: label, x1: t.x1, x2: t.x2, test: t.method, pValue: t.pValue === null ? null : round(t.pValue, 4), z: t.z === null ? null : round(t.z, 2), significant: t.significant, direction: directionOf(t.x2 - t.x1, t.significant) }
        } else if (indicator.aggregation === 'ratio_of_sums') {
          const t = compareProportions(before.numerator, before.denominator, now.numerator, now.denominator)
          const change = (now.value ?? 0) - (before.value ?? 0)
          significance = { against: label, x1: before.value === null ? null : round(before.value, dp), x2: now.value === null ? null : round(now.value, dp), test: t.method, pValue: null, z: t.z === null ? null : round(t.z, 2), significant: t.significant, direction: directionOf(round(change, dp), t.significant) }
        }
      }
    }

    // SPC on monthly count series (rule 9).
    let spc: Evaluation['spc'] = null
    if (indicator.frequency === 'monthly' && indicator.unit === 'count' && indicator.aggregation === 'sum' && at !== null && here !== undefined) {
      const previous: number[] = []
      for (let m = at - SPC_WINDOW; m < at; m++) {
        const p = points.get(m)
        if (p !== undefined) previous.push(p.value)
      }
      const recent: number[] = []
      for (let m = at; m > at - 7 && points.has(m); m--) recent.unshift(points.get(m)!.value)
      const chart = controlChart(previous, recent)
      if (chart !== null) {
        const side = chart.signals[0]?.side
        const direction = side === undefined ? null : !directional ? 'neutral' : (side === 'above') === (indicator.polarity === 'lower_better') ? 'bad' : 'good'
        spc = { ...chart, mean: round(chart.mean, 2), upper: round(chart.upper, 2), lower: round(chart.lower, 2), direction }
      }
    }

    // Exception flags (rule 11).
    const flags: FlagEntry[] = []
    const figures = { actual, target: periodTarget, variance, tolerancePercent }
    const relative = variance !== null && periodTarget !== null ? percent(variance, periodTarget) : null
    if (rag === 'red') flags.push({ flag: 'off_target', direction: 'bad', reason: `${relative === null ? '' : `${Math.abs(relative)}% `}worse than target, beyond the ${tolerancePercent}% tolerance`, figures: { ...figures, relativeVariancePercent: relative } })
    if (directional && judgement === 'better' && variance !== null && periodTarget !== null && beyond(variance, periodTarget, tolerancePercent)) {
      flags.push({ flag: 'exceeding_target', direction: 'good', reason: `better than target by ${relative === null ? 'more than the tolerance' : `${Math.abs(relative)}%`}, beyond the ${tolerancePercent}% tolerance`, figures: { ...figures, relativeVariancePercent: relative } })
    }
    if (significance?.significant && (significance.direction === 'improving' || significance.direction === 'deteriorating')) {
      const bad = significance.direction === 'deteriorating'
      flags.push({
        flag: bad ? 'significant_deterioration' : 'significant_improvement',
        direction: bad ? 'bad' : 'good',
        reason: `${significance.against}: ${significance.x1} then ${significance.x2}, significant at 95% (${significance.test.replace(/_/g, ' ')})`,
        figures: { x1: significance.x1, x2: significance.x2, pValue: significance.pValue, z: significance.z },
      })
    }
    if (spc?.direction === 'bad' || spc?.direction === 'good') {
      const signal = spc.signals[0]!
      flags.push({
        flag: 'spc_signal',
        direction: spc.direction,
        reason: signal.rule === 'outside_limits' ? `${evaluated!.key} lies ${signal.side} the control limits (${spc.lower} to ${spc.upper})` : `seven months in a row ${signal.side} the mean of ${spc.mean}`,
        figures: { value: here?.value ?? null, mean: spc.mean, upper: spc.upper, lower: spc.lower, rule: signal.rule },
      })
    }
    if (forecast?.misses) {
      flags.push({ flag: 'forecast_miss', direction: 'bad', reason: `the year-end forecast of ${forecast.value} (${forecast.method.replace('_', ' ')}) misses the target of ${forecast.target} beyond the ${tolerancePercent}% tolerance`, figures: { forecast: forecast.value, target: forecast.target, relativeVariancePercent: forecast.relativeVariancePercent } })
    }
    const overdue = missingOverdue(ytdMonths.length > 0 ? ytdMonths : at === null ? [] : [at])
    if (overdue.length > 0) {
      flags.push({ flag: 'missing_data', direction: 'bad', reason: `no measurement for ${overdue.join(', ')}, past due (period end plus ${indicator.dataLagDays} days' lag)`, figures: { missing: overdue.join(','), dataLagDays: indicator.dataLagDays } })
    }
    if (status === 'tbc' && directional) flags.push({ flag: 'no_target', direction: 'bad', reason: `the ${year.key} target is to be confirmed`, figures: { targetPeriod: year.key } })

    function missingOverdue(months: number[]): string[] {
      const kind: PeriodKind = step === 1 ? 'month' : step === 3 ? 'quarter' : 'financial_year'
      const missing: string[] = []
      const candidates = annual && evaluated === null ? [periodContaining('financial_year', reportingEnd - 12, fyStartMonth).firstMonth] : months
      for (const m of candidates) {
        if (points.has(m)) continue
        const period = periodContaining(kind, m, fyStartMonth)
        if (dueDate(period, indicator.dataLagDays) < asOf) missing.push(period.key)
      }
      return missing
    }

    return {
      period: reporting.key,
      evaluatedPeriod: evaluated?.key ?? periodContaining(step === 1 ? 'month' : step === 3 ? 'quarter' : 'financial_year', reportingEnd, fyStartMonth).key,
      asOf,
      targetPeriod: year.key,
      actual: {
        period: here === undefined ? null : round(here.value, dp),
        periodStatus: here?.status ?? null,
        ytd: ytd.value === null ? null : round(ytd.value, dp),
        ytdPeriods: ytd.count,
        ytdExpectedPeriods: ytdMonths.length,
        rolling12: rolling.value === null ? null : round(rolling.value, dp),
        rolling12Complete: rollingComplete,
      },
      target: { status, year: yearTarget, period: periodTarget, basis, tolerancePercent },
      comparison: { actual, target: periodTarget, variance, relativeVariancePercent: relative, judgement },
      requiredChange,
      rag,
      ragReason,
      travel: { previousPeriod, sameLastYear },
      significance,
      spc,
      forecast,
      flags,
    }
  }
}

/** The day after which a period's figure is late: its last day plus the indicator's data lag. */
export function dueDate(period: Period, lagDays: number): string {
  const { end } = dateRange(period)
  const date = new Date(`${end}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + lagDays)
  return date.toISOString().slice(0, 10)
}

/** Rolls children's measurements up to a parent area: counts sum, ratios sum numerators and denominators. */
export function rollUp(children: EvalMeasurement[][], aggregation: Aggregation, unitFactor: number): EvalMeasurement[] {
  if (aggregation === 'latest' || children.length === 0) return []
  const byPeriod = new Map<string, EvalMeasurement[]>()
  for (const series of children) for (const m of series) byPeriod.set(m.period, [...(byPeriod.get(m.period) ?? []), m])
  const out: EvalMeasurement[] = []
  for (const [period, values] of byPeriod) {
    // A period some children have not reported would understate the whole: it stays missing.
    if (values.length < children.length) continue
    const status = values.every((v) => v.status === 'published') ? 'published' : values.every((v) => v.status !== 'provisional') ? 'validated' : 'provisional'
    if (aggregation === 'sum') {
      out.push({ period, value: String(values.reduce((a, v) => a + Number(v.value), 0)), numerator: null, denominator: null, status })
    } else {
      if (values.some((v) => v.numerator === null || v.denominator === null)) continue
      const numerator = values.reduce((a, v) => a + Number(v.numerator), 0)
      const denominator = values.reduce((a, v) => a + Number(v.denominator), 0)
      out.push({ period, value: String(denominator === 0 ? 0 : (numerator / denominator) * unitFactor), numerator: String(numerator), denominator: String(denominator), status })
    }
  }
  return out
}
