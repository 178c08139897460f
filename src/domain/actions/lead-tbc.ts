import { isLive, type ActionContext, type ActionFlagEntry } from './context.js'

/** Nobody leads it yet: the plan says "Lead: TBC". */
export function leadTbc(ctx: ActionContext): ActionFlagEntry | null {
  if (!isLive(ctx.status) || !ctx.leadTbc) return null
  return { flag: 'lead_tbc', reason: 'the lead is to be confirmed' }
}
