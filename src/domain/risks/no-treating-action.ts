import type { RiskRule } from './context.js'

/** An open risk nothing is being done about. */
export const noTreatingAction: RiskRule = (ctx) =>
  ctx.treatingActions === 0 ? { flag: 'no_treating_action', reason: 'no action treats it' } : null
