import type { Db } from '../db/client.js'

/** What every request to a partnership needs of it, by slug: its id, year-start month and whether it is archived. */
export function partnershipScope(db: Db, slug: string) {
  return db
    .selectFrom('partnership')
    .select(['id', 'slug', 'financialYearStartMonth', 'archived'])
    .where('slug', '=', slug)
    .executeTakeFirst()
}
