import { beyond, judge, percent, round, type IndicatorContext, type Situation } from './context.js'
import type { PeriodTarget } from './target-for-period.js'
import type { JudgedOn } from '../targets.js'
import type { Evaluation, Rag } from './types.js'
import type { Actuals } from './year-to-date.js'

export interface Judged {
  comparison: Evaluation['comparison']
  rag: Rag
  ragReason: string
}

/** The figure a target is judged on: the year to date, the rolling twelve months, or the period's own. */
function judgedFigure(s: Situation, actuals: Actuals, basis: JudgedOn): number | null {
  if (s.here === undefined) return null
  if (basis === 'period') return s.here.value
  return (basis === 'rolling_12_months' ? actuals.rolling : actuals.ytd).value
}

/**
 * Rules 5 and 7: the figure the target is judged on (year to date unless it says otherwise) against the
 * target for the period, both rounded to the indicator's places; the variance judged by polarity. Green
 * when on or better than target; amber when worse within the tolerance; red beyond it; grey when
 * monitor-only, TBC, without a target or without data, and for a count judged on a rolling twelve months
 * that lacks one of them (a part year's sum against a year's target would look better than it is).
 */
export function compare(ctx: IndicatorContext, s: Situation, actuals: Actuals, target: PeriodTarget): Judged {
  const { dp, directional } = ctx
  const basis = s.target?.judgedOn ?? 'year_to_date'
  const partYear =
    basis === 'rolling_12_months' && ctx.indicator.aggregation === 'sum' && !ctx.annual && !actuals.rollingComplete
  const figure = partYear ? null : judgedFigure(s, actuals, basis)
  const actual = figure === null ? null : round(figure, dp)
  const variance = actual !== null && target.period !== null ? round(actual - target.period, dp) : null
  const judgement = actual !== null && target.period !== null ? judge(ctx, actual, target.period) : null
  const relativeVariancePercent = variance !== null && target.period !== null ? percent(variance, target.period) : null
  const comparison = { basis, actual, target: target.period, variance, relativeVariancePercent, judgement }
  const grey = (ragReason: string): Judged => ({ comparison, rag: 'grey', ragReason })
  if (!directional) return grey('monitor only')
  if (target.status === 'tbc') return grey('target to be confirmed')
  if (target.status === 'none') return grey('no target for this period')
  if (s.here === undefined) return grey(`no data for ${s.evaluated?.key ?? 'the period'}`)
  if (partYear)
    return grey(
      `judged on the rolling twelve months, of which ${actuals.rolling.count} of ${12 / ctx.step} periods have a figure`,
    )
  if (judgement === 'worse' && variance !== null && target.period !== null) {
    return beyond(variance, target.period, target.tolerancePercent)
      ? {
          comparison,
          rag: 'red',
          ragReason: `worse than target by more than the ${target.tolerancePercent}% tolerance`,
        }
      : { comparison, rag: 'amber', ragReason: `worse than target, within the ${target.tolerancePercent}% tolerance` }
  }
  return { comparison, rag: 'green', ragReason: judgement === 'on_target' ? 'on target' : 'better than target' }
}
