import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { Office } from '../../domain/actions/context.js'
import type { BidState } from '../../domain/funding/index.js'
import type { TableSpec } from '../resource/resource.repository.js'

export const streamSpec: TableSpec<'fundingStream'> = {
  table: 'fundingStream',
  type: 'funding stream',
  columns: ['name', 'funder', 'financialYear', 'totalPence', 'accountableBody', 'notes'],
  sorts: { name: 'name', createdAt: 'createdAt' },
  search: 'name',
}

export const allocationSpec: TableSpec<'fundingAllocation'> = {
  table: 'fundingAllocation',
  type: 'allocation',
  columns: ['streamId', 'description', 'amountPence', 'priorityId', 'actionItemId', 'contingency'],
  sorts: { createdAt: 'createdAt', description: 'description', amountPence: 'amountPence' },
  search: 'description',
  parent: { column: 'streamId', param: 'streamId', table: 'fundingStream', type: 'funding stream' },
}

export const bidSpec: TableSpec<'fundingBid'> = {
  table: 'fundingBid',
  type: 'bid',
  columns: [
    'streamId',
    'allocationId',
    'applicant',
    'applicantAgencyId',
    'amountPence',
    'title',
    'description',
    'priorityId',
    'outcomes',
    'actionItemId',
    'groupId',
    'attachments',
    'state',
    'evaluationDueOn',
    'mainstreaming',
    'mainstreamingReason',
  ],
  sorts: { createdAt: 'createdAt', title: 'title', amountPence: 'amountPence', updatedAt: 'updatedAt' },
  search: 'title',
}

const bidParent = { column: 'bidId', param: 'bidId', table: 'fundingBid', type: 'bid' } as const

export const evaluationSpec: TableSpec<'fundingEvaluation'> = {
  table: 'fundingEvaluation',
  type: 'evaluation',
  columns: ['bidId', 'evaluatedOn', 'summary', 'outcomeFigures', 'author'],
  sorts: { evaluatedOn: 'evaluatedOn', createdAt: 'createdAt' },
  search: 'summary',
  parent: bidParent,
  links: [
    {
      field: 'indicatorIds',
      table: 'fundingEvaluationIndicator',
      owner: 'evaluationId',
      column: 'indicatorId',
      target: 'indicator',
      filter: 'indicatorId',
    },
  ],
}

export const paymentSpec: TableSpec<'fundingPayment'> = {
  table: 'fundingPayment',
  type: 'payment',
  columns: ['bidId', 'paidOn', 'amountPence', 'reference'],
  sorts: { paidOn: 'paidOn', createdAt: 'createdAt' },
  search: 'reference',
  parent: bidParent,
}

const total = (column: string) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)::bigint`

/** Takes the row's lock, so that sums drawn on it are checked one write at a time. */
export function lockRow(
  trx: Db,
  table: 'fundingStream' | 'fundingAllocation' | 'fundingBid',
  partnershipId: string,
  id: string,
) {
  return trx
    .selectFrom(table)
    .select('id')
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

/** The sum of a stream's allocations, leaving one out (the one being changed). */
export async function allocatedOn(trx: Db, partnershipId: string, streamId: string, except?: string) {
  let query = trx
    .selectFrom('fundingAllocation')
    .select(total('amountPence').as('pence'))
    .where('partnershipId', '=', partnershipId)
    .where('streamId', '=', streamId)
  if (except !== undefined) query = query.where('id', '<>', except)
  return (await query.executeTakeFirstOrThrow()).pence
}

/** Approved bids on an allocation (or on a stream). */
export async function committedOn(trx: Db, partnershipId: string, on: { allocationId: string } | { streamId: string }) {
  let query = trx
    .selectFrom('fundingBid')
    .select(total('amountPence').as('pence'))
    .where('partnershipId', '=', partnershipId)
    .where('state', '=', 'approved')
  query =
    'allocationId' in on ? query.where('allocationId', '=', on.allocationId) : query.where('streamId', '=', on.streamId)
  return (await query.executeTakeFirstOrThrow()).pence
}

export async function paidOn(trx: Db, partnershipId: string, bidId: string, except?: string) {
  let query = trx
    .selectFrom('fundingPayment')
    .select(total('amountPence').as('pence'))
    .where('partnershipId', '=', partnershipId)
    .where('bidId', '=', bidId)
  if (except !== undefined) query = query.where('id', '<>', except)
  return (await query.executeTakeFirstOrThrow()).pence
}

export function findById<T extends 'fundingStream' | 'fundingAllocation' | 'partnershipGroup'>(
  db: Db,
  table: T,
  partnershipId: string,
  id: string,
) {
  return db
    .selectFrom(table as 'partnershipGroup')
    .selectAll()
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst()
}

export function fundingThreshold(db: Db, partnershipId: string) {
  return db
    .selectFrom('partnership')
    .select('fundingThresholdPence')
    .where('id', '=', partnershipId)
    .executeTakeFirstOrThrow()
}

export function recordDecision(
  trx: Db,
  decision: {
    partnershipId: string
    bidId: string
    action: string
    stage: string
    fromState: BidState
    toState: BidState
    actor: string
    offices: Office[]
    groupId: string | null
    reason: string | null
    amountPence: number
    decidedOn: string
  },
) {
  return trx.insertInto('fundingDecision').values(decision).returningAll().executeTakeFirstOrThrow()
}

const DECISION_COLUMNS = [
  'id',
  'bidId',
  'action',
  'stage',
  'fromState',
  'toState',
  'actor',
  'offices',
  'groupId',
  'reason',
  'amountPence',
  'decidedOn',
  'recordedAt',
] as const

/** The officers' approvals of a bid so far. */
export function officerApprovals(trx: Db, partnershipId: string, bidId: string) {
  return trx
    .selectFrom('fundingDecision')
    .select(['actor', 'offices'])
    .where('partnershipId', '=', partnershipId)
    .where('bidId', '=', bidId)
    .where('stage', '=', 'officers')
    .where('action', '=', 'approve')
    .execute()
}

export function decisionsOf(db: Db, partnershipId: string, bidId: string) {
  return db
    .selectFrom('fundingDecision')
    .select(DECISION_COLUMNS)
    .where('partnershipId', '=', partnershipId)
    .where('bidId', '=', bidId)
    .orderBy('decidedOn')
    .orderBy('recordedAt')
    .orderBy('id')
    .execute()
}

/** The date of a bid's latest step: a step is never dated before the one it follows. */
export async function lastDecidedOn(trx: Db, partnershipId: string, bidId: string): Promise<string | null> {
  const row = await trx
    .selectFrom('fundingDecision')
    .select((eb) => eb.fn.max('decidedOn').as('decidedOn'))
    .where('partnershipId', '=', partnershipId)
    .where('bidId', '=', bidId)
    .executeTakeFirst()
  return row?.decidedOn ?? null
}

/** Every decision in a date range, with its bid's title and group's name (seed 002 stage 4). */
export function decisionsBetween(db: Db, partnershipId: string, from: string, to: string) {
  return db
    .selectFrom('fundingDecision')
    .innerJoin('fundingBid', 'fundingBid.id', 'fundingDecision.bidId')
    .leftJoin('partnershipGroup', 'partnershipGroup.id', 'fundingDecision.groupId')
    .select([
      ...DECISION_COLUMNS.map((c) => `fundingDecision.${c}` as const),
      'fundingBid.title as bidTitle',
      'partnershipGroup.name as groupName',
    ])
    .where('fundingDecision.partnershipId', '=', partnershipId)
    .where('fundingDecision.decidedOn', '>=', from)
    .where('fundingDecision.decidedOn', '<=', to)
    .orderBy('fundingDecision.decidedOn')
    .orderBy('fundingDecision.recordedAt')
    .orderBy('fundingDecision.id')
    .execute()
}

/** Approved bids whose evaluation was due before a date, with the first evaluation recorded for each. */
export function evaluationsDue(db: Db, partnershipId: string, asOf: string) {
  return db
    .selectFrom('fundingBid')
    .leftJoin('fundingEvaluation', (join) =>
      join.onRef('fundingEvaluation.bidId', '=', 'fundingBid.id').on('fundingEvaluation.archived', '=', false),
    )
    .select([
      'fundingBid.id',
      'fundingBid.title',
      'fundingBid.applicantAgencyId',
      'fundingBid.state',
      'fundingBid.evaluationDueOn',
      (eb) => eb.fn.min('fundingEvaluation.evaluatedOn').as('firstEvaluatedOn'),
    ])
    .where('fundingBid.partnershipId', '=', partnershipId)
    .where('fundingBid.state', '=', 'approved')
    .where('fundingBid.evaluationDueOn', '<', asOf)
    .groupBy('fundingBid.id')
    .execute()
}

/** A stream statement's figures: each allocation's committed and spent sums, and bids by state. */
export async function statementFigures(db: Db, partnershipId: string, streamId: string) {
  const [allocations, spent, byState] = await Promise.all([
    db
      .selectFrom('fundingAllocation')
      .leftJoin('fundingBid', (join) =>
        join.onRef('fundingBid.allocationId', '=', 'fundingAllocation.id').on('fundingBid.state', '=', 'approved'),
      )
      .select([
        'fundingAllocation.id',
        'fundingAllocation.description',
        'fundingAllocation.contingency',
        'fundingAllocation.amountPence',
        total('fundingBid.amountPence').as('committedPence'),
      ])
      .where('fundingAllocation.partnershipId', '=', partnershipId)
      .where('fundingAllocation.streamId', '=', streamId)
      .groupBy('fundingAllocation.id')
      .orderBy('fundingAllocation.createdAt')
      .orderBy('fundingAllocation.id')
      .execute(),
    db
      .selectFrom('fundingPayment')
      .innerJoin('fundingBid', 'fundingBid.id', 'fundingPayment.bidId')
      .select(['fundingBid.allocationId', total('fundingPayment.amountPence').as('spentPence')])
      .where('fundingPayment.partnershipId', '=', partnershipId)
      .where('fundingBid.streamId', '=', streamId)
      .groupBy('fundingBid.allocationId')
      .execute(),
    db
      .selectFrom('fundingBid')
      .select(['state', sql<number>`count(*)::bigint`.as('count'), total('amountPence').as('amountPence')])
      .where('partnershipId', '=', partnershipId)
      .where('streamId', '=', streamId)
      .groupBy('state')
      .orderBy('state')
      .execute(),
  ])
  return { allocations, spent, byState }
}
