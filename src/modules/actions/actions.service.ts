import type { Db } from '../../db/client.js'
import { requireAuthor, roleAtLeast, type Actor } from '../../domain/access.js'
import {
  actionDates,
  actionFlags,
  activityRag,
  checkLead,
  checkResources,
  milestoneDates,
  milestoneLabel,
  type ActionFlag,
  type ActionFlagEntry,
  type ActionResource,
  type ActionStatus,
} from '../../domain/actions/index.js'
import type { Rag } from '../../domain/evaluation/types.js'
import { DomainError, notFound } from '../../domain/errors.js'
import { today } from '../../http/clock.js'
import { requireDone } from '../../domain/periods.js'
import { recordAudit } from '../audit/audit.repository.js'
import { requireRoleOrMembership } from '../groups/groups.service.js'
import { submittedReturns } from '../rounds/rounds.repository.js'
import { findRecord, listRecords, updateRecord, type Row, type Scope } from '../resource/resource.repository.js'
import { createResourceService, withView, type WriteHooks } from '../resource/resource.service.js'
import {
  actionOwner,
  actionSpec,
  actionsOfIndicators,
  latestProgressOn,
  latestProgressStatus,
  milestoneSpec,
  milestonesOf,
  objectiveOf,
  planNames,
  progressSpec,
} from './actions.repository.js'

/** What an action's flags and activity RAG are worked out from, beside its milestones and progress. */
type ActionFacts = Pick<Row<'actionItem'>, 'id' | 'status' | 'startsOn' | 'endsOn' | 'leadTbc' | 'resources'>

export interface Assessment {
  asOf: string
  flags: ActionFlagEntry[]
  activityRag: Rag
  activityRagReason: string
  lastProgressOn: string | null
}

/** Each action's flags and activity RAG on a date. */
export async function assess(
  db: Db,
  partnershipId: string,
  actions: readonly ActionFacts[],
  asOf: string,
): Promise<Map<string, Assessment>> {
  const ids = actions.map((a) => a.id)
  const [milestones, progress] = await Promise.all([
    milestonesOf(db, partnershipId, ids),
    latestProgressOn(db, partnershipId, ids, asOf),
  ])
  const lastProgress = new Map(progress.map((p) => [p.actionItemId, p.reportedOn]))
  return new Map(
    actions.map((action) => {
      const ctx = {
        asOf,
        status: action.status,
        startsOn: action.startsOn,
        endsOn: action.endsOn,
        leadTbc: action.leadTbc,
        resources: action.resources,
        milestones: milestones.filter((m) => m.actionItemId === action.id),
        lastProgressOn: lastProgress.get(action.id) ?? null,
      }
      const flags = actionFlags(ctx)
      const rag = activityRag(ctx, flags)
      return [
        action.id,
        { asOf, flags, activityRag: rag.rag, activityRagReason: rag.reason, lastProgressOn: ctx.lastProgressOn },
      ]
    }),
  )
}

/** The groups whose members may make a write: the owner now and, when it changes, the new owner. */
function owners(existing: { groupId: string | null } | undefined, values: { groupId?: string | null }) {
  const now = existing === undefined ? [] : [existing.groupId]
  return 'groupId' in values || existing === undefined ? [...now, values.groupId ?? null] : now
}

/**
 * Officers change any action; a member of the owning group its group's, until the group's return is
 * submitted in a round still open (issue 25): the return holds its actions as returned until PMG
 * reopens it or the round is issued.
 */
async function mayChange(trx: Db, scope: Scope, actor: Actor, groupIds: Array<string | null>, what: string) {
  await requireRoleOrMembership(trx, scope.partnershipId, actor, 'officer', groupIds, today(), what)
  if (actor.role !== undefined && roleAtLeast(actor.role, 'officer')) return
  const owners = groupIds.filter((g) => g !== null)
  const submitted = await submittedReturns(trx, scope.partnershipId, null, owners)
  if (submitted.length > 0)
    throw new DomainError(
      'ACTION.RETURN_SUBMITTED',
      'conflict',
      `${submitted.join(', ')} submitted its return to an open round: ${what} stands as returned until PMG reopens the return or issues the round.`,
    )
}

type ResourceInput = { [K in keyof ActionResource]?: ActionResource[K] }

const actionHooks: WriteHooks<'actionItem'> = {
  async beforeWrite(trx, scope, values, existing, actor) {
    await mayChange(trx, scope, actor, owners(existing, values), 'this action')
    const merged = { ...existing, ...values } as Row<'actionItem'>
    let settled = { ...values }
    if (merged.objectiveId != null && ('objectiveId' in values || 'priorityId' in values)) {
      const objective = await objectiveOf(trx, scope.partnershipId, merged.objectiveId)
      if (objective === undefined || objective.priorityId !== merged.priorityId)
        throw new DomainError(
          'ACTION.OBJECTIVE',
          'unprocessable',
          "The objective must be one of the action's priority.",
          [{ field: 'body.objectiveId', message: 'is not an objective of priorityId' }],
        )
    }
    if (existing === undefined || 'starts' in values || 'ends' in values)
      settled = { ...settled, ...actionDates(merged.starts ?? null, merged.ends ?? null, scope.yearStartMonth) }
    checkLead({
      leadName: merged.leadName ?? null,
      leadAgencyId: merged.leadAgencyId ?? null,
      leadTbc: merged.leadTbc ?? false,
    })
    if (values.resources !== undefined) {
      const resources: ActionResource[] = (values.resources as unknown as ResourceInput[]).map((r) => ({
        description: r.description ?? null,
        amountPence: r.amountPence ?? null,
        amountTbc: r.amountTbc ?? false,
        approximate: r.approximate ?? false,
        source: r.source ?? null,
        secured: r.secured ?? null,
      }))
      checkResources(resources)
      settled.resources = JSON.stringify(resources)
    }
    return settled
  },
  async beforeDelete(trx, scope, existing, actor) {
    await mayChange(trx, scope, actor, [existing.groupId], 'this action')
  },
}

/** Milestones and progress are the action's: whoever may change the action may add to them. */
async function mayChangeAction(trx: Db, scope: Scope, actor: Actor, what: string) {
  const action = await actionOwner(trx, scope.partnershipId, scope.parentId!)
  if (action === undefined) throw notFound('action')
  await mayChange(trx, scope, actor, [action.groupId], what)
}

const milestoneHooks: WriteHooks<'actionMilestone'> = {
  async beforeWrite(trx, scope, values, existing, actor) {
    await mayChangeAction(trx, scope, actor, "this action's milestones")
    if (existing !== undefined && !('due' in values) && !('dueFrom' in values)) return values
    const merged = { ...existing, ...values } as Row<'actionMilestone'>
    return { ...values, ...milestoneDates(merged.due, merged.dueFrom ?? null, scope.yearStartMonth) }
  },
  async beforeDelete(trx, scope, _existing, actor) {
    await mayChangeAction(trx, scope, actor, "this action's milestones")
  },
}

const checkAuthor = (existing: Row<'actionProgress'>, actor: Actor, action: 'change' | 'delete') =>
  requireAuthor({ author: existing.author, what: 'update', code: 'PROGRESS.NOT_AUTHOR' }, actor, action)

const progressHooks: WriteHooks<'actionProgress'> = {
  async beforeWrite(trx, scope, values, existing, actor) {
    if (values.reportedOn !== undefined) requireDone(values.reportedOn, today(), 'body.reportedOn', 'Progress')
    if (existing !== undefined) {
      checkAuthor(existing, actor, 'change')
      return { ...values, editedBy: actor.subject }
    }
    await mayChangeAction(trx, scope, actor, "this action's progress")
    return { ...values, author: actor.subject }
  },
  async beforeDelete(_trx, _scope, existing, actor) {
    checkAuthor(existing, actor, 'delete')
  },
  // The latest update sets the action's status; the change is the action's, audited as such.
  async afterWrite(trx, scope, actor) {
    const actionScope = { partnershipId: scope.partnershipId, yearStartMonth: scope.yearStartMonth }
    const id = scope.parentId!
    const status = await latestProgressStatus(trx, scope.partnershipId, id)
    const before = await findRecord(trx, actionSpec, actionScope, id, true)
    if (status === undefined || before === undefined || before.status === status) return
    await updateRecord(trx, actionSpec, actionScope, id, { status })
    const after = await findRecord(trx, actionSpec, actionScope, id)
    await recordAudit(trx, actor, {
      partnershipId: scope.partnershipId,
      action: 'update',
      resourceType: actionSpec.type,
      resourceId: id,
      before,
      after: after ?? null,
    })
  },
}

/** NI 9 before NI 20: references compared as people read them. */
const byReference = new Intl.Collator('en-GB', { numeric: true }).compare

export function createActionService(db: Db) {
  const base = createResourceService(db, actionSpec, actionHooks)
  const present = async (
    scope: Scope,
    rows: Row<'actionItem'>[],
    asOf: string,
  ): Promise<Array<Row<'actionItem'> & { assessment: Assessment }>> => {
    const assessments = await assess(db, scope.partnershipId, rows, asOf)
    return rows.map((row) => ({ ...row, assessment: assessments.get(row.id)! }))
  }

  return {
    ...withView(base, present, {
      keys: ['flag', 'activityRag'],
      wanted: (row, { flag, activityRag }) =>
        (flag === undefined || row.assessment.flags.some((f) => f.flag === flag)) &&
        (activityRag === undefined || row.assessment.activityRag === activityRag),
    }),

    /** A priority's action plan on a date: its actions by objective, with milestones, lead, partners and PIs. */
    async plan(scope: Scope, priorityId: string, asOf: string) {
      const names = await planNames(db, scope.partnershipId, priorityId)
      if (names.priority === undefined) throw notFound('priority')
      const { items } = await listRecords(db, actionSpec, scope, { priorityId, limit: 10_000 }, ['priorityId'])
      const actions = await present(scope, items as Row<'actionItem'>[], asOf)
      const ids = actions.map((a) => a.id)
      const [milestones, progress] = await Promise.all([
        milestonesOf(db, scope.partnershipId, ids),
        latestProgressOn(db, scope.partnershipId, ids, asOf),
      ])
      const agency = new Map(names.agencies.map((a) => [a.id, a.name]))
      const indicator = new Map(names.indicators.map((i) => [i.id, i.reference]))
      const entry = (action: (typeof actions)[number]) => ({
        action,
        milestones: milestones
          .filter((m) => m.actionItemId === action.id)
          .map((m) => ({
            label: milestoneLabel(m.due, m.dueFrom, scope.yearStartMonth),
            description: m.description,
            dueOn: m.dueOn,
            doneOn: m.doneOn,
          })),
        lead: action.leadTbc
          ? 'TBC'
          : [action.leadName, action.leadAgencyId === null ? null : agency.get(action.leadAgencyId)]
              .filter((x) => x != null)
              .join(', '),
        // Links keep no order of their own: agencies and indicators are listed by name, then other partners.
        partners: [
          ...(action.partnerAgencyIds as string[]).map((id) => agency.get(id)!).sort(byReference),
          ...action.otherPartners,
        ],
        indicators: (action.indicatorIds as string[]).map((id) => indicator.get(id)!).sort(byReference),
        latestProgress:
          progress
            .filter((p) => p.actionItemId === action.id)
            .map(({ reportedOn, status, body, author }) => ({ reportedOn, status, body, author }))[0] ?? null,
      })
      const sections = [...names.objectives, null].map((objective) => ({
        objective,
        actions: actions.filter((a) => a.objectiveId === (objective?.id ?? null)).map(entry),
      }))
      return {
        priority: names.priority,
        asOf,
        objectives: sections.filter((s) => s.objective !== null || s.actions.length > 0),
      }
    },
  }
}

export const createMilestoneService = (db: Db) => createResourceService(db, milestoneSpec, milestoneHooks)
export const createProgressService = (db: Db) => createResourceService(db, progressSpec, progressHooks)

export interface LinkedAction {
  id: string
  reference: string | null
  title: string
  status: ActionStatus
  activityRag: Rag
  flags: ActionFlag[]
}

/** Each indicator's linked actions as the evaluation and its reports show them, assessed on a date. */
export async function linkedActions(db: Db, partnershipId: string, asOf: string): Promise<Map<string, LinkedAction[]>> {
  const rows = await actionsOfIndicators(db, partnershipId)
  const unique = [...new Map(rows.map((r) => [r.id, r])).values()]
  const assessments = await assess(db, partnershipId, unique, asOf)
  const byIndicator = new Map<string, LinkedAction[]>()
  for (const row of rows) {
    const a = assessments.get(row.id)!
    const list = byIndicator.get(row.indicatorId) ?? []
    list.push({
      id: row.id,
      reference: row.reference,
      title: row.title,
      status: row.status,
      activityRag: a.activityRag,
      flags: a.flags.map((f) => f.flag),
    })
    byIndicator.set(row.indicatorId, list)
  }
  return byIndicator
}
