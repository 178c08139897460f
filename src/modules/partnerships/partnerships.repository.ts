import type { Db } from '../../db/client.js'
import type { NewPartnership, PartnershipUpdate } from '../../db/types.js'

const COLUMNS = ['id', 'slug', 'name', 'financialYearStartMonth', 'archived', 'version', 'createdAt', 'updatedAt'] as const

export async function listPartnerships(db: Db, options: { slugs?: string[]; after?: string; limit: number; includeArchived: boolean }) {
  let query = db.selectFrom('partnership').select(COLUMNS)
  if (options.slugs !== undefined) {
    if (options.slugs.length === 0) return []
    query = query.where('slug', 'in', options.slugs)
  }
  if (options.after !== undefined) query = query.where('slug', '>', options.after)
  if (!options.includeArchived) query = query.where('archived', '=', false)
  return query.orderBy('slug').limit(options.limit).execute()
}

export function findPartnership(db: Db, slug: string, lock = false) {
  let query = db.selectFrom('partnership').select(COLUMNS).where('slug', '=', slug)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

export function insertPartnership(db: Db, values: NewPartnership) {
  return db.insertInto('partnership').values(values).returning(COLUMNS).executeTakeFirstOrThrow()
}

export function updatePartnership(db: Db, id: string, values: PartnershipUpdate) {
  return db
    .updateTable('partnership')
    .set((eb) => ({ ...values, version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow()
}
