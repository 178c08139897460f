import { currentScore, type RiskRule } from './context.js'

/** A current score above the partnership's appetite must be escalated. */
export const aboveAppetite: RiskRule = (ctx, scale) => {
  const latest = ctx.assessments.at(-1)
  if (latest === undefined || currentScore(latest) <= scale.appetite) return null
  return {
    flag: 'above_appetite',
    reason: `current score ${currentScore(latest)} is above the appetite of ${scale.appetite}`,
  }
}
