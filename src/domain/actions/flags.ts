import type { ActionContext, ActionFlagEntry } from './context.js'
import { leadTbc } from './lead-tbc.js'
import { milestoneOverdue } from './milestone-overdue.js'
import { noRecentProgress } from './no-recent-progress.js'
import { pastEndNotComplete } from './past-end-not-complete.js'
import { resourcesUnsecured } from './resources-unsecured.js'
import { statusContradictsMilestones } from './status-contradicts-milestones.js'

/** Every flag rule, in the order flags are listed. */
const RULES = [
  pastEndNotComplete,
  milestoneOverdue,
  statusContradictsMilestones,
  resourcesUnsecured,
  noRecentProgress,
  leadTbc,
] as const

export function actionFlags(ctx: ActionContext): ActionFlagEntry[] {
  return RULES.map((rule) => rule(ctx)).filter((f): f is ActionFlagEntry => f !== null)
}
