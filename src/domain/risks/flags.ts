import { aboveAppetite } from './above-appetite.js'
import type { RiskContext, RiskFlagEntry } from './context.js'
import { noTreatingAction } from './no-treating-action.js'
import { review } from './review.js'
import type { RiskScale } from './scale.js'
import { scoreRising } from './score-rising.js'

/** Every rule, in the order flags are listed. */
const RULES = [review, scoreRising, aboveAppetite, noTreatingAction] as const

/** A closed risk raises none. */
export function riskFlags(ctx: RiskContext, scale: RiskScale): RiskFlagEntry[] {
  if (!ctx.open) return []
  return RULES.map((rule) => rule(ctx, scale)).filter((f): f is RiskFlagEntry => f !== null)
}
