import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { TableSpec } from '../resource/resource.repository.js'

export const actionSpec: TableSpec<'actionItem'> = {
  table: 'actionItem',
  type: 'action',
  columns: [
    'priorityId',
    'objectiveId',
    'groupId',
    'reference',
    'title',
    'description',
    'outputs',
    'starts',
    'ends',
    'timing',
    'startsOn',
    'endsOn',
    'leadName',
    'leadAgencyId',
    'leadTbc',
    'otherPartners',
    'resources',
    'outcomes',
    'measures',
    'status',
  ],
  sorts: { createdAt: 'createdAt', title: 'title', updatedAt: 'updatedAt' },
  search: ['title', 'reference'],
  links: [
    {
      field: 'partnerAgencyIds',
      table: 'actionItemPartner',
      owner: 'actionItemId',
      column: 'agencyId',
      target: 'agency',
      filter: 'partnerAgencyId',
    },
    {
      field: 'indicatorIds',
      table: 'actionItemIndicator',
      owner: 'actionItemId',
      column: 'indicatorId',
      target: 'indicator',
      filter: 'indicatorId',
    },
  ],
}

const parent = { column: 'actionItemId', param: 'actionId', table: 'actionItem', type: 'action' } as const

export const milestoneSpec: TableSpec<'actionMilestone'> = {
  table: 'actionMilestone',
  type: 'milestone',
  columns: ['actionItemId', 'description', 'due', 'dueFrom', 'dueOn', 'doneOn'],
  sorts: { dueOn: 'dueOn', createdAt: 'createdAt' },
  search: 'description',
  parent,
  conditions: {
    done: (table, done) => sql<boolean>`(${sql.ref(`${table}.doneOn`)} is not null) = ${done}`,
  },
}

export const progressSpec: TableSpec<'actionProgress'> = {
  table: 'actionProgress',
  type: 'progress',
  columns: ['actionItemId', 'reportedOn', 'status', 'body', 'author', 'editedBy'],
  sorts: { reportedOn: 'reportedOn', createdAt: 'createdAt' },
  search: 'body',
  parent,
}

/** The owning group and status of an action, read under the write's lock. */
export function actionOwner(trx: Db, partnershipId: string, id: string) {
  return trx
    .selectFrom('actionItem')
    .select(['id', 'groupId', 'status', 'version'])
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

/** The status of an action's latest progress update (by date reported, then by when it was written). */
export async function latestProgressStatus(trx: Db, partnershipId: string, actionId: string) {
  const row = await trx
    .selectFrom('actionProgress')
    .select('status')
    .where('partnershipId', '=', partnershipId)
    .where('actionItemId', '=', actionId)
    .where('archived', '=', false)
    .orderBy('reportedOn', 'desc')
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.status
}

export function objectiveOf(trx: Db, partnershipId: string, id: string) {
  return trx
    .selectFrom('objective')
    .select(['id', 'priorityId'])
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** The milestones of the actions given, in due order. */
export function milestonesOf(db: Db, partnershipId: string, actionIds: readonly string[]) {
  if (actionIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('actionMilestone')
    .select(['actionItemId', 'description', 'due', 'dueFrom', 'dueOn', 'doneOn'])
    .where('partnershipId', '=', partnershipId)
    .where('actionItemId', 'in', actionIds)
    .where('archived', '=', false)
    .orderBy('dueOn')
    .orderBy('createdAt')
    .execute()
}

/** Each action's latest progress update on or before a date. */
export function latestProgressOn(db: Db, partnershipId: string, actionIds: readonly string[], asOf: string) {
  if (actionIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('actionProgress')
    .distinctOn('actionItemId')
    .select(['actionItemId', 'reportedOn', 'status', 'body', 'author'])
    .where('partnershipId', '=', partnershipId)
    .where('actionItemId', 'in', actionIds)
    .where('archived', '=', false)
    .where('reportedOn', '<=', asOf)
    .orderBy('actionItemId')
    .orderBy('reportedOn', 'desc')
    .orderBy('createdAt', 'desc')
    .execute()
}

/** The partnership's unarchived actions linked to indicators, once per indicator each links. */
export function actionsOfIndicators(db: Db, partnershipId: string) {
  return db
    .selectFrom('actionItemIndicator')
    .innerJoin('actionItem', 'actionItem.id', 'actionItemIndicator.actionItemId')
    .select([
      'actionItemIndicator.indicatorId',
      'actionItem.id',
      'actionItem.reference',
      'actionItem.title',
      'actionItem.status',
      'actionItem.startsOn',
      'actionItem.endsOn',
      'actionItem.leadTbc',
      'actionItem.resources',
    ])
    .where('actionItemIndicator.partnershipId', '=', partnershipId)
    .where('actionItem.archived', '=', false)
    .orderBy('actionItem.createdAt')
    .orderBy('actionItem.id')
    .execute()
}

/** What an action plan prints beside the action: names of its priority, objectives, agencies and indicators. */
export async function planNames(db: Db, partnershipId: string, priorityId: string) {
  const [priority, objectives, agencies, indicators] = await Promise.all([
    db
      .selectFrom('priority')
      .select(['id', 'code', 'name'])
      .where('partnershipId', '=', partnershipId)
      .where('id', '=', priorityId)
      .executeTakeFirst(),
    db
      .selectFrom('objective')
      .select(['id', 'title'])
      .where('partnershipId', '=', partnershipId)
      .where('priorityId', '=', priorityId)
      .orderBy('createdAt')
      .orderBy('id')
      .execute(),
    db.selectFrom('agency').select(['id', 'name']).where('partnershipId', '=', partnershipId).execute(),
    db.selectFrom('indicator').select(['id', 'reference']).where('partnershipId', '=', partnershipId).execute(),
  ])
  return { priority, objectives, agencies, indicators }
}
