import { aggregate, stepsBetween, type Aggregate, type IndicatorContext, type Situation } from './context.js'

export interface Actuals {
  /** First months of the periods from the start of the target's year to the evaluated period. */
  ytdMonths: number[]
  ytd: Aggregate
  rolling: Aggregate
  /** Whether all twelve months (or four quarters) of the rolling year are present. */
  rollingComplete: boolean
}

/**
 * Rule 3: year to date runs from the start of the target period (so NI 47's calendar-year target runs
 * from January) to the evaluated period; rolling twelve months are the last twelve months' values.
 * A survey's year to date is its latest value.
 */
export function yearToDate(ctx: IndicatorContext, s: Situation): Actuals {
  const ytdMonths = ctx.annual
    ? s.at === null
      ? []
      : [s.at]
    : stepsBetween(ctx, s.year.firstMonth, s.end - ctx.step + 1)
  const rollingMonths = ctx.annual ? ytdMonths : stepsBetween(ctx, s.end - 11, s.end - ctx.step + 1)
  const rolling = aggregate(ctx, rollingMonths)
  return {
    ytdMonths,
    ytd: aggregate(ctx, ytdMonths),
    rolling,
    rollingComplete: !ctx.annual && rolling.count === rollingMonths.length,
  }
}
