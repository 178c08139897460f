import { isOverdue, type ActionContext, type ActionFlagEntry } from './context.js'

/** People say "on track" while a milestone is overdue: the status is never overwritten, the flag sits beside it. */
export function statusContradictsMilestones(ctx: ActionContext): ActionFlagEntry | null {
  if (ctx.status !== 'on_track') return null
  const overdue = ctx.milestones.filter((m) => isOverdue(m, ctx.asOf)).length
  if (overdue === 0) return null
  return {
    flag: 'status_contradicts_milestones',
    reason: `status on track while ${overdue === 1 ? 'a milestone is' : `${overdue} milestones are`} overdue`,
  }
}
