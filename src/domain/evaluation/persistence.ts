import { parsePeriod, shift } from '../periods.js'
import type { Evaluation, FlagEntry } from './types.js'

/**
 * persistently_off_target: red in the period evaluated and in each of the reported periods before it,
 * `periods` in all (the partnership's number; PMG escalates what stays red). A reported period is one of
 * the indicator's own periods with a figure of its own, judged as it was reported then (its year to date
 * for counts); a period without its figure breaks the run. A biennial survey steps back two years.
 */
export function persistentlyOffTarget(
  evaluate: (period: string, asOf: string) => Evaluation,
  latest: Evaluation,
  periods: number,
  fyStartMonth: number,
  biennial: boolean,
): FlagEntry | null {
  const reportedRed = (e: Evaluation, period: string) =>
    e.rag === 'red' && e.evaluatedPeriod === period && e.actual.period !== null
  if (!reportedRed(latest, latest.evaluatedPeriod)) return null
  const run = [latest.evaluatedPeriod]
  while (run.length < periods) {
    const previous = shift(parsePeriod(run.at(-1)!, fyStartMonth), biennial ? -2 : -1, fyStartMonth).key
    if (!reportedRed(evaluate(previous, latest.asOf), previous)) return null
    run.push(previous)
  }
  const [to, from] = [run[0]!, run.at(-1)!]
  return {
    flag: 'persistently_off_target',
    direction: 'bad',
    reason: `red for ${periods} reported periods running, ${from} to ${to}`,
    figures: { periods, from, to },
  }
}
