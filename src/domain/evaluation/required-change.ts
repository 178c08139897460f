import { judge, percent, round, type IndicatorContext, type Situation } from './context.js'
import type { PeriodTarget } from './target-for-period.js'
import type { Evaluation } from './types.js'
import type { Actuals } from './year-to-date.js'

/**
 * Rule 6: how far the current figure must move to meet the year's target, relative to it. The current
 * figure is the rolling twelve months when complete (the figure the plans quote: NI 16 at 5,295 needs
 * -13.6% to reach 4,574), the latest value for surveys, otherwise the forecast.
 */
export function requiredChange(
  ctx: IndicatorContext,
  s: Situation,
  actuals: Actuals,
  target: PeriodTarget,
  projected: Evaluation['forecast'],
): Evaluation['requiredChange'] {
  if (target.year === null || !ctx.directional) return null
  const from =
    ctx.indicator.aggregation === 'latest' || ctx.annual
      ? s.here === undefined
        ? null
        : { value: s.here.value, basis: 'latest' as const }
      : actuals.rollingComplete && actuals.rolling.value !== null
        ? { value: actuals.rolling.value, basis: 'rolling12' as const }
        : projected === null
          ? null
          : { value: projected.value, basis: 'forecast' as const }
  if (from === null) return null
  const current = round(from.value, ctx.dp)
  return {
    from: current,
    basis: from.basis,
    percent: percent(target.year - current, current),
    alreadyMet: judge(ctx, current, target.year) !== 'worse',
  }
}
