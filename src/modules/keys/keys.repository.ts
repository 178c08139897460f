import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { TableSpec } from '../resource/resource.repository.js'

export const apiKeySpec: TableSpec<'apiKey'> = {
  table: 'apiKey',
  type: 'API key',
  columns: ['agencyId', 'name', 'expiresAt', 'revoked', 'lastUsedAt', 'replaces', 'createdBy'],
  sorts: { createdAt: 'createdAt', name: 'name', expiresAt: 'expiresAt' },
  search: 'name',
}

/** The key by id, with its secret's hash, for the caller who presents it (migration 0016's `own` policy). */
export async function presentedKey(trx: Db, id: string) {
  await sql`select set_config('app.key_id', ${id}, true)`.execute(trx)
  return trx
    .selectFrom('apiKey')
    .select(['id', 'partnershipId', 'agencyId', 'secretHash', 'revoked', 'archived', 'expiresAt', 'lastUsedAt'])
    .where('id', '=', id)
    .executeTakeFirst()
}
