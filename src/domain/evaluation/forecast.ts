import {
  aggregate,
  beyond,
  judge,
  percent,
  round,
  stepsBetween,
  type IndicatorContext,
  type Situation,
} from './context.js'
import type { PeriodTarget } from './target-for-period.js'
import type { Evaluation } from './types.js'
import type { Actuals } from './year-to-date.js'

/**
 * Rule 10: the year-end outturn projected from year to date. Counts: scaled by last year's shape (last
 * year's total over last year's same months) when last year is complete, else straight line over the
 * periods present; ratios scale numerator and denominator the same way; surveys keep their latest value.
 * A projection that misses the year's target beyond tolerance `misses`, even while year to date is green.
 */
export function forecast(
  ctx: IndicatorContext,
  s: Situation,
  actuals: Actuals,
  target: PeriodTarget,
): Evaluation['forecast'] {
  const { ytd, ytdMonths } = actuals
  if (ytd.value === null || s.evaluated === null) return null
  const { indicator, step, dp } = ctx
  let value: number
  let method: 'seasonal' | 'straight_line' | 'latest'
  if (indicator.aggregation === 'latest' || ctx.annual) {
    value = ytd.value
    method = 'latest'
  } else {
    const lastYearAll = aggregate(ctx, stepsBetween(ctx, s.year.firstMonth - 12, s.year.firstMonth - 1))
    const lastYearYtd = aggregate(
      ctx,
      ytdMonths.map((m) => m - 12),
    )
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
      value = (numerator / denominator) * ctx.factor
      method = 'seasonal'
    } else {
      value = ytd.value
      method = 'straight_line'
    }
  }
  value = round(value, dp)
  const year = target.year
  const variance = year === null ? null : round(value - year, dp)
  const misses =
    ctx.directional &&
    year !== null &&
    variance !== null &&
    judge(ctx, value, year) === 'worse' &&
    beyond(variance, year, target.tolerancePercent)
  return {
    value,
    method,
    target: year,
    relativeVariancePercent: variance === null || year === null ? null : percent(variance, year),
    misses,
  }
}
