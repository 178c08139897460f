import { currentScore, type RiskRule } from './context.js'

/** The current score rose since the assessment before the latest. */
export const scoreRising: RiskRule = (ctx) => {
  const [previous, latest] = [ctx.assessments.at(-2), ctx.assessments.at(-1)]
  if (previous === undefined || latest === undefined || currentScore(latest) <= currentScore(previous)) return null
  return {
    flag: 'score_rising',
    reason: `current score rose from ${currentScore(previous)} (${previous.assessedOn}) to ${currentScore(latest)} (${latest.assessedOn})`,
  }
}
