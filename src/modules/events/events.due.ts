import type { Db } from '../../db/client.js'
import { asTenant } from '../../db/tenancy.js'
import { monthsBefore } from '../../domain/actions/context.js'
import { addDays } from '../../domain/periods.js'
import { createReturnsService } from '../returns/returns.service.js'
import { createRiskService } from '../risks/risks.service.js'
import { recordEvent } from './events.repository.js'

/**
 * How far back a date that has passed is still told: an instance that was down for a few days tells what
 * fell meanwhile, but a first run does not tell every return ever missed.
 */
const LOOK_BACK_DAYS = 7

export interface Partnership {
  id: string
  financialYearStartMonth: number
}

/**
 * The events that fall on a day rather than on a write: returns overdue, risk reviews due, milestones
 * overdue. Each is raised once, whichever instance (and however many runs) gets there first: its dedupe
 * key names the thing and the date it fell on. Answers how many were raised now.
 */
export function raiseDueEvents(db: Db, partnership: Partnership, today: string): Promise<number> {
  return asTenant(partnership.id, async () => {
    const since = addDays(today, -LOOK_BACK_DAYS)
    const scope = { partnershipId: partnership.id, yearStartMonth: partnership.financialYearStartMonth }
    const [overdue, register, milestones] = await Promise.all([
      createReturnsService(db).overdue(partnership.id, partnership.financialYearStartMonth, {
        asOf: today,
        from: monthsBefore(today, 15),
      }),
      createRiskService(db).register(scope, today),
      db
        .selectFrom('actionMilestone as m')
        .innerJoin('actionItem as a', 'a.id', 'm.actionItemId')
        .select(['m.id', 'm.actionItemId', 'm.description', 'm.dueOn', 'a.title', 'a.reference'])
        .where('m.partnershipId', '=', partnership.id)
        .where('m.archived', '=', false)
        .where('a.archived', '=', false)
        .where('m.dueOn', '<', today)
        .where('m.dueOn', '>=', since)
        .where((eb) => eb.or([eb('m.doneOn', 'is', null), eb('m.doneOn', '>', today)]))
        .execute(),
    ])
    const due = [
      ...overdue
        .filter((r) => r.dueOn >= since)
        .map((r) => ({
          type: 'return.overdue' as const,
          key: `return.overdue:${r.indicatorId}:${r.areaId}:${r.period}`,
          body: {
            indicatorId: r.indicatorId,
            reference: r.reference,
            areaId: r.areaId,
            areaCode: r.areaCode,
            period: r.period,
            dueOn: r.dueOn,
            agencyId: r.agencyId,
          },
        })),
      ...register.items
        .filter((r) => r.view.flags.some((f) => f.flag === 'review_due') && r.view.reviewDueOn !== null)
        .map((r) => ({
          type: 'risk.review_due' as const,
          key: `risk.review_due:${r.id}:${r.view.reviewDueOn}`,
          body: {
            riskId: r.id,
            reference: r.reference,
            reviewDueOn: r.view.reviewDueOn,
            ownerAgencyId: r.ownerAgencyId,
          },
        })),
      ...milestones.map((m) => ({
        type: 'action.milestone_overdue' as const,
        key: `action.milestone_overdue:${m.id}:${m.dueOn}`,
        body: {
          actionId: m.actionItemId,
          reference: m.reference,
          milestoneId: m.id,
          description: m.description,
          dueOn: m.dueOn,
        },
      })),
    ]
    if (due.length === 0) return 0
    return db.transaction().execute(async (trx) => {
      let raised = 0
      for (const event of due)
        if ((await recordEvent(trx, partnership.id, event.type, event.body, event.key)) !== undefined) raised++
      return raised
    })
  })
}

/** The hourly job: each partnership's events of the day, as that partnership. Answers how many were raised. */
export async function raiseDueEventsEverywhere(db: Db, today: string): Promise<number> {
  const partnerships = await db
    .selectFrom('partnership')
    .select(['id', 'financialYearStartMonth'])
    .where('archived', '=', false)
    .execute()
  let raised = 0
  for (const partnership of partnerships) raised += await raiseDueEvents(db, partnership, today)
  return raised
}
