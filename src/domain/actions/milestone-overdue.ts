import { isLive, isOverdue, type ActionContext, type ActionFlagEntry } from './context.js'

/** A milestone's due date has passed and it was not done by the as-of date. */
export function milestoneOverdue(ctx: ActionContext): ActionFlagEntry | null {
  if (!isLive(ctx.status)) return null
  const overdue = ctx.milestones.filter((m) => isOverdue(m, ctx.asOf))
  if (overdue.length === 0) return null
  const first = [...overdue].sort((a, b) => a.dueOn.localeCompare(b.dueOn))[0]!
  const more = overdue.length > 1 ? ` and ${overdue.length - 1} more` : ''
  return { flag: 'milestone_overdue', reason: `"${first.description}" was due by ${first.dueOn}${more}` }
}
