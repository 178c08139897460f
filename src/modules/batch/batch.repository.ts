import { sql } from 'kysely'
import type { Db } from '../../db/client.js'

/** A bulk batch's chunks are written after this mark, so a refused row can undo them and keep the key's claim. */
export async function markBatch(trx: Db): Promise<void> {
  await sql`savepoint batch`.execute(trx)
}

export async function undoBatch(trx: Db): Promise<void> {
  await sql`rollback to savepoint batch`.execute(trx)
}
