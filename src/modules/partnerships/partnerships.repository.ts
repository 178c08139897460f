import type { Db } from '../../db/client.js'
import type { NewPartnership, PartnershipUpdate } from '../../db/types.js'

const COLUMNS = [
  'id',
  'slug',
  'name',
  'financialYearStartMonth',
  'fundingThresholdPence',
  'archived',
  'version',
  'createdAt',
  'updatedAt',
] as const

export async function listPartnerships(
  db: Db,
  options: { slugs?: string[]; after?: string; limit: number; includeArchived: boolean },
) {
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

/**
 * What names a financial year in its stored form (FY2010-11), whose meaning the partnership's year-start
 * month fixes: targets (their period or baseline period), measurements and comments.
 */
export async function financialYearUses(db: Db, partnershipId: string) {
  const fy = 'FY%'
  const [targets, measurements, commentary] = await Promise.all([
    db
      .selectFrom('target')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('partnershipId', '=', partnershipId)
      .where((eb) => eb.or([eb('period', 'like', fy), eb('baselinePeriod', 'like', fy)]))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('measurement')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('partnershipId', '=', partnershipId)
      .where('period', 'like', fy)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('commentary')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('partnershipId', '=', partnershipId)
      .where('period', 'like', fy)
      .executeTakeFirstOrThrow(),
  ])
  return { targets: Number(targets.n), measurements: Number(measurements.n), commentary: Number(commentary.n) }
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
