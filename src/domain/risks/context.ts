import type { AssessmentFacts } from './heatmap.js'
import { scoreOf, type RiskScale } from './scale.js'

export const RISK_FLAGS = [
  'review_overdue',
  'review_due',
  'score_rising',
  'above_appetite',
  'no_treating_action',
] as const
export type RiskFlag = (typeof RISK_FLAGS)[number]

export interface RiskFlagEntry {
  flag: RiskFlag
  reason: string
}

/** What a risk is judged on at a date. */
export interface RiskContext {
  open: boolean
  createdOn: string
  reviewIntervalMonths: number
  treatingActions: number
  /** The risk's standing assessments on or before the as-of date, oldest first. */
  assessments: readonly AssessmentFacts[]
  asOf: string
}

/** One rule: a flag with its reason, or null. */
export type RiskRule = (ctx: RiskContext, scale: RiskScale) => RiskFlagEntry | null

export const currentScore = (a: AssessmentFacts): number => scoreOf(a.current.likelihood, a.current.impact)
