import { controlChart, SPC_WINDOW } from '../statistics.js'
import { round, type IndicatorContext, type Situation } from './context.js'
import type { Evaluation } from './types.js'

/**
 * Rule 9, statistical process control on monthly count series: c-chart limits from the previous 24
 * months (at least 12 present), a point outside them or seven in a row on one side of the mean is a
 * signal, good or bad by polarity (neutral when monitor-only).
 */
export function spc(ctx: IndicatorContext, s: Situation): Evaluation['spc'] {
  const { indicator, points } = ctx
  if (
    indicator.frequency !== 'monthly' ||
    indicator.unit !== 'count' ||
    indicator.aggregation !== 'sum' ||
    s.at === null ||
    s.here === undefined
  )
    return null
  const at = s.at
  const previous: number[] = []
  for (let m = at - SPC_WINDOW; m < at; m++) {
    const p = points.get(m)
    if (p !== undefined) previous.push(p.value)
  }
  const recent: number[] = []
  for (let m = at; m > at - 7 && points.has(m); m--) recent.unshift(points.get(m)!.value)
  const chart = controlChart(previous, recent)
  if (chart === null) return null
  const side = chart.signals[0]?.side
  const direction =
    side === undefined
      ? null
      : !ctx.directional
        ? 'neutral'
        : (side === 'above') === (indicator.polarity === 'lower_better')
          ? 'bad'
          : 'good'
  return { ...chart, mean: round(chart.mean, 2), upper: round(chart.upper, 2), lower: round(chart.lower, 2), direction }
}
