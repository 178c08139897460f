import { sql } from 'kysely'
import type { Static } from 'typebox'
import type { Db } from '../../db/client.js'
import { roleAtLeast, type Actor } from '../../domain/access.js'
import { DomainError, notFound } from '../../domain/errors.js'
import { contains, dateRange, parsePeriod } from '../../domain/periods.js'
import {
  checkIssue,
  checkMeetings,
  checkSelection,
  returnDeadlines,
  returnStatus,
  type Decision,
  type Selection,
} from '../../domain/rounds.js'
import { today } from '../../http/clock.js'
import { pageCursor, UUID_PATTERN } from '../../http/paging.js'
import { recordEvent } from '../events/events.repository.js'
import { recordAudit } from '../audit/audit.repository.js'
import type { Evaluation as Judgement } from '../../domain/evaluation/index.js'
import type { createEvaluationService, Tenant } from '../evaluation/evaluation.service.js'
import { membershipsIn } from '../groups/groups.repository.js'
import { checkIfMatchWhenSent } from '../resource/resource.service.js'
import type { StrategicResponse } from '../../db/types.js'
import { seriesChart } from '../evaluation/evaluation.chart.js'
import type { PackItem, PackModel } from './rounds.pack.js'
import type { CuratedReportSchema, IssuedReportSchema } from './rounds.schemas.js'

type Evaluation = ReturnType<typeof createEvaluationService>

const ROUND_COLUMNS = [
  'id',
  'archived',
  'version',
  'createdAt',
  'updatedAt',
  'period',
  'periodStart',
  'periodEnd',
  'themeMeetingsOn',
  'pmgMeetingOn',
  'strategicMeetingOn',
  'sendDays',
  'returnDays',
  'openedBy',
  'issuedAt',
  'issuedBy',
  'missingReturnsReason',
] as const

const roundNotFound = () => notFound('round')

/** A real calendar day in ISO form (a cursor is the client's to send, so it is checked). */
const isDate = (text: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString().startsWith(text)

/** The round's view: its returns with their deadlines and status today, and PMG's selections. */
async function view(db: Db, partnershipId: string, round: RoundRow) {
  const [returns, selections] = await Promise.all([
    db
      .selectFrom('roundReturn')
      .innerJoin('partnershipGroup', (j) =>
        j
          .onRef('partnershipGroup.partnershipId', '=', 'roundReturn.partnershipId')
          .onRef('partnershipGroup.id', '=', 'roundReturn.groupId'),
      )
      .select([
        'roundReturn.id',
        'roundReturn.groupId',
        'partnershipGroup.name as groupName',
        'partnershipGroup.priorityId',
        'roundReturn.meetingOn',
        'roundReturn.summary',
        'roundReturn.submittedAt',
        'roundReturn.submittedBy',
      ])
      .where('roundReturn.partnershipId', '=', partnershipId)
      .where('roundReturn.roundId', '=', round.id)
      .orderBy('partnershipGroup.name')
      .execute(),
    selectionsOf(db, partnershipId, round.id),
  ])
  const [requests, responses, followUps] = await Promise.all([
    requestsOf(db, partnershipId, round.id),
    db
      .selectFrom('strategicResponse')
      .select(RESPONSE_COLUMNS)
      .where('partnershipId', '=', partnershipId)
      .where('roundId', '=', round.id)
      .orderBy('createdAt')
      .execute(),
    // Follow-ups asked of PMG in earlier rounds: open ones are due now, and those this round answered stay.
    db
      .selectFrom('strategicResponse')
      .innerJoin('reportingRound as asked', (j) =>
        j
          .onRef('asked.partnershipId', '=', 'strategicResponse.partnershipId')
          .onRef('asked.id', '=', 'strategicResponse.roundId'),
      )
      .select(RESPONSE_COLUMNS.map((c) => `strategicResponse.${c}` as const))
      .where('strategicResponse.partnershipId', '=', partnershipId)
      .where('strategicResponse.followUp', 'is not', null)
      .where('asked.periodStart', '<', round.periodStart)
      .where((eb) =>
        eb.or([
          eb('strategicResponse.answeredInRoundId', 'is', null),
          eb('strategicResponse.answeredInRoundId', '=', round.id),
        ]),
      )
      .orderBy('strategicResponse.followUpDueOn')
      .execute(),
  ])
  const on = today()
  return {
    ...round,
    returns: returns.map((r) => {
      const deadlines = returnDeadlines(r.meetingOn, round.sendDays, round.returnDays)
      return { ...r, ...deadlines, status: returnStatus(r.submittedAt !== null, deadlines.returnBy, on) }
    }),
    selections,
    requests: requests.map((r) => ({
      ...r,
      status: r.answeredAt !== null ? ('answered' as const) : returnStatus(false, r.dueOn, on),
    })),
    responses,
    followUps,
  }
}

const RESPONSE_COLUMNS = [
  'id',
  'roundId',
  'indicatorId',
  'areaId',
  'response',
  'note',
  'followUp',
  'followUpDueOn',
  'respondedBy',
  'answer',
  'answeredInRoundId',
  'answeredBy',
  'answeredAt',
] as const

function requestsOf(db: Db, partnershipId: string, roundId: string) {
  return db
    .selectFrom('roundRequest')
    .select(['id', 'groupId', 'question', 'dueOn', 'askedBy', 'answer', 'answeredBy', 'answeredAt'])
    .where('partnershipId', '=', partnershipId)
    .where('roundId', '=', roundId)
    .orderBy('createdAt')
    .execute()
}

type RoundRow = Awaited<ReturnType<typeof findRound>> & object

function findRound(db: Db, partnershipId: string, id: string, lock = false) {
  let query = db
    .selectFrom('reportingRound')
    .select(ROUND_COLUMNS)
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

function selectionsOf(
  db: Db,
  partnershipId: string,
  roundId: string,
): Promise<Array<Selection & { decidedBy: string }>> {
  return db
    .selectFrom('roundSelection')
    .select(['indicatorId', 'areaId', 'decision', 'direction', 'reason', 'actionId', 'decidedBy'])
    .where('partnershipId', '=', partnershipId)
    .where('roundId', '=', roundId)
    .orderBy('createdAt')
    .execute()
}

/** Bumps the round's version: every step changes what its ETag stands for. */
const touch = (trx: Db, partnershipId: string, id: string) =>
  trx
    .updateTable('reportingRound')
    .set({ version: sql`version + 1`, updatedAt: sql`now()` })
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .returning(ROUND_COLUMNS)
    .executeTakeFirstOrThrow()

/** PMG members open, curate and issue (seed 000 Appendix 1): membership on the day, whatever the role. */
async function requirePmg(db: Db, partnershipId: string, actor: Actor, what: string): Promise<void> {
  if ((await membershipsIn(db, partnershipId, actor.subject, today(), { kind: 'performance' })).length > 0) return
  throw new DomainError('ROUND.NOT_PMG', 'forbidden', `Only a member of the Performance Management Group ${what}.`)
}

/** The Strategic Group's members respond to what PMG issued. */
async function requireStrategic(db: Db, partnershipId: string, actor: Actor): Promise<void> {
  if ((await membershipsIn(db, partnershipId, actor.subject, today(), { kind: 'strategic' })).length > 0) return
  throw new DomainError(
    'ROUND.NOT_STRATEGIC',
    'forbidden',
    'Only a member of the Strategic Group responds to the issued exceptions.',
  )
}

/** A theme group's own steps: its members on the day, or an officer. */
async function requireGroupOrOfficer(db: Db, partnershipId: string, actor: Actor, groupId: string, what: string) {
  if (actor.role !== undefined && roleAtLeast(actor.role, 'officer')) return
  if ((await membershipsIn(db, partnershipId, actor.subject, today(), { id: groupId })).length > 0) return
  throw new DomainError('ROUND.NOT_GROUP', 'forbidden', `Only the group's members (or an officer) ${what}.`)
}

const refuseIssued = (round: { issuedAt: Date | null }) => {
  if (round.issuedAt !== null)
    throw new DomainError(
      'ROUND.ISSUED',
      'conflict',
      `This round was issued on ${round.issuedAt.toISOString()}: its report is frozen.`,
    )
}

/** The day a round's reports are judged on: its period's last day once it has passed, else today. */
const judgedOn = (round: { periodEnd: string }) => (round.periodEnd < today() ? round.periodEnd : today())

export interface OpenRound {
  period: string
  themeMeetingsOn: string
  pmgMeetingOn: string
  strategicMeetingOn: string
  sendDays?: number
  returnDays?: number
  groupMeetings?: Array<{ groupId: string; meetingOn: string }>
}

export function createRoundService(db: Db, evaluation: Evaluation) {
  const audit = (trx: Db, actor: Actor, partnershipId: string, id: string, before: unknown, after: unknown) =>
    recordAudit(trx, actor, {
      partnershipId,
      action: before === null ? 'create' : 'update',
      resourceType: 'round',
      resourceId: id,
      before,
      after,
    })

  /** One step on a round, in a transaction under its row lock, audited, its version bumped. */
  async function step(
    tenant: Tenant,
    actor: Actor,
    id: string,
    ifMatch: string | undefined,
    work: (trx: Db, round: RoundRow) => Promise<void>,
  ) {
    const after = await db.transaction().execute(async (trx) => {
      const round = await findRound(trx, tenant.id, id, true)
      if (round === undefined) throw roundNotFound()
      checkIfMatchWhenSent(ifMatch, round.version)
      await work(trx, round)
      const changed = await touch(trx, tenant.id, id)
      await audit(trx, actor, tenant.id, id, round, changed)
      return changed
    })
    return view(db, tenant.id, after)
  }

  return {
    async list(tenant: Tenant, query: { limit?: number; cursor?: string }) {
      const limit = query.limit ?? 50
      const cursors = pageCursor<[string, string]>(
        { list: 'rounds' },
        ([start, uuid]) =>
          typeof start === 'string' && isDate(start) && typeof uuid === 'string' && UUID_PATTERN.test(uuid),
      )
      let q = db.selectFrom('reportingRound').select(ROUND_COLUMNS).where('partnershipId', '=', tenant.id)
      if (query.cursor !== undefined) {
        const [start, uuid] = cursors.decode(query.cursor)
        q = q.where(sql<boolean>`(period_start, id) < (${start}, ${uuid})`)
      }
      const rows = await q
        .orderBy('periodStart', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute()
      const items = await Promise.all(rows.slice(0, limit).map((r) => view(db, tenant.id, r)))
      const last = items[items.length - 1]
      return { items, nextCursor: rows.length > limit && last ? cursors.encode([last.periodStart, last.id]) : null }
    },

    async get(tenant: Tenant, id: string) {
      const round = await findRound(db, tenant.id, id)
      if (round === undefined) throw roundNotFound()
      return view(db, tenant.id, round)
    },

    /** Opened by a PMG member with its meeting dates: a return is due from every theme group. */
    async open(tenant: Tenant, actor: Actor, body: OpenRound) {
      await requirePmg(db, tenant.id, actor, 'opens a round')
      const period = parsePeriod(body.period, tenant.financialYearStartMonth, 'body.period')
      const { start, end } = dateRange(period)
      checkMeetings(body, end)
      const round = await db.transaction().execute(async (trx) => {
        const clash = await trx
          .selectFrom('reportingRound')
          .select('id')
          .where('partnershipId', '=', tenant.id)
          .where('period', '=', period.key)
          .executeTakeFirst()
        if (clash !== undefined)
          throw new DomainError(
            'ROUND.DUPLICATE',
            'conflict',
            `A round for ${period.key} is already open (${clash.id}).`,
            [{ field: 'body.period', message: 'has a round' }],
            { facts: { conflictingId: clash.id } },
          )
        const row = await trx
          .insertInto('reportingRound')
          .values({
            partnershipId: tenant.id,
            period: period.key,
            periodStart: start,
            periodEnd: end,
            themeMeetingsOn: body.themeMeetingsOn,
            pmgMeetingOn: body.pmgMeetingOn,
            strategicMeetingOn: body.strategicMeetingOn,
            ...(body.sendDays === undefined ? {} : { sendDays: body.sendDays }),
            ...(body.returnDays === undefined ? {} : { returnDays: body.returnDays }),
            openedBy: actor.subject,
          })
          .returning(ROUND_COLUMNS)
          .executeTakeFirstOrThrow()
        const themes = await trx
          .selectFrom('partnershipGroup')
          .select('id')
          .where('partnershipId', '=', tenant.id)
          .where('kind', '=', 'theme')
          .where('archived', '=', false)
          .execute()
        const own = new Map((body.groupMeetings ?? []).map((g) => [g.groupId, g.meetingOn]))
        const unknown = [...own.keys()].filter((g) => !themes.some((t) => t.id === g))
        if (unknown.length > 0)
          throw new DomainError(
            'ROUND.GROUP',
            'unprocessable',
            'groupMeetings names a group that is not a theme group here.',
            [{ field: 'body.groupMeetings', message: `${unknown.join(', ')} is no theme group of this partnership` }],
          )
        if (themes.length > 0)
          await trx
            .insertInto('roundReturn')
            .values(
              themes.map((g) => ({
                partnershipId: tenant.id,
                roundId: row.id,
                groupId: g.id,
                meetingOn: own.get(g.id) ?? body.themeMeetingsOn,
              })),
            )
            .execute()
        await audit(trx, actor, tenant.id, row.id, null, row)
        return row
      })
      return view(db, tenant.id, round)
    },

    /** A theme group marks its return in: a member of the group (or an officer), once, before issue. */
    submitReturn(
      tenant: Tenant,
      actor: Actor,
      id: string,
      groupId: string,
      ifMatch: string | undefined,
      summary: string,
    ) {
      return step(tenant, actor, id, ifMatch, async (trx, round) => {
        refuseIssued(round)
        const ret = await returnOf(trx, tenant.id, id, groupId)
        await requireGroupOrOfficer(trx, tenant.id, actor, groupId, 'submit its return')
        if (ret.submittedAt !== null)
          throw new DomainError(
            'ROUND.RETURN_SUBMITTED',
            'conflict',
            `This group's return was submitted on ${ret.submittedAt.toISOString()}: PMG may reopen it.`,
          )
        await trx
          .updateTable('roundReturn')
          .set({
            summary,
            submittedAt: sql<Date>`now()`,
            submittedBy: actor.subject,
            version: sql`version + 1`,
            updatedAt: sql`now()`,
          })
          .where('partnershipId', '=', tenant.id)
          .where('id', '=', ret.id)
          .execute()
        await recordEvent(trx, tenant.id, 'round.return_submitted', {
          roundId: id,
          period: round.period,
          groupId,
          returnId: ret.id,
          submittedBy: actor.subject,
        })
      })
    },

    /** PMG sends a return back for more: the group may change and submit it again. */
    reopenReturn(tenant: Tenant, actor: Actor, id: string, groupId: string, ifMatch: string | undefined) {
      return step(tenant, actor, id, ifMatch, async (trx, round) => {
        await requirePmg(trx, tenant.id, actor, 'reopens a return')
        refuseIssued(round)
        const ret = await returnOf(trx, tenant.id, id, groupId)
        if (ret.submittedAt === null)
          throw new DomainError(
            'ROUND.RETURN_OPEN',
            'conflict',
            "This group's return is still open: nothing to reopen.",
          )
        await trx
          .updateTable('roundReturn')
          .set({ submittedAt: null, submittedBy: null, version: sql`version + 1`, updatedAt: sql`now()` })
          .where('partnershipId', '=', tenant.id)
          .where('id', '=', ret.id)
          .execute()
      })
    },

    /** PMG decides one indicator and area: keep, drop or add (domain/rounds.ts, checkSelection). */
    async select(
      tenant: Tenant,
      actor: Actor,
      id: string,
      key: { indicatorId: string; areaId: string },
      ifMatch: string | undefined,
      body: { decision: Decision; direction?: 'bad' | 'good' | null; reason?: string | null; actionId?: string | null },
    ) {
      await requirePmg(db, tenant.id, actor, 'curates the exceptions')
      const round = await findRound(db, tenant.id, id)
      if (round === undefined) throw roundNotFound()
      const { candidates } = await evaluation.curatedReports(tenant, round.period, judgedOn(round), [])
      const selection = {
        decision: body.decision,
        direction: body.direction ?? null,
        reason: body.reason ?? null,
        actionId: body.actionId ?? null,
      }
      checkSelection(selection, candidates.has(`${key.indicatorId}|${key.areaId}`))
      return step(tenant, actor, id, ifMatch, async (trx, locked) => {
        refuseIssued(locked)
        try {
          await trx
            .insertInto('roundSelection')
            .values({ partnershipId: tenant.id, roundId: id, ...key, ...selection, decidedBy: actor.subject })
            .onConflict((oc) =>
              oc.columns(['partnershipId', 'roundId', 'indicatorId', 'areaId']).doUpdateSet({
                ...selection,
                decidedBy: actor.subject,
                version: sql`round_selection.version + 1`,
                updatedAt: sql`now()`,
              }),
            )
            .execute()
        } catch (err) {
          if ((err as { code?: string }).code !== '23503') throw err
          throw new DomainError(
            'ROUND.REFERENCE',
            'unprocessable',
            'The indicator, area or action named is not of this partnership.',
            [{ field: 'body.actionId', message: 'or the path names nothing here' }],
          )
        }
      })
    },

    /** PMG takes back a decision: the computed exception stands as computed. */
    unselect(
      tenant: Tenant,
      actor: Actor,
      id: string,
      key: { indicatorId: string; areaId: string },
      ifMatch: string | undefined,
    ) {
      return step(tenant, actor, id, ifMatch, async (trx, round) => {
        await requirePmg(trx, tenant.id, actor, 'curates the exceptions')
        refuseIssued(round)
        const gone = await trx
          .deleteFrom('roundSelection')
          .where('partnershipId', '=', tenant.id)
          .where('roundId', '=', id)
          .where('indicatorId', '=', key.indicatorId)
          .where('areaId', '=', key.areaId)
          .executeTakeFirst()
        if (gone.numDeletedRows === 0n) throw notFound('selection')
      })
    },

    /**
     * What each theme group's return still lacks: commentary for the round's period on each of its
     * priority's exceptions going up, and a progress update since the period began on each of its actions
     * still running.
     */
    async missing(tenant: Tenant, id: string) {
      const round = await findRound(db, tenant.id, id)
      if (round === undefined) throw roundNotFound()
      const fy = tenant.financialYearStartMonth
      const current = await view(db, tenant.id, round)
      const { exceptions } = await evaluation.curatedReports(tenant, round.period, judgedOn(round), current.selections)
      const period = parsePeriod(round.period, fy)
      const items = exceptions.priorities.flatMap((p) => p.items)
      const groupIds = current.returns.map((r) => r.groupId)
      const quiet =
        groupIds.length === 0
          ? []
          : await db
              .selectFrom('actionItem')
              .select(['id', 'reference', 'title', 'groupId'])
              .where('partnershipId', '=', tenant.id)
              .where('archived', '=', false)
              .where('groupId', 'in', groupIds)
              .where('status', 'not in', ['complete', 'cancelled'])
              .where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom('actionProgress')
                      .select('actionProgress.id')
                      .where('actionProgress.partnershipId', '=', tenant.id)
                      .whereRef('actionProgress.actionItemId', '=', 'actionItem.id')
                      .where('actionProgress.reportedOn', '>=', round.periodStart),
                  ),
                ),
              )
              .orderBy('reference')
              .execute()
      const commented = (item: (typeof items)[number]) =>
        item.commentary !== null && contains(period, parsePeriod(item.commentary.period, fy))
      return {
        roundId: id,
        period: round.period,
        groups: current.returns.map((r) => ({
          groupId: r.groupId,
          groupName: r.groupName,
          status: r.status,
          commentary: items
            .filter((i) => r.priorityId !== null && i.indicator.priorityIds.includes(r.priorityId) && !commented(i))
            .map((i) => ({
              indicatorId: i.indicator.id,
              reference: i.indicator.reference,
              areaId: i.area.id,
              areaName: i.area.name,
              direction: i.direction,
            })),
          progress: quiet
            .filter((a) => a.groupId === r.groupId)
            .map((a) => ({ actionId: a.id, reference: a.reference, title: a.title })),
        })),
      }
    },

    /** The exceptions as curated so far (before issue), or as issued. */
    async exceptions(tenant: Tenant, id: string) {
      const round = await findRound(db, tenant.id, id)
      if (round === undefined) throw roundNotFound()
      if (round.issuedAt !== null) return (await issuedOf(db, tenant.id, id))!.exceptions
      const selections = await selectionsOf(db, tenant.id, id)
      return (await evaluation.curatedReports(tenant, round.period, judgedOn(round), selections)).exceptions
    },

    /**
     * PMG issues the round: the curated exceptions and the full performance report, frozen as they stand
     * (issued_report takes no update or delete, not even from its owner). Refused while a return is
     * missing unless PMG says why.
     */
    async issue(tenant: Tenant, actor: Actor, id: string, ifMatch: string | undefined, missingReturnsReason?: string) {
      await requirePmg(db, tenant.id, actor, 'issues a round')
      const round = await findRound(db, tenant.id, id)
      if (round === undefined) throw roundNotFound()
      refuseIssued(round)
      const current = await view(db, tenant.id, round)
      const groupName = new Map(current.returns.map((r) => [r.groupId, r.groupName]))
      checkIssue(
        [
          ...current.returns.filter((r) => r.status !== 'submitted').map((r) => r.groupName),
          ...current.requests
            .filter((r) => r.answeredAt === null)
            .map((r) => `${groupName.get(r.groupId) ?? r.groupId} (an answer to PMG's request)`),
        ],
        missingReturnsReason,
      )
      const { exceptions, performance } = await evaluation.curatedReports(
        tenant,
        round.period,
        judgedOn(round),
        current.selections,
      )
      await step(tenant, actor, id, ifMatch, async (trx, locked) => {
        refuseIssued(locked)
        // What was curated is what is issued: a selection changed meanwhile sends the issue back.
        if (locked.version !== round.version)
          throw new DomainError(
            'ROUND.CHANGED',
            'conflict',
            'The round changed while it was being issued: issue it again.',
          )
        await trx
          .updateTable('reportingRound')
          .set({
            issuedAt: sql<Date>`now()`,
            issuedBy: actor.subject,
            missingReturnsReason: missingReturnsReason ?? null,
          })
          .where('partnershipId', '=', tenant.id)
          .where('id', '=', id)
          .execute()
        await trx
          .insertInto('issuedReport')
          .values({
            partnershipId: tenant.id,
            roundId: id,
            issuedBy: actor.subject,
            exceptions: JSON.stringify(exceptions),
            performance: JSON.stringify(performance),
          })
          .execute()
        await recordEvent(trx, tenant.id, 'round.report_issued', {
          roundId: id,
          period: round.period,
          issuedBy: actor.subject,
          exceptions: exceptions.priorities.reduce((n, p) => n + p.items.length, 0),
          missingReturnsReason: missingReturnsReason ?? null,
        })
      })
      return this.report(tenant, id)
    },

    /** PMG asks a theme group for more explanation, answered within the round. */
    ask(
      tenant: Tenant,
      actor: Actor,
      id: string,
      ifMatch: string | undefined,
      body: { groupId: string; question: string; dueOn: string },
    ) {
      return step(tenant, actor, id, ifMatch, async (trx, round) => {
        await requirePmg(trx, tenant.id, actor, 'asks a theme group for more')
        refuseIssued(round)
        await returnOf(trx, tenant.id, id, body.groupId)
        if (body.dueOn > round.strategicMeetingOn)
          throw new DomainError(
            'ROUND.DATES',
            'unprocessable',
            `A request is answered within the round: by the Strategic Group's meeting (${round.strategicMeetingOn}).`,
            [{ field: 'body.dueOn', message: `must be on or before ${round.strategicMeetingOn}` }],
          )
        await trx
          .insertInto('roundRequest')
          .values({ partnershipId: tenant.id, roundId: id, ...body, askedBy: actor.subject })
          .execute()
      })
    },

    /** The theme group answers PMG's request (a member of the group, or an officer), once. */
    answer(tenant: Tenant, actor: Actor, id: string, requestId: string, ifMatch: string | undefined, answer: string) {
      return step(tenant, actor, id, ifMatch, async (trx, round) => {
        refuseIssued(round)
        const request = await trx
          .selectFrom('roundRequest')
          .select(['id', 'groupId', 'answeredAt'])
          .where('partnershipId', '=', tenant.id)
          .where('roundId', '=', id)
          .where('id', '=', requestId)
          .executeTakeFirst()
        if (request === undefined) throw notFound('request')
        await requireGroupOrOfficer(trx, tenant.id, actor, request.groupId, "answer PMG's request")
        if (request.answeredAt !== null)
          throw new DomainError(
            'ROUND.REQUEST_ANSWERED',
            'conflict',
            `This request was answered on ${request.answeredAt.toISOString()}.`,
          )
        await trx
          .updateTable('roundRequest')
          .set({
            answer,
            answeredBy: actor.subject,
            answeredAt: sql<Date>`now()`,
            version: sql`version + 1`,
            updatedAt: sql`now()`,
          })
          .where('partnershipId', '=', tenant.id)
          .where('id', '=', requestId)
          .execute()
      })
    },

    /**
     * The Strategic Group responds to an issued exception (accepted, further support required, raise at a
     * county board), optionally with a follow-up request to the PMG chair due by a date.
     */
    async respond(
      tenant: Tenant,
      actor: Actor,
      id: string,
      key: { indicatorId: string; areaId: string },
      ifMatch: string | undefined,
      body: {
        response: StrategicResponse
        note?: string | null
        followUp?: string | null
        followUpDueOn?: string | null
      },
    ) {
      await requireStrategic(db, tenant.id, actor)
      const issued = await issuedOf(db, tenant.id, id)
      if (issued === undefined) {
        if ((await findRound(db, tenant.id, id)) === undefined) throw roundNotFound()
        throw new DomainError(
          'ROUND.NOT_YET_ISSUED',
          'conflict',
          'The Strategic Group responds to an issued report: this round has not been issued yet.',
        )
      }
      const items = issued.exceptions.priorities.flatMap((p) => (p as { items: IssuedItem[] }).items)
      if (!items.some((i) => i.indicator.id === key.indicatorId && i.area.id === key.areaId))
        throw new DomainError(
          'ROUND.RESPONSE',
          'unprocessable',
          'The Strategic Group responds to the exceptions issued to it: this indicator and area is not one.',
          [{ field: 'path', message: 'is not an issued exception of this round' }],
        )
      const followUp = body.followUp ?? null
      const followUpDueOn = body.followUpDueOn ?? null
      if ((followUp === null) !== (followUpDueOn === null))
        throw new DomainError('ROUND.RESPONSE', 'unprocessable', 'A follow-up request has a due date, and only then.', [
          followUp === null
            ? { field: 'body.followUp', message: 'is required with followUpDueOn' }
            : { field: 'body.followUpDueOn', message: 'is required with followUp' },
        ])
      const values = { response: body.response, note: body.note ?? null, followUp, followUpDueOn }
      return step(tenant, actor, id, ifMatch, async (trx) => {
        const answered = await trx
          .selectFrom('strategicResponse')
          .select('answeredAt')
          .where('partnershipId', '=', tenant.id)
          .where('roundId', '=', id)
          .where('indicatorId', '=', key.indicatorId)
          .where('areaId', '=', key.areaId)
          .executeTakeFirst()
        if (answered?.answeredAt != null)
          throw new DomainError(
            'ROUND.FOLLOW_UP_ANSWERED',
            'conflict',
            'PMG has answered the follow-up to this response: it stands as answered.',
          )
        await trx
          .insertInto('strategicResponse')
          .values({ partnershipId: tenant.id, roundId: id, ...key, ...values, respondedBy: actor.subject })
          .onConflict((oc) =>
            oc.columns(['partnershipId', 'roundId', 'indicatorId', 'areaId']).doUpdateSet({
              ...values,
              respondedBy: actor.subject,
              version: sql`strategic_response.version + 1`,
              updatedAt: sql`now()`,
            }),
          )
          .execute()
      })
    },

    /** The PMG chair (a PMG member) answers an earlier round's follow-up request in this round. */
    answerFollowUp(
      tenant: Tenant,
      actor: Actor,
      id: string,
      responseId: string,
      ifMatch: string | undefined,
      answer: string,
    ) {
      return step(tenant, actor, id, ifMatch, async (trx, round) => {
        await requirePmg(trx, tenant.id, actor, "answers the Strategic Group's follow-up")
        const asked = await trx
          .selectFrom('strategicResponse')
          .innerJoin('reportingRound', (j) =>
            j
              .onRef('reportingRound.partnershipId', '=', 'strategicResponse.partnershipId')
              .onRef('reportingRound.id', '=', 'strategicResponse.roundId'),
          )
          .select(['strategicResponse.followUp', 'strategicResponse.answeredAt', 'reportingRound.periodStart'])
          .where('strategicResponse.partnershipId', '=', tenant.id)
          .where('strategicResponse.id', '=', responseId)
          .executeTakeFirst()
        if (asked === undefined || asked.followUp === null) throw notFound('follow-up')
        if (asked.periodStart >= round.periodStart)
          throw new DomainError(
            'ROUND.FOLLOW_UP_ROUND',
            'unprocessable',
            "A follow-up is answered in a later round than the one it was asked in: open the next period's round.",
          )
        if (asked.answeredAt !== null)
          throw new DomainError(
            'ROUND.FOLLOW_UP_ANSWERED',
            'conflict',
            `This follow-up was answered on ${asked.answeredAt.toISOString()}.`,
          )
        await trx
          .updateTable('strategicResponse')
          .set({
            answer,
            answeredInRoundId: id,
            answeredBy: actor.subject,
            answeredAt: sql<Date>`now()`,
            version: sql`version + 1`,
            updatedAt: sql`now()`,
          })
          .where('partnershipId', '=', tenant.id)
          .where('id', '=', responseId)
          .execute()
      })
    },

    /**
     * What moved since issue: the same curated reports now, beside the issued ones, item by item (figure,
     * target, RAG, flags), with the figures written since for each item that moved.
     */
    async changes(tenant: Tenant, id: string) {
      const round = await findRound(db, tenant.id, id)
      if (round === undefined) throw roundNotFound()
      const issued = await issuedOf(db, tenant.id, id)
      if (issued === undefined)
        throw new DomainError('ROUND.NOT_ISSUED', 'not-found', 'This round has not been issued yet: nothing moved.')
      const now = await evaluation.curatedReports(
        tenant,
        round.period,
        issued.performance.asOf,
        await selectionsOf(db, tenant.id, id),
      )
      const flat = (priorities: ReadonlyArray<{ items: ReadonlyArray<unknown> }>) =>
        new Map(
          priorities.flatMap((p) => p.items as IssuedItem[]).map((i) => [`${i.indicator.id}|${i.area.id}`, i] as const),
        )
      const before = flat(issued.performance.priorities)
      const after = flat(now.performance.priorities)
      const moved = (item: IssuedItem | undefined) =>
        item === undefined
          ? null
          : {
              actual: item.evaluation.comparison.actual,
              target: item.evaluation.comparison.target,
              rag: item.evaluation.rag,
              flags: item.evaluation.flags.map((f) => f.flag).sort(),
            }
      const keys = [...new Set([...before.keys(), ...after.keys()])]
      const differing = keys.filter((k) => JSON.stringify(moved(before.get(k))) !== JSON.stringify(moved(after.get(k))))
      const written = await revisionsSince(db, tenant.id, issued.issuedAt, round.periodEnd)
      return {
        roundId: id,
        period: round.period,
        issuedAt: issued.issuedAt,
        items: differing.map((k) => {
          const item = (after.get(k) ?? before.get(k))!
          return {
            indicator: {
              id: item.indicator.id,
              reference: item.indicator.reference,
              name: item.indicator.name,
            },
            area: { id: item.area.id, code: item.area.code, name: item.area.name },
            issued: moved(before.get(k)),
            now: moved(after.get(k)),
            revisions: written.filter((w) => w.indicatorId === item.indicator.id && w.areaId === item.area.id),
          }
        }),
      }
    },

    /**
     * The committee pack's content: the issued report as issued, each exception's trend chart as the
     * figures stood at issue (knownAt), and the titles of the actions PMG named.
     */
    async packModel(tenant: Tenant, id: string): Promise<PackModel> {
      const round = await findRound(db, tenant.id, id)
      if (round === undefined) throw roundNotFound()
      const issued = await issuedOf(db, tenant.id, id)
      if (issued === undefined)
        throw new DomainError('ROUND.NOT_ISSUED', 'not-found', 'This round has not been issued yet: no pack to print.')
      const groups = (priorities: ReadonlyArray<{ priority?: unknown; items: ReadonlyArray<unknown> }>) =>
        priorities.map((p) => ({
          priority: (p.priority as { name: string }).name,
          items: p.items as PackItem[],
        }))
      const exceptions = groups(issued.exceptions.priorities as Array<{ items: unknown[] }>)
      const items = exceptions.flatMap((g) => g.items)
      const charts = new Map<string, string>()
      for (const item of items) {
        const series = await evaluation
          .series(
            tenant,
            item.indicator.id,
            item.area.id,
            { to: item.evaluation.evaluatedPeriod },
            issued.performance.asOf,
            issued.issuedAt,
          )
          // An indicator or area archived since has no series to draw: its entry stands without a chart.
          .catch((err: unknown) => {
            if (err instanceof DomainError && err.kind === 'not-found') return null
            throw err
          })
        if (series !== null) charts.set(`${item.indicator.id}|${item.area.id}`, seriesChart(series))
      }
      const named = items.flatMap((i) => (i.selection?.actionId == null ? [] : [i.selection.actionId]))
      const actions =
        named.length === 0
          ? []
          : await db
              .selectFrom('actionItem')
              .select(['id', 'reference', 'title'])
              .where('partnershipId', '=', tenant.id)
              .where('id', 'in', named)
              .execute()
      const { name } = await db
        .selectFrom('partnership')
        .select('name')
        .where('id', '=', tenant.id)
        .executeTakeFirstOrThrow()
      return {
        partnership: name,
        period: round.period,
        pmgMeetingOn: round.pmgMeetingOn,
        strategicMeetingOn: round.strategicMeetingOn,
        issuedAt: issued.issuedAt,
        issuedBy: issued.issuedBy,
        missingReturnsReason: round.missingReturnsReason,
        exceptions,
        dataIssues: issued.exceptions.dataIssues.flatMap((p) => (p as { items: unknown[] }).items).length,
        dropped: issued.exceptions.dropped.flatMap((p) => (p as { items: unknown[] }).items).length,
        performance: groups(issued.performance.priorities),
        charts,
        actionTitles: new Map(actions.map((a) => [a.id, `${a.reference === null ? '' : `${a.reference} `}${a.title}`])),
      }
    },

    /** The issued report, as it was issued. */
    async report(tenant: Tenant, id: string) {
      const round = await findRound(db, tenant.id, id)
      if (round === undefined) throw roundNotFound()
      const issued = await issuedOf(db, tenant.id, id)
      if (issued === undefined)
        throw new DomainError(
          'ROUND.NOT_ISSUED',
          'not-found',
          'This round has not been issued yet: see its exceptions as curated so far.',
        )
      return { roundId: id, period: round.period, ...issued }
    },
  }
}

async function returnOf(db: Db, partnershipId: string, roundId: string, groupId: string) {
  const ret = await db
    .selectFrom('roundReturn')
    .select(['id', 'submittedAt'])
    .where('partnershipId', '=', partnershipId)
    .where('roundId', '=', roundId)
    .where('groupId', '=', groupId)
    .executeTakeFirst()
  if (ret === undefined) throw notFound('return')
  return ret
}

interface IssuedItem {
  indicator: { id: string; reference: string; name: string }
  area: { id: string; code: string | null; name: string }
  evaluation: {
    rag: string
    comparison: { actual: number | null; target: number | null }
    flags: Array<{ flag: string }>
  }
}

/**
 * Every figure written (or deleted) since a time for periods up to a day: the measurements' current
 * values set since, and the deletions since, oldest first.
 */
async function revisionsSince(db: Db, partnershipId: string, since: Date, upTo: string) {
  const [current, replaced, deleted] = await Promise.all([
    db
      .selectFrom('measurement')
      .select(['indicatorId', 'areaId', 'period', 'value', 'sentBy', 'valueSince as at'])
      .where('partnershipId', '=', partnershipId)
      .where('valueSince', '>', since)
      .where('periodStart', '<=', upTo)
      .execute(),
    db
      .selectFrom('measurementRevision')
      .select(['indicatorId', 'areaId', 'period', 'value', 'sentBy', 'valueSince as at'])
      .where('partnershipId', '=', partnershipId)
      .where('valueSince', '>', since)
      .where('periodStart', '<=', upTo)
      .execute(),
    db
      .selectFrom('measurementRevision')
      .select([
        'indicatorId',
        'areaId',
        'period',
        sql<string | null>`null`.as('value'),
        sql<string>`deleted_by`.as('sentBy'),
        sql<Date>`deleted_at`.as('at'),
      ])
      .where('partnershipId', '=', partnershipId)
      .where('deletedAt', '>', since)
      .where('periodStart', '<=', upTo)
      .execute(),
  ])
  return [...current, ...replaced, ...deleted].sort((a, b) => a.at.getTime() - b.at.getTime())
}

async function issuedOf(db: Db, partnershipId: string, roundId: string) {
  const row = await db
    .selectFrom('issuedReport')
    .select(['issuedAt', 'issuedBy', 'exceptions', 'performance'])
    .where('partnershipId', '=', partnershipId)
    .where('roundId', '=', roundId)
    .executeTakeFirst()
  if (row === undefined) return undefined
  // Stored as issued, from the reports' own shapes. A report issued before targets said what they are
  // judged on was judged on the year to date, and says so.
  const performance = row.performance as Static<typeof IssuedReportSchema>['performance']
  for (const group of performance.priorities)
    for (const item of group.items) (item.evaluation as Judgement).comparison.basis ??= 'year_to_date'
  return { ...row, exceptions: row.exceptions as Static<typeof CuratedReportSchema>, performance }
}
