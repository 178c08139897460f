import { sql } from 'kysely'
import type { Db } from '../../db/client.js'

/**
 * Tables whose rows have a parent of the same kind (areas, indicators) must stay trees. Moves are
 * serialised per partnership and table, so two concurrent moves cannot build a cycle between them.
 */
export async function lockTree(trx: Db, table: string, partnershipId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${table}-tree:${partnershipId}`}, 0))`.execute(trx)
}

/** Whether `ancestorId` is `id` itself or above it in the tree. */
export async function isSelfOrAncestor(
  trx: Db,
  table: string,
  partnershipId: string,
  id: string,
  ancestorId: string,
): Promise<boolean> {
  const result = await sql<{ found: boolean }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from ${sql.table(table)} where partnership_id = ${partnershipId} and id = ${id}
      union
      select t.id, t.parent_id from ${sql.table(table)} t join up on t.id = up.parent_id where t.partnership_id = ${partnershipId}
    )
    select exists (select 1 from up where id = ${ancestorId}) as found`.execute(trx)
  return result.rows[0]?.found === true
}
