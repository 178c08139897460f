import { sql } from 'kysely'
import type { Db } from '../../db/client.js'

/** A comment's text now and every text an edit replaced, newest first; empty when there is no such comment. */
export function commentaryHistory(db: Db, partnershipId: string, id: string) {
  return db
    .selectFrom('commentary')
    .select((eb) => ['body', eb.fn.coalesce('editedBy', 'author').as('writtenBy'), 'updatedAt as writtenAt', sql<boolean>`true`.as('current')])
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
