import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { Office } from '../../domain/actions/context.js'
import { covers, type TableSpec } from '../resource/resource.repository.js'

export const groupSpec: TableSpec<'partnershipGroup'> = {
  table: 'partnershipGroup',
  type: 'group',
  columns: ['name', 'kind', 'priorityId', 'description'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
}

export const memberSpec: TableSpec<'groupMember'> = {
  table: 'groupMember',
  type: 'membership',
  columns: ['groupId', 'subject', 'name', 'agencyId', 'offices', 'startsOn', 'endsOn'],
  sorts: { startsOn: 'startsOn', subject: 'subject', createdAt: 'createdAt' },
  search: 'name',
  parent: { column: 'groupId', param: 'groupId', table: 'partnershipGroup', type: 'group' },
  conditions: {
    office: (table, office) => holds(table, office as Office),
    asOf: (table, date) => covers(table, date as string),
    on: (table, date) => covers(table, date as string),
  },
}

/** A membership that holds the office. */
const holds = (table: string, office: Office) => sql<boolean>`${office} = any(${sql.ref(`${table}.offices`)})`

/** The groups a subject is a member of on a date, with the offices held. */
export function membershipsOn(db: Db, partnershipId: string, subject: string, on: string) {
  return db
    .selectFrom('groupMember')
    .innerJoin('partnershipGroup', (join) =>
      join
        .onRef('partnershipGroup.partnershipId', '=', 'groupMember.partnershipId')
        .onRef('partnershipGroup.id', '=', 'groupMember.groupId'),
    )
    .select([
      'groupMember.id as membershipId',
      'groupMember.groupId',
      'partnershipGroup.name',
      'partnershipGroup.kind',
      'partnershipGroup.priorityId',
      'groupMember.offices',
      'groupMember.startsOn',
      'groupMember.endsOn',
    ])
    .where('groupMember.partnershipId', '=', partnershipId)
    .where('groupMember.subject', '=', subject)
    .where('groupMember.archived', '=', false)
    .where('partnershipGroup.archived', '=', false)
    .where(covers('groupMember', on))
    .orderBy('partnershipGroup.name')
    .execute()
}

/** Which of the groups the subject is a member of on the date. */
export async function groupsOfSubject(db: Db, partnershipId: string, subject: string, on: string, groupIds: string[]) {
  if (groupIds.length === 0) return []
  const rows = await db
    .selectFrom('groupMember')
    .select('groupId')
    .distinct()
    .where('partnershipId', '=', partnershipId)
    .where('subject', '=', subject)
    .where('groupId', 'in', groupIds)
    .where('archived', '=', false)
    .where(covers('groupMember', on))
    .execute()
  return rows.map((r) => r.groupId)
}

/** The theme groups that own an indicator: those of the priorities it serves (seed 000 Appendix 1, stage 1). */
export async function themeGroupsOf(db: Db, partnershipId: string, indicatorId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('partnershipGroup')
    .innerJoin('indicatorPriority', (join) =>
      join
        .onRef('indicatorPriority.priorityId', '=', 'partnershipGroup.priorityId')
        .on('indicatorPriority.partnershipId', '=', partnershipId)
        .on('indicatorPriority.indicatorId', '=', indicatorId),
    )
    .select('partnershipGroup.id')
    .where('partnershipGroup.partnershipId', '=', partnershipId)
    .where('partnershipGroup.kind', '=', 'theme')
    .where('partnershipGroup.archived', '=', false)
    .execute()
  return rows.map((r) => r.id)
}

/** The memberships a subject holds on a date in groups of the kinds given (or in one group). */
export function membershipsIn(
  db: Db,
  partnershipId: string,
  subject: string,
  on: string,
  groups: { kind: 'performance' | 'strategic' } | { id: string },
) {
  let query = db
    .selectFrom('groupMember')
    .innerJoin('partnershipGroup', 'partnershipGroup.id', 'groupMember.groupId')
    .select(['groupMember.groupId', 'groupMember.offices'])
    .where('groupMember.partnershipId', '=', partnershipId)
    .where('groupMember.subject', '=', subject)
    .where('groupMember.archived', '=', false)
    .where('partnershipGroup.archived', '=', false)
    .where(covers('groupMember', on))
  query =
    'kind' in groups
      ? query.where('partnershipGroup.kind', '=', groups.kind)
      : query.where('partnershipGroup.id', '=', groups.id)
  return query.execute()
}

/** Holders of an office in a group on a date: whom a Performance Group rejection must be explained to. */
export function officeHolders(db: Db, partnershipId: string, groupId: string, office: Office, on: string) {
  return db
    .selectFrom('groupMember')
    .select(['subject', 'name'])
    .where('partnershipId', '=', partnershipId)
    .where('groupId', '=', groupId)
    .where('archived', '=', false)
    .where(holds('groupMember', office))
    .where(covers('groupMember', on))
    .orderBy('subject')
    .execute()
}

/** Every membership of the partnership's groups on a date, with its group's kind: who holds what. */
export function holdersOn(db: Db, partnershipId: string, on: string) {
  return db
    .selectFrom('groupMember')
    .innerJoin('partnershipGroup', 'partnershipGroup.id', 'groupMember.groupId')
    .select([
      'groupMember.groupId',
      'partnershipGroup.kind',
      'groupMember.subject',
      'groupMember.name',
      'groupMember.offices',
    ])
    .where('groupMember.partnershipId', '=', partnershipId)
    .where('groupMember.archived', '=', false)
    .where('partnershipGroup.archived', '=', false)
    .where(covers('groupMember', on))
    .orderBy('groupMember.subject')
    .execute()
}

/**
 * Memberships of the group that hold one of `offices` on any day of the span (other than `except`), under
 * a lock on the group's offices, so that two appointments at once are checked one after the other.
 */
export async function officeHoldersOver(
  trx: Db,
  partnershipId: string,
  groupId: string,
  offices: readonly Office[],
  span: { startsOn: string; endsOn: string | null; except?: string },
) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`group-offices:${groupId}`}, 0))`.execute(trx)
  let query = trx
    .selectFrom('groupMember')
    .select(['id', 'subject', 'name', 'offices', 'startsOn', 'endsOn'])
    .where('partnershipId', '=', partnershipId)
    .where('groupId', '=', groupId)
    .where('archived', '=', false)
    .where(sql<boolean>`offices && ${sql.val(offices)}::text[]`)
    .where((eb) => eb.or([eb('endsOn', 'is', null), eb('endsOn', '>=', span.startsOn)]))
  if (span.endsOn !== null) query = query.where('startsOn', '<=', span.endsOn)
  if (span.except !== undefined) query = query.where('id', '<>', span.except)
  return query.orderBy('startsOn').execute()
}
