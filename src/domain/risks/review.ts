import { monthsBefore } from '../actions/context.js'
import type { RiskContext, RiskRule } from './context.js'

/** The day a review falls due: the interval after the latest assessment (or after the risk was recorded). */
export function reviewDueOn(ctx: RiskContext): string {
  const last = ctx.assessments[ctx.assessments.length - 1]?.assessedOn ?? ctx.createdOn
  return monthsBefore(last, -ctx.reviewIntervalMonths)
}

/** Seed 004 asks for a review every six months: overdue once the day has passed, due within a month of it. */
export const review: RiskRule = (ctx) => {
  const due = reviewDueOn(ctx)
  if (due < ctx.asOf) return { flag: 'review_overdue', reason: `review was due by ${due}` }
  if (monthsBefore(due, 1) <= ctx.asOf) return { flag: 'review_due', reason: `review due by ${due}` }
  return null
}
