import { lastMonth } from '../periods.js'
import { period, round, type IndicatorContext, type Situation } from './context.js'
import type { Evaluation } from './types.js'

export type PeriodTarget = Evaluation['target']

/**
 * Rule 4, for a target judged on the year to date: a cumulative profile's value for the period; a
 * non-cumulative count profile summed to date; a non-cumulative ratio profile's value for the period;
 * otherwise counts pro rata by elapsed months of the target year, and ratios, percentages and surveys the
 * annual target. Judged on the rolling twelve months: the profile's value for the period (the rolling
 * figure aimed at then, seed 003's MARAC trajectory), else the annual target. Judged on the period alone:
 * the profile's value for the period (a cumulative one less the value before it), else a count's share of
 * the year (the year's target x months in the period / 12) and the annual target for the rest. Rounded to
 * the indicator's places.
 */
export function targetForPeriod(ctx: IndicatorContext, s: Situation): PeriodTarget {
  const { indicator, dp } = ctx
  const tolerancePercent = Number(s.target?.tolerancePercent ?? indicator.defaultTolerancePercent)
  const status: PeriodTarget['status'] = s.target === null ? 'none' : s.target.status
  const year = s.target?.status === 'set' && s.target.targetValue !== null ? Number(s.target.targetValue) : null
  if (year === null || s.evaluated === null) return { status, year, period: null, basis: 'none', tolerancePercent }
  const profile = s.target?.profile
  const entries =
    profile?.values.map((v) => ({ period: period(v.period, ctx.fyStartMonth), value: Number(v.value) })) ?? []
  const entry = entries.find((e) => e.period.firstMonth <= s.end && lastMonth(e.period) >= s.end)
  let value: number
  let basis: PeriodTarget['basis']
  const judgedOn = s.target?.judgedOn ?? 'year_to_date'
  const counts = indicator.aggregation === 'sum' && !ctx.annual
  if (judgedOn !== 'year_to_date') {
    if (profile && entry) {
      // The profile's value just before this one, in whatever order it was sent.
      const before = entries
        .filter((e) => e.period.firstMonth < entry.period.firstMonth)
        .reduce<(typeof entries)[number] | undefined>(
          (latest, e) => (latest === undefined || e.period.firstMonth > latest.period.firstMonth ? e : latest),
          undefined,
        )
      value = judgedOn === 'period' && profile.cumulative ? entry.value - (before?.value ?? 0) : entry.value
      basis = 'profile'
    } else if (judgedOn === 'period' && counts) {
      value = (year * ctx.step) / s.year.length
      basis = 'per_period'
    } else {
      value = year
      basis = 'annual'
    }
  } else if (profile && entry) {
    if (profile.cumulative) {
      value = entry.value
      basis = 'profile_cumulative'
    } else if (indicator.aggregation === 'sum') {
      value = entries.filter((e) => e.period.firstMonth <= s.end).reduce((a, e) => a + e.value, 0)
      basis = 'profile'
    } else {
      value = entry.value
      basis = 'profile'
    }
  } else if (counts) {
    value = (year * (s.end - s.year.firstMonth + 1)) / s.year.length
    basis = 'pro_rata'
  } else {
    value = year
    basis = 'annual'
  }
  return { status, year, period: round(value, dp), basis, tolerancePercent }
}
