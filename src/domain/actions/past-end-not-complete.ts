import { isLive, type ActionContext, type ActionFlagEntry } from './context.js'

/** The action's end date has passed and nobody has called it complete (or cancelled it). */
export function pastEndNotComplete(ctx: ActionContext): ActionFlagEntry | null {
  if (!isLive(ctx.status) || ctx.endsOn === null || ctx.endsOn >= ctx.asOf) return null
  return { flag: 'past_end_not_complete', reason: `ended ${ctx.endsOn}, status ${ctx.status.replace('_', ' ')}` }
}
