import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { NewPartnership, PartnershipUpdate } from '../../db/types.js'

const COLUMNS = [
  'id',
  'slug',
  'name',
  'financialYearStartMonth',
  'fundingThresholdPence',
  sql<number>`outlier_level::float8`.as('outlierLevel'),
  sql<number>`outlier_max_multiple::float8`.as('outlierMaxMultiple'),
  'strictValidation',
  'persistentRedPeriods',
  'viewerMinimumStatus',
  'publicView',
  'archived',
  'version',
  'createdAt',
  'updatedAt',
] as const

/** The partnerships list's sorts: each a column, with the slug after it so every row has one place. */
export const PARTNERSHIP_SORTS = { slug: 'slug', name: 'name', createdAt: 'createdAt' } as const
export type PartnershipSort = keyof typeof PARTNERSHIP_SORTS

export async function listPartnerships(
  db: Db,
  options: {
    among?: { ids: string[]; slugs: string[] }
    sort: PartnershipSort
    descending: boolean
    /** The keyset of the last row of the previous page: its sort value, then its slug. */
    after?: [string, string]
    q?: string
    limit: number
    includeArchived: boolean
  },
) {
  const column = PARTNERSHIP_SORTS[options.sort]
  let query = db.selectFrom('partnership').select(COLUMNS)
  const among = options.among
  if (among !== undefined) {
    if (among.ids.length === 0 && among.slugs.length === 0) return []
    query = query.where((eb) =>
      eb.or([
        ...(among.ids.length === 0 ? [] : [eb('id', 'in', among.ids)]),
        ...(among.slugs.length === 0 ? [] : [eb('slug', 'in', among.slugs)]),
      ]),
    )
  }
  if (options.q !== undefined) {
    const q = options.q
    query = query.where((eb) =>
      eb.or([sql<boolean>`strpos(lower(name), lower(${q})) > 0`, sql<boolean>`strpos(slug, lower(${q})) > 0`]),
    )
  }
  if (options.after !== undefined) {
    const [value, slug] = options.after
    const after = options.descending ? sql`<` : sql`>`
    query = query.where(sql<boolean>`(${sql.ref(column)}, slug) ${after} (${value}, ${slug})`)
  }
  if (!options.includeArchived) query = query.where('archived', '=', false)
  const direction = options.descending ? 'desc' : 'asc'
  return query.orderBy(column, direction).orderBy('slug', direction).limit(options.limit).execute()
}

/** A partnership by its name, for what people read (a heat map's title, a workbook's first sheet). */
export function partnershipName(db: Db, partnershipId: string) {
  return db.selectFrom('partnership').select('name').where('id', '=', partnershipId).executeTakeFirstOrThrow()
}

export function findPartnership(db: Db, slug: string, lock = false) {
  let query = db.selectFrom('partnership').select(COLUMNS).where('slug', '=', slug)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/**
 * Every column that stores a period in the partnership's terms (FY2010-11 means April to March only while
 * its year starts in April), with what to call its rows. test/modules/partnerships holds this list to
 * the schema: a new column holding a period must be named here, or among the calendar ones beside it.
 */
export const YEAR_TERMS = [
  { table: 'target', column: 'period', one: 'target', many: 'targets' },
  { table: 'target', column: 'baseline_period', one: 'target baseline', many: 'target baselines' },
  { table: 'measurement', column: 'period', one: 'measurement', many: 'measurements' },
  { table: 'measurement_revision', column: 'period', one: 'measurement revision', many: 'measurement revisions' },
  { table: 'commentary', column: 'period', one: 'comment', many: 'comments' },
  { table: 'funding_stream', column: 'financial_year', one: 'funding stream', many: 'funding streams' },
  { table: 'action_item', column: 'starts', one: 'action start', many: 'action starts' },
  { table: 'action_item', column: 'ends', one: 'action end', many: 'action ends' },
  { table: 'action_milestone', column: 'due', one: 'milestone', many: 'milestones' },
  { table: 'action_milestone', column: 'due_from', one: 'milestone start', many: 'milestone starts' },
  { table: 'peer_figure', column: 'period', one: 'peer figure', many: 'peer figures' },
  { table: 'reporting_round', column: 'period', one: 'reporting round', many: 'reporting rounds' },
  { table: 'measurement_finding', column: 'period', one: 'queried figure', many: 'queried figures' },
] as const

/**
 * Columns that hold a period in calendar terms, whatever the partnership's year: months (YYYY-MM) and
 * mid-year population estimates.
 */
export const CALENDAR_TERMS = [
  { table: 'feed_mapping', column: 'from_month' },
  { table: 'feed_mapping', column: 'to_month' },
  { table: 'population', column: 'year' },
] as const

/** How many rows of each YEAR_TERMS column name a financial year (FY...), in one statement. */
export async function financialYearUses(db: Db, partnershipId: string) {
  const counts = YEAR_TERMS.map(
    (use, i) =>
      sql<{ i: number; n: string }>`select ${i}::int as i, count(*)::text as n from ${sql.table(use.table)}
        where partnership_id = ${partnershipId} and ${sql.ref(use.column)} like 'FY%'`,
  )
  const { rows } = await sql<{ i: number; n: string }>`${sql.join(counts, sql` union all `)}`.execute(db)
  return rows.map((r) => ({ ...YEAR_TERMS[r.i]!, n: Number(r.n) })).filter((u) => u.n > 0)
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
