import { sql } from 'kysely'
import type { Db } from '../db/client.js'

/** Claims a key for this request; its body's hash is stored with the answer, once the body has been read. */
export async function claimIdempotencyKey(trx: Db, partnershipId: string, client: string, key: string) {
  // Keys live 24 hours; an expired one is free to use again.
  await trx
    .deleteFrom('idempotencyKey')
    .where('partnershipId', '=', partnershipId)
    .where('client', '=', client)
    .where('key', '=', key)
    .where('createdAt', '<', sql<Date>`now() - interval '24 hours'`)
    .execute()
  // Waits while another transaction holds the same key, then sees its committed answer.
  const claimed = await trx
    .insertInto('idempotencyKey')
    .values({ partnershipId, client, key, requestHash: '', status: 0, response: JSON.stringify(null) })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst()
  if (claimed !== undefined) return { claimed: true as const }
  const existing = await trx
    .selectFrom('idempotencyKey')
    .select(['requestHash', 'status', 'response'])
    .where('partnershipId', '=', partnershipId)
    .where('client', '=', client)
    .where('key', '=', key)
    .executeTakeFirstOrThrow()
  return { claimed: false as const, ...existing }
}

export function storeIdempotentAnswer(
  trx: Db,
  partnershipId: string,
  client: string,
  key: string,
  requestHash: string,
  status: number,
  response: unknown,
) {
  return trx
    .updateTable('idempotencyKey')
    .set({ requestHash, status, response: JSON.stringify(response) })
    .where('partnershipId', '=', partnershipId)
    .where('client', '=', client)
    .where('key', '=', key)
    .execute()
}

/** Gives a key back: its request answered something a retry could change. */
export function releaseIdempotencyKey(db: Db, partnershipId: string, client: string, key: string) {
  return db
    .deleteFrom('idempotencyKey')
    .where('partnershipId', '=', partnershipId)
    .where('client', '=', client)
    .where('key', '=', key)
    .execute()
}
