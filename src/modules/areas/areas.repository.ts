import { sql } from 'kysely'
import type { Db } from '../../db/client.js'

/** Serialises changes to one partnership's area tree, so two moves cannot make a cycle between them. */
export async function lockAreaTree(trx: Db, partnershipId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`area-tree:${partnershipId}`}, 0))`.execute(trx)
}

/** Whether `ancestorId` is `areaId` itself or above it in the tree. */
export async function isSelfOrAncestor(trx: Db, partnershipId: string, areaId: string, ancestorId: string): Promise<boolean> {
  const result = await sql<{ found: boolean }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from area where partnership_id = ${partnershipId} and id = ${areaId}
      union
      select a.id, a.parent_id from area a join up on a.id = up.parent_id where a.partnership_id = ${partnershipId}
    )
    select exists (select 1 from up where id = ${ancestorId}) as found`.execute(trx)
  return result.rows[0]?.found === true
}
