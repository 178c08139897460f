import { isLive, monthsBefore, type ActionContext, type ActionFlagEntry } from './context.js'

/** Theme groups report progress each quarter (seed 000 Appendix 1, stage 1). */
export const PROGRESS_INTERVAL_MONTHS = 3

/**
 * No progress update in the last quarter of an action that has been running for at least a quarter (one
 * that started last week, or whose start is TBC, is not yet owed one).
 */
export function noRecentProgress(ctx: ActionContext): ActionFlagEntry | null {
  if (!isLive(ctx.status) || ctx.startsOn === null) return null
  const since = monthsBefore(ctx.asOf, PROGRESS_INTERVAL_MONTHS)
  if (ctx.startsOn > since) return null
  if (ctx.lastProgressOn !== null && ctx.lastProgressOn >= since) return null
  return {
    flag: 'no_recent_progress',
    reason:
      ctx.lastProgressOn === null
        ? `no progress update since it started on ${ctx.startsOn}`
        : `last progress update ${ctx.lastProgressOn}, none since ${since}`,
  }
}
