import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { TableSpec } from '../resource/resource.repository.js'

export const commentarySpec: TableSpec<'commentary'> = {
  table: 'commentary',
  type: 'commentary',
  columns: ['indicatorId', 'areaId', 'period', 'periodStart', 'body', 'author', 'editedBy', 'visibility'],
  sorts: { createdAt: 'createdAt', periodStart: 'periodStart', updatedAt: 'updatedAt' },
  search: 'body',
}

/** Which of an indicator and an area the partnership has (a comment must name both of its own). */
export async function namesExist(db: Db, partnershipId: string, indicatorId: string, areaId: string) {
  const [indicator, area] = await Promise.all([
    db
      .selectFrom('indicator')
      .select('id')
      .where('partnershipId', '=', partnershipId)
      .where('id', '=', indicatorId)
      .executeTakeFirst(),
    db
      .selectFrom('area')
      .select('id')
      .where('partnershipId', '=', partnershipId)
      .where('id', '=', areaId)
      .executeTakeFirst(),
  ])
  return { indicator: indicator !== undefined, area: area !== undefined }
}

/** A comment's text now and every text an edit replaced, newest first; empty when there is no such comment. */
export function commentaryHistory(db: Db, partnershipId: string, id: string) {
  return db
    .selectFrom('commentary')
    .select((eb) => [
      'body',
      eb.fn.coalesce('editedBy', 'author').as('writtenBy'),
      'updatedAt as writtenAt',
      sql<boolean>`true`.as('current'),
    ])
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .unionAll(
      db
        .selectFrom('commentaryRevision')
        .select(['body', 'writtenBy', 'writtenAt', sql<boolean>`false`.as('current')])
        .where('partnershipId', '=', partnershipId)
        .where('commentaryId', '=', id),
    )
    .orderBy('current', 'desc')
    .orderBy('writtenAt', 'desc')
    .execute()
}
