import { lastMonth } from '../periods.js'
import { period, round, type IndicatorContext, type Situation } from './context.js'
import type { Evaluation } from './types.js'

export type PeriodTarget = Evaluation['target']

/**
 * Rule 4: a cumulative profile's value for the period; a non-cumulative count profile summed to date; a
 * non-cumulative ratio profile's value for the period; otherwise counts pro rata by elapsed months of the
 * target year, and ratios, percentages and surveys the annual target. Rounded to the indicator's places.
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
  if (profile && entry) {
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
  } else if (indicator.aggregation === 'sum' && !ctx.annual) {
    value = (year * (s.end - s.year.firstMonth + 1)) / s.year.length
    basis = 'pro_rata'
  } else {
    value = year
    basis = 'annual'
  }
  return { status, year, period: round(value, dp), basis, tolerancePercent }
}
