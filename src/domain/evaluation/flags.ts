import { seriesKind } from '../indicators.js'
import { lastMonth, periodContaining } from '../periods.js'
import { beyond, round, type IndicatorContext, type Situation } from './context.js'
import { dueDate } from './due-date.js'
import type { Judged } from './comparison.js'
import type { PeriodTarget } from './target-for-period.js'
import type { Evaluation, FlagEntry } from './types.js'
import type { Actuals } from './year-to-date.js'

/** Rule 11, missing data: periods of the year to date with no measurement past their due date (lag included). */
function overdue(ctx: IndicatorContext, s: Situation, actuals: Actuals): string[] {
  const months = actuals.ytdMonths.length > 0 ? actuals.ytdMonths : s.at === null ? [] : [s.at]
  const candidates =
    ctx.annual && s.evaluated === null
      ? [periodContaining('financial_year', s.reportingEnd - 12, ctx.fyStartMonth).firstMonth]
      : months
  const kind = seriesKind(ctx.indicator.frequency)
  const missing: string[] = []
  for (const m of candidates) {
    if (ctx.points.has(m)) continue
    const period = periodContaining(kind, m, ctx.fyStartMonth)
    if (dueDate(period, ctx.indicator.dataLagDays) < s.asOf) missing.push(period.key)
  }
  return missing
}

/**
 * stale_data: a yearly figure (a survey) judged when a newer one was due. The judgement rests on the
 * latest figure within reach, which may be years old: the flag names the period it rests on and the
 * one that should have followed (its end plus the lag has passed, within the reporting period).
 */
function staleness(ctx: IndicatorContext, s: Situation): { restsOn: string; next: string; dueOn: string } | null {
  const { frequency, dataLagDays } = ctx.indicator
  if (s.evaluated === null || (frequency !== 'annual' && frequency !== 'biennial')) return null
  const span = frequency === 'biennial' ? 24 : 12
  const next = periodContaining(s.evaluated.kind, s.evaluated.firstMonth + span, ctx.fyStartMonth)
  const dueOn = dueDate(next, dataLagDays)
  if (lastMonth(next) > s.reportingEnd || dueOn >= s.asOf) return null
  return { restsOn: s.evaluated.key, next: next.key, dueOn }
}

export interface Findings {
  actuals: Actuals
  target: PeriodTarget
  judged: Judged
  significance: Evaluation['significance']
  spc: Evaluation['spc']
  forecast: Evaluation['forecast']
}

/**
 * Rule 11, the exception flags, each with a reason and the figures behind it. Bad: off_target (red),
 * significant_deterioration, spc_signal the bad way, forecast_miss, missing_data, stale_data, no_target (TBC). Good:
 * exceeding_target (better beyond the tolerance), significant_improvement, spc_signal the good way.
 */
export function flagsOf(ctx: IndicatorContext, s: Situation, f: Findings): FlagEntry[] {
  const flags: FlagEntry[] = []
  const { actual, target, variance, relativeVariancePercent: relative, judgement } = f.judged.comparison
  const { tolerancePercent } = f.target
  const figures = { actual, target, variance, tolerancePercent }
  if (f.judged.rag === 'red') {
    flags.push({
      flag: 'off_target',
      direction: 'bad',
      reason: `${relative === null ? '' : `${Math.abs(relative)}% `}worse than target, beyond the ${tolerancePercent}% tolerance`,
      figures: { ...figures, relativeVariancePercent: relative },
    })
  }
  if (
    ctx.directional &&
    judgement === 'better' &&
    variance !== null &&
    target !== null &&
    beyond(variance, target, tolerancePercent)
  ) {
    flags.push({
      flag: 'exceeding_target',
      direction: 'good',
      reason: `better than target by ${relative === null ? 'more than the tolerance' : `${Math.abs(relative)}%`}, beyond the ${tolerancePercent}% tolerance`,
      figures: { ...figures, relativeVariancePercent: relative },
    })
  }
  const sig = f.significance
  if (sig?.significant && (sig.direction === 'improving' || sig.direction === 'deteriorating')) {
    const bad = sig.direction === 'deteriorating'
    flags.push({
      flag: bad ? 'significant_deterioration' : 'significant_improvement',
      direction: bad ? 'bad' : 'good',
      reason: `${sig.against}: ${sig.x1} then ${sig.x2}, significant at 95% (${sig.test.replace(/_/g, ' ')})`,
      figures: { x1: sig.x1, x2: sig.x2, pValue: sig.pValue, z: sig.z },
    })
  }
  const spc = f.spc
  if (spc?.direction === 'bad' || spc?.direction === 'good') {
    const signal = spc.signals[0]!
    flags.push({
      flag: 'spc_signal',
      direction: spc.direction,
      reason:
        signal.rule === 'outside_limits'
          ? `${s.evaluated!.key} lies ${signal.side} the control limits (${spc.lower} to ${spc.upper})`
          : `seven months in a row ${signal.side} the mean of ${spc.mean}`,
      figures: {
        value: s.here === undefined ? null : round(s.here.value, ctx.dp),
        mean: spc.mean,
        upper: spc.upper,
        lower: spc.lower,
        rule: signal.rule,
      },
    })
  }
  const forecast = f.forecast
  if (forecast?.misses) {
    flags.push({
      flag: 'forecast_miss',
      direction: 'bad',
      reason: `the year-end forecast of ${forecast.value} (${forecast.method.replace('_', ' ')}) misses the target of ${forecast.target} beyond the ${tolerancePercent}% tolerance`,
      figures: {
        forecast: forecast.value,
        target: forecast.target,
        relativeVariancePercent: forecast.relativeVariancePercent,
      },
    })
  }
  const missing = overdue(ctx, s, f.actuals)
  if (missing.length > 0) {
    flags.push({
      flag: 'missing_data',
      direction: 'bad',
      reason: `no measurement for ${missing.join(', ')}, past due (period end plus ${ctx.indicator.dataLagDays} days' lag)`,
      figures: { missing: missing.join(','), dataLagDays: ctx.indicator.dataLagDays },
    })
  }
  const stale = staleness(ctx, s)
  if (stale !== null)
    flags.push({
      flag: 'stale_data',
      direction: 'bad',
      reason: `judged on ${stale.restsOn}, the latest figure: ${stale.next}'s was due by ${stale.dueOn} and has not come`,
      figures: { restsOn: stale.restsOn, expected: stale.next, dueOn: stale.dueOn },
    })
  if (f.target.status === 'tbc' && ctx.directional)
    flags.push({
      flag: 'no_target',
      direction: 'bad',
      reason: `the ${s.year.key} target is to be confirmed`,
      figures: { targetPeriod: s.year.key },
    })
  return flags
}

/** A figure queried on arrival (an outlier not dismissed), as the evaluation needs it. */
export interface QueriedFigure {
  indicatorId: string
  areaId: string
  period: string
  periodStart: string
  message: string
}

/**
 * data_query: a figure of the target year up to the period evaluated (what the year to date and the
 * period's own figure rest on) is an open or confirmed finding, so the judgement may rest on a typo: it is
 * chased as a data issue before it is escalated. Null when none is queried.
 */
export function dataQueryFlag(queried: readonly QueriedFigure[], from: string, to: string): FlagEntry | null {
  const within = queried.filter((q) => q.periodStart >= from && q.periodStart <= to)
  if (within.length === 0) return null
  const periods = [...new Set(within.map((q) => q.period))]
  return {
    flag: 'data_query',
    direction: 'bad',
    reason: `${periods.length === 1 ? 'The figure' : `${periods.length} figures`} for ${periods.join(', ')} ${periods.length === 1 ? 'was' : 'were'} queried on arrival: ${within[0]!.message}`,
    figures: { queried: within.length, periods: periods.join(', ') },
  }
}
