import type { Db } from '../../db/client.js'
import { requireAuthor, type Actor } from '../../domain/access.js'
import type { Office } from '../../domain/actions/context.js'
import { DomainError, notFound } from '../../domain/errors.js'
import {
  allowedActions,
  DECIDING_OFFICES,
  evaluationOverdue,
  holderNames,
  independentDeciders,
  ledger,
  officersAgree,
  requireDecisionDay,
  requireWithin,
  routeFor,
  stepFor,
  type BidAction,
  type BidState,
  type Holder,
  type Mainstreaming,
  type Stage,
} from '../../domain/funding/index.js'
import { pounds } from '../../domain/money.js'
import { dateRange, parsePeriod, requireDone } from '../../domain/periods.js'
import { today } from '../../http/clock.js'
import { recordEvent } from '../events/events.repository.js'
import { recordAudit } from '../audit/audit.repository.js'
import { findRecord, updateRecord, type Row, type Scope, type Values } from '../resource/resource.repository.js'
import { checkIfMatchWhenSent, createResourceService, withView, type WriteHooks } from '../resource/resource.service.js'
import {
  allocatedOn,
  allocationSpec,
  bidSpec,
  committedOn,
  decisionsBetween,
  decisionsOf,
  evaluationSpec,
  evaluationsDue,
  findById,
  fundingThreshold,
  lastDecidedOn,
  lockRow,
  officerApprovals,
  paidOn,
  paymentSpec,
  recordDecision,
  statementFigures,
  streamSpec,
} from './funding.repository.js'
import { holdersOn, membershipsIn, officeHolders } from '../groups/groups.repository.js'

const conflict = (code: string, detail: string) => new DomainError(code, 'conflict', detail)
const forbidden = (code: string, detail: string) => new DomainError(code, 'forbidden', detail)

async function requireStream(trx: Db, partnershipId: string, id: string) {
  const stream = await findById(trx, 'fundingStream', partnershipId, id)
  if (stream === undefined) throw notFound('funding stream')
  return stream as unknown as Row<'fundingStream'>
}

const streamHooks: WriteHooks<'fundingStream'> = {
  async beforeWrite(trx, scope, values, existing) {
    const settled = { ...values }
    if (values.financialYear !== undefined) {
      const year = parsePeriod(values.financialYear, scope.yearStartMonth, 'body.financialYear')
      if (year.kind !== 'financial_year')
        throw new DomainError('FUNDING.YEAR', 'validation', 'A stream is for a financial year: send FY2010-11.', [
          { field: 'body.financialYear', message: 'must be a financial year (FY2010-11)' },
        ])
      settled.financialYear = year.key
    }
    // The row is locked by the update, so no allocation can be written meanwhile.
    if (existing !== undefined && values.totalPence !== undefined) {
      const allocated = await allocatedOn(trx, scope.partnershipId, existing.id)
      if (values.totalPence < allocated)
        throw conflict(
          'FUNDING.OVER_TOTAL',
          `The stream's allocations already come to ${pounds(allocated)}: reduce them before the total.`,
        )
    }
    return settled
  },
}

const allocationHooks: WriteHooks<'fundingAllocation'> = {
  // Allocations never take a stream past its total: the stream's lock serialises every allocation write.
  async beforeWrite(trx, scope, values, existing) {
    const streamId = scope.parentId!
    await lockRow(trx, 'fundingStream', scope.partnershipId, streamId)
    const stream = await requireStream(trx, scope.partnershipId, streamId)
    const amount = values.amountPence ?? existing!.amountPence
    const others = await allocatedOn(trx, scope.partnershipId, streamId, existing?.id)
    requireWithin({ pence: stream.totalPence, what: `the stream "${stream.name}"` }, others, amount, {
      code: 'FUNDING.OVER_TOTAL',
      field: 'body.amountPence',
    })
    if (existing !== undefined) {
      const committed = await committedOn(trx, scope.partnershipId, { allocationId: existing.id })
      if (amount < committed)
        throw conflict(
          'FUNDING.BELOW_COMMITTED',
          `Approved bids already draw ${pounds(committed)} on this allocation: it cannot be less.`,
        )
    }
    return values
  },
}

/** The stream a bid's allocation belongs to, and a check that its group is a delivery group. */
async function settleBid(trx: Db, partnershipId: string, values: Row<'fundingBid'> | Record<string, unknown>) {
  const settled: Record<string, unknown> = {}
  if (values.allocationId !== undefined) {
    const allocation = await findById(trx, 'fundingAllocation', partnershipId, values.allocationId as string)
    if (allocation === undefined)
      throw new DomainError('BID.REFERENCE', 'unprocessable', 'The allocation does not exist in this partnership.', [
        { field: 'body.allocationId', message: 'does not exist in this partnership' },
      ])
    settled.streamId = (allocation as unknown as Row<'fundingAllocation'>).streamId
  }
  if (values.groupId !== undefined) {
    const group = await findById(trx, 'partnershipGroup', partnershipId, values.groupId as string)
    if (group?.kind !== 'delivery')
      throw new DomainError('BID.GROUP', 'unprocessable', 'A bid goes to a delivery group of this partnership.', [
        { field: 'body.groupId', message: 'must name a group of kind delivery' },
      ])
  }
  return settled
}

const EDITABLE: readonly BidState[] = ['draft', 'returned']

const bidHooks: WriteHooks<'fundingBid'> = {
  // The applicant is whoever the token says; a bid is edited by its applicant while it is a draft or returned.
  async beforeWrite(trx, scope, values, existing, actor) {
    if (existing !== undefined) {
      if (!EDITABLE.includes(existing.state))
        throw conflict('BID.TRANSITION', `A ${existing.state} bid cannot be edited; a draft or a returned one can.`)
      if (existing.applicant !== actor.subject)
        throw forbidden('BID.NOT_APPLICANT', "Only the bid's applicant may change it.")
    }
    const settled = await settleBid(trx, scope.partnershipId, values)
    return { ...values, ...settled, ...(existing === undefined ? { applicant: actor.subject, state: 'draft' } : {}) }
  },
  async beforeDelete(_trx, _scope, existing, actor) {
    if (existing.state !== 'draft')
      throw conflict('BID.TRANSITION', `A ${existing.state} bid is kept with its history: withdraw it instead.`)
    if (existing.applicant !== actor.subject && actor.role !== 'admin')
      throw forbidden('BID.NOT_APPLICANT', "Only the bid's applicant or an admin may delete it.")
  },
}

async function requireFunded(trx: Db, scope: Scope) {
  const bid = await findRecord(trx, bidSpec, { ...scope, parentId: undefined } as Scope, scope.parentId!, true)
  if (bid === undefined) throw notFound('bid')
  if (bid.state !== 'approved')
    throw conflict('BID.NOT_FUNDED', `A ${bid.state} bid has no funding to evaluate or pay: only approved bids do.`)
  return bid
}

const evaluationHooks: WriteHooks<'fundingEvaluation'> = {
  async beforeWrite(trx, scope, values, existing, actor) {
    if (existing !== undefined) {
      requireAuthor({ author: existing.author, what: 'evaluation', code: 'EVALUATION.NOT_AUTHOR' }, actor, 'change')
      return values
    }
    await requireFunded(trx, scope)
    return { ...values, author: actor.subject }
  },
  async beforeDelete(_trx, _scope, existing, actor) {
    requireAuthor({ author: existing.author, what: 'evaluation', code: 'EVALUATION.NOT_AUTHOR' }, actor, 'delete')
  },
}

const paymentHooks: WriteHooks<'fundingPayment'> = {
  // Payments never pass the amount approved: the bid's lock serialises them.
  async beforeWrite(trx, scope, values, existing) {
    if (values.paidOn !== undefined) requireDone(values.paidOn, today(), 'body.paidOn', 'A payment')
    const bid = await requireFunded(trx, scope)
    const paid = await paidOn(trx, scope.partnershipId, bid.id, existing?.id)
    requireWithin({ pence: bid.amountPence, what: 'the bid' }, paid, values.amountPence ?? existing!.amountPence, {
      code: 'FUNDING.OVERPAID',
      field: 'body.amountPence',
    })
    return values
  },
}

export type BidFlag = 'evaluation_overdue' | 'agency_evaluation_overdue' | 'no_independent_decider'

type DecisionStage = Exclude<Stage, 'applicant'>
type Membership = Awaited<ReturnType<typeof holdersOn>>[number]

/** Who holds a place at a decision stage: the bid's delivery group, the Performance Group, or the officers. */
function stageHolders(memberships: readonly Membership[], bid: Row<'fundingBid'>, stage: DecisionStage): Holder[] {
  const inStage = memberships.filter((m) =>
    stage === 'delivery_group'
      ? m.groupId === bid.groupId
      : m.kind === (stage === 'officers' ? 'strategic' : 'performance'),
  )
  const bySubject = new Map<string, Holder>()
  for (const m of inStage) {
    const seen = bySubject.get(m.subject)
    const offices = [...new Set([...(seen?.offices ?? []), ...m.offices])].filter(
      (o) => stage !== 'officers' || DECIDING_OFFICES.includes(o),
    )
    bySubject.set(m.subject, { subject: m.subject, name: seen?.name ?? m.name, offices })
  }
  const holders = [...bySubject.values()]
  return stage === 'officers' ? holders.filter((h) => h.offices.length > 0) : holders
}

/** The stage whose step a bid waits for, if it waits for a decision. */
function pendingStage(state: BidState, route: 'officers' | 'performance_group'): DecisionStage | null {
  if (state === 'submitted') return 'delivery_group'
  if (state === 'supported') return route
  if (state === 'referred') return 'performance_group'
  return null
}

const STAGE_WHO: Record<DecisionStage, string> = {
  delivery_group: 'members of the delivery group the bid went to',
  performance_group: 'members of the Performance Group',
  officers: "the partnership's designated officer, chair and vice chair",
}

/** Who may take a step, by the stage it belongs to; answers the offices and group they act in. */
async function decider(
  trx: Db,
  partnershipId: string,
  bid: Row<'fundingBid'>,
  stage: 'applicant' | 'delivery_group' | 'officers' | 'performance_group',
  actor: Actor,
  on: string,
): Promise<{ offices: Office[]; groupId: string | null }> {
  if (stage === 'applicant') {
    if (bid.applicant !== actor.subject) throw forbidden('BID.NOT_APPLICANT', 'Only the applicant may do this.')
    return { offices: [], groupId: null }
  }
  if (bid.applicant === actor.subject) {
    const { others } = independentDeciders(
      stage,
      stageHolders(await holdersOn(trx, partnershipId, on), bid, stage),
      bid.applicant,
    )
    throw new DomainError(
      'BID.OWN_BID',
      'forbidden',
      `You applied for this bid, so you take no decision on it: at this stage ${STAGE_WHO[stage]} decide, and besides you they are ${holderNames(others, stage)}.`,
      [{ field: 'deciders', message: others.map((h) => h.subject).join(', ') || 'none' }],
    )
  }
  const where =
    stage === 'delivery_group'
      ? { id: bid.groupId }
      : ({ kind: stage === 'officers' ? 'strategic' : 'performance' } as const)
  const held = await membershipsIn(trx, partnershipId, actor.subject, on, where)
  const offices = [...new Set(held.flatMap((m) => m.offices))]
  const who = STAGE_WHO[stage]
  const deciding = stage === 'officers' ? offices.filter((o) => DECIDING_OFFICES.includes(o)) : offices
  if (held.length === 0 || (stage === 'officers' && deciding.length === 0))
    throw forbidden('BID.NOT_DECIDER', `At this stage only ${who} decide on the bid.`)
  return { offices: deciding, groupId: held[0]!.groupId }
}

/** The day a step says it was taken (today when it does not say), checked against the bid's previous step. */
async function decisionDay(trx: Db, partnershipId: string, bidId: string, decidedOn: string | undefined) {
  const now = today()
  const day = decidedOn ?? now
  requireDecisionDay(day, await lastDecidedOn(trx, partnershipId, bidId), now)
  return day
}

/** A step of the bid's process, told to other systems with the office holders the step says to inform. */
function bidDecided(
  trx: Db,
  scope: Scope,
  bid: Row<'fundingBid'>,
  decision: { id: string; action: string; stage: string; toState: string; reason: string | null; decidedOn: string },
  inform: ReadonlyArray<{ subject: string; name: string | null }>,
) {
  return recordEvent(trx, scope.partnershipId, 'bid.decided', {
    bidId: bid.id,
    decisionId: decision.id,
    action: decision.action,
    stage: decision.stage,
    fromState: bid.state,
    toState: decision.toState,
    amountPence: bid.amountPence,
    reason: decision.reason,
    decidedOn: decision.decidedOn,
    inform: inform.map((p) => ({ subject: p.subject, name: p.name, office: 'chair' })),
  })
}

/** Changes a bid and keeps the decision that changed it, with its audit event, in the step's transaction. */
async function decide(
  trx: Db,
  scope: Scope,
  actor: Actor,
  bid: Row<'fundingBid'>,
  change: Values<'fundingBid'>,
  decision: {
    action: string
    stage: string
    toState: BidState
    offices: Office[]
    groupId: string | null
    reason: string | null
    decidedOn: string
  },
) {
  const after = await updateRecord(trx, bidSpec, scope, bid.id, change)
  const kept = await recordDecision(trx, {
    ...decision,
    partnershipId: scope.partnershipId,
    bidId: bid.id,
    fromState: bid.state,
    actor: actor.subject,
    amountPence: bid.amountPence,
  })
  await recordAudit(trx, actor, {
    partnershipId: scope.partnershipId,
    action: 'update',
    resourceType: bidSpec.type,
    resourceId: bid.id,
    before: bid,
    after,
  })
  return { after, decision: kept }
}

export function createFundingService(db: Db) {
  const streams = createResourceService(db, streamSpec, streamHooks)
  const bids = createResourceService(db, bidSpec, bidHooks)

  /** Each bid with its route, the actions its state allows and its flags on the date. */
  async function present(scope: Scope, rows: Row<'fundingBid'>[], asOf: string) {
    const [{ fundingThresholdPence: threshold }, due, memberships] = await Promise.all([
      fundingThreshold(db, scope.partnershipId),
      evaluationsDue(db, scope.partnershipId, asOf),
      holdersOn(db, scope.partnershipId, asOf),
    ])
    const overdue = due.filter((b) => evaluationOverdue(b, asOf))
    return rows.map((row) => {
      const flags: Array<{ flag: BidFlag; reason: string }> = []
      const own = overdue.find((b) => b.id === row.id)
      if (own !== undefined)
        flags.push({ flag: 'evaluation_overdue', reason: `evaluation was due by ${own.evaluationDueOn}` })
      const agencies = overdue.filter(
        (b) => row.applicantAgencyId !== null && b.applicantAgencyId === row.applicantAgencyId && b.id !== row.id,
      )
      if (agencies.length > 0)
        flags.push({
          flag: 'agency_evaluation_overdue',
          reason: `the agency has not evaluated ${agencies.map((b) => `"${b.title}" (due ${b.evaluationDueOn})`).join(', ')}`,
        })
      const route = routeFor(row.amountPence, threshold)
      const stage = pendingStage(row.state, route)
      if (stage !== null) {
        const { others, enough } = independentDeciders(stage, stageHolders(memberships, row, stage), row.applicant)
        if (!enough)
          flags.push({
            flag: 'no_independent_decider',
            reason: `blocked: ${STAGE_WHO[stage]} decide next, and besides the applicant they are ${holderNames(others, stage)}; appoint someone else to take the step`,
          })
      }
      const facts = { state: row.state, amountPence: row.amountPence, thresholdPence: threshold }
      return {
        ...row,
        route,
        allowedActions: allowedActions(facts),
        flags,
      }
    })
  }

  return {
    streams,
    allocations: createResourceService(db, allocationSpec, allocationHooks),
    evaluations: createResourceService(db, evaluationSpec, evaluationHooks),
    payments: createResourceService(db, paymentSpec, paymentHooks),
    bids: withView(bids, present, {
      keys: ['flag'],
      wanted: (row, { flag }) => flag === undefined || row.flags.some((f) => f.flag === flag),
    }),

    /**
     * Takes one step of the process (states.ts), checking who may take it, recording the decision and,
     * on approval, committing the amount against the allocation under its lock.
     */
    async transition(
      scope: Scope,
      actor: Actor,
      id: string,
      action: BidAction,
      body: { reason?: string; evaluationDueOn?: string; decidedOn?: string },
      ifMatch: string | undefined,
    ) {
      const done = await db.transaction().execute(async (trx) => {
        const bid = await findRecord(trx, bidSpec, scope, id, true)
        if (bid === undefined) throw notFound('bid')
        checkIfMatchWhenSent(ifMatch, bid.version)
        const { fundingThresholdPence } = await fundingThreshold(trx, scope.partnershipId)
        const reason = body.reason ?? null
        const step = stepFor(
          { state: bid.state, amountPence: bid.amountPence, thresholdPence: fundingThresholdPence },
          action,
          reason,
        )
        // Offices are held on the day of the decision, not the day it was entered.
        const on = await decisionDay(trx, scope.partnershipId, id, body.decidedOn)
        const { offices, groupId } = await decider(trx, scope.partnershipId, bid, step.stage, actor, on)
        let to = step.to
        if (step.stage === 'officers' && action === 'approve') {
          const approvals = await officerApprovals(trx, scope.partnershipId, id)
          if (approvals.some((a) => a.actor === actor.subject))
            throw conflict('BID.ALREADY_DECIDED', 'You have already approved this bid.')
          const all = [
            ...approvals.map((a) => ({ subject: a.actor, offices: a.offices })),
            { subject: actor.subject, offices },
          ]
          to = officersAgree(all) ? 'approved' : 'supported'
        }
        let evaluationDueOn: string | null = bid.evaluationDueOn
        if (to === 'approved') {
          await lockRow(trx, 'fundingAllocation', scope.partnershipId, bid.allocationId)
          const allocation = (await findById(
            trx,
            'fundingAllocation',
            scope.partnershipId,
            bid.allocationId,
          )) as unknown as Row<'fundingAllocation'>
          const committed = await committedOn(trx, scope.partnershipId, { allocationId: bid.allocationId })
          requireWithin(
            { pence: allocation.amountPence, what: `the allocation "${allocation.description}"` },
            committed,
            bid.amountPence,
            { code: 'FUNDING.INSUFFICIENT', field: 'amountPence' },
          )
          const stream = await requireStream(trx, scope.partnershipId, bid.streamId)
          evaluationDueOn =
            body.evaluationDueOn ?? dateRange(parsePeriod(stream.financialYear, scope.yearStartMonth)).end
        }
        const { after, decision } = await decide(
          trx,
          scope,
          actor,
          bid,
          { state: to, evaluationDueOn },
          {
            action,
            stage: step.stage,
            toState: to,
            offices,
            groupId,
            reason,
            decidedOn: on,
          },
        )
        const inform =
          step.stage === 'performance_group' && to === 'rejected'
            ? await officeHolders(trx, scope.partnershipId, bid.groupId, 'chair', today())
            : []
        await bidDecided(trx, scope, bid, decision, inform)
        return { bid: { ...bid, ...after }, decision, inform }
      })
      // Worked out once the transaction is over, so that a step holds one connection at a time.
      return { ...done, bid: (await present(scope, [done.bid], today()))[0]! }
    },

    /** Seed 002: at year end each funded project is considered for mainstreaming; the decision is kept. */
    async mainstreaming(
      scope: Scope,
      actor: Actor,
      id: string,
      body: { decision: Mainstreaming; reason: string; decidedOn?: string },
    ) {
      const done = await db.transaction().execute(async (trx) => {
        const bid = await requireFunded(trx, { ...scope, parentId: id })
        const decidedOn = await decisionDay(trx, scope.partnershipId, id, body.decidedOn)
        const { after, decision } = await decide(
          trx,
          scope,
          actor,
          bid,
          { mainstreaming: body.decision, mainstreamingReason: body.reason },
          {
            action: body.decision,
            stage: 'year_end',
            toState: bid.state,
            offices: [],
            groupId: null,
            reason: body.reason,
            decidedOn,
          },
        )
        await bidDecided(trx, scope, bid, decision, [])
        return { bid: { ...bid, ...after }, decision }
      })
      return { ...done, bid: (await present(scope, [done.bid], today()))[0]!, inform: [] }
    },

    async decisions(scope: Scope, id: string) {
      await bids.get(scope, id)
      return { items: await decisionsOf(db, scope.partnershipId, id) }
    },

    async decisionsReport(scope: Scope, from: string, to: string) {
      if (to < from)
        throw new DomainError('REPORT.RANGE', 'validation', 'The range runs forwards.', [
          { field: 'querystring.to', message: 'must be on or after from' },
        ])
      const rows = await decisionsBetween(db, scope.partnershipId, from, to)
      return {
        from,
        to,
        items: rows.map(({ bidTitle, groupName, ...decision }) => ({ decision, bidTitle, groupName })),
      }
    },

    /** Allocations, bids by state, committed, spent and remaining for one stream. */
    async statement(scope: Scope, id: string) {
      const stream = await streams.get(scope, id)
      const figures = await statementFigures(db, scope.partnershipId, id)
      const spentOf = new Map(figures.spent.map((s) => [s.allocationId, s.spentPence]))
      const allocations = figures.allocations.map((a) => ({
        id: a.id,
        description: a.description,
        contingency: a.contingency,
        ledger: ledger(a.amountPence, a.committedPence, spentOf.get(a.id) ?? 0),
      }))
      const sum = (pick: (l: ReturnType<typeof ledger>) => number) =>
        allocations.reduce((n, a) => n + pick(a.ledger), 0)
      const allocated = sum((l) => l.amountPence)
      return {
        stream,
        asOf: today(),
        ledger: {
          ...ledger(
            stream.totalPence,
            sum((l) => l.committedPence),
            sum((l) => l.spentPence),
          ),
          allocatedPence: allocated,
          unallocatedPence: stream.totalPence - allocated,
        },
        allocations,
        bids: figures.byState,
      }
    },
  }
}
