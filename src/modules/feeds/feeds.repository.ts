import { sql, type Insertable } from 'kysely'
import type { Db } from '../../db/client.js'
import type { FeedImportTable } from '../../db/types.js'
import type { TableSpec } from '../resource/resource.repository.js'

export const feedMappingSpec: TableSpec<'feedMapping'> = {
  table: 'feedMapping',
  type: 'feed mapping',
  columns: ['name', 'kind', 'description', 'agencyId', 'dateColumn', 'locationColumn', 'rules', 'fromMonth', 'toMonth'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
}

/** The indicators rules may name, by id and by reference, with what decides whether a feed can count into them. */
export function feedIndicators(db: Db, partnershipId: string) {
  return db
    .selectFrom('indicator')
    .select(['id', 'reference', 'unit', 'aggregation', 'frequency', 'sourceAgencyId'])
    .where('partnershipId', '=', partnershipId)
    .execute()
}

/** Each mapping's lookup, counted: codes, and the areas they place rows in. */
export async function locationCounts(db: Db, partnershipId: string, mappingIds: readonly string[]) {
  if (mappingIds.length === 0) return new Map<string, { locations: number; areas: number }>()
  const rows = await db
    .selectFrom('feedLocation')
    .select((eb) => [
      'mappingId',
      eb.fn.countAll<number>().as('locations'),
      eb.fn.count<number>('areaId').distinct().as('areas'),
    ])
    .where('partnershipId', '=', partnershipId)
    .where('mappingId', 'in', mappingIds)
    .groupBy('mappingId')
    .execute()
  return new Map(rows.map((r) => [r.mappingId, { locations: r.locations, areas: r.areas }]))
}

/** A mapping's whole lookup, code to area (and the area's code), in code order. */
export function listLocations(db: Db, partnershipId: string, mappingId: string) {
  return db
    .selectFrom('feedLocation')
    .innerJoin('area', 'area.id', 'feedLocation.areaId')
    .select(['feedLocation.code as location', 'feedLocation.areaId', 'area.code as area'])
    .where('feedLocation.partnershipId', '=', partnershipId)
    .where('feedLocation.mappingId', '=', mappingId)
    .orderBy('feedLocation.code')
    .execute()
}

/** Replaces a mapping's lookup with these codes, in one statement each way (arrays as parameters). */
export async function replaceLocations(
  trx: Db,
  partnershipId: string,
  mappingId: string,
  rows: { codes: string[]; areaIds: string[] },
): Promise<void> {
  await trx
    .deleteFrom('feedLocation')
    .where('partnershipId', '=', partnershipId)
    .where('mappingId', '=', mappingId)
    .execute()
  if (rows.codes.length === 0) return
  await sql`
    insert into feed_location (partnership_id, mapping_id, code, area_id)
    select ${partnershipId}, ${mappingId}, code, area_id
    from unnest(${rows.codes}::text[], ${rows.areaIds}::uuid[]) as l(code, area_id)`.execute(trx)
}

/** Marks the mapping changed (its lookup is part of it): a new version, so its ETag moves. */
export function touchMapping(trx: Db, partnershipId: string, mappingId: string) {
  return trx
    .updateTable('feedMapping')
    .set((eb) => ({ version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', mappingId)
    .returning(['version'])
    .executeTakeFirstOrThrow()
}

export const IMPORT_COLUMNS = [
  'id',
  'mappingId',
  'fileName',
  'sha256',
  'bytes',
  'agencyId',
  'importedBy',
  'months',
  'rowsRead',
  'rowsCounted',
  'skipped',
  'malformed',
  'malformedTruncated',
  'inserted',
  'updated',
  'unchanged',
  'warnings',
  'outliers',
  'sameFileAs',
  'durationMs',
  'createdAt',
] as const

type ImportValues = Omit<Insertable<FeedImportTable>, 'id' | 'partnershipId' | 'createdAt'>

export function insertImport(trx: Db, partnershipId: string, run: ImportValues) {
  return trx
    .insertInto('feedImport')
    .values({
      ...run,
      partnershipId,
      // pg would send a JS array as a Postgres array; JSONB wants the JSON text.
      skipped: JSON.stringify(run.skipped),
      malformed: JSON.stringify(run.malformed),
      outliers: JSON.stringify(run.outliers),
    })
    .returning(IMPORT_COLUMNS)
    .executeTakeFirstOrThrow()
}

/** The latest earlier import of the very same file through this mapping, if any. */
export async function sameFile(db: Db, partnershipId: string, mappingId: string, sha256: string) {
  const row = await db
    .selectFrom('feedImport')
    .select('id')
    .where('partnershipId', '=', partnershipId)
    .where('mappingId', '=', mappingId)
    .where('sha256', '=', sha256)
    .orderBy('createdAt', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.id ?? null
}

export function findImport(db: Db, partnershipId: string, mappingId: string, id: string) {
  return db
    .selectFrom('feedImport')
    .select(IMPORT_COLUMNS)
    .where('partnershipId', '=', partnershipId)
    .where('mappingId', '=', mappingId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Newest first, a keyset page on (created at, id). */
export function listImports(
  db: Db,
  partnershipId: string,
  mappingId: string,
  page: { limit: number; before?: { createdAt: string; id: string } },
) {
  let query = db
    .selectFrom('feedImport')
    .select(IMPORT_COLUMNS)
    .where('partnershipId', '=', partnershipId)
    .where('mappingId', '=', mappingId)
  if (page.before !== undefined) {
    const { createdAt, id } = page.before
    query = query.where((eb) => eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(new Date(createdAt), id)))
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(page.limit).execute()
}

export async function agencyName(db: Db, partnershipId: string, id: string): Promise<string | null> {
  const row = await db
    .selectFrom('agency')
    .select('name')
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row?.name ?? null
}

/** The figures standing now for counts an import is about to write: what it would change. */
export function standingCounts(
  db: Db,
  partnershipId: string,
  counts: { indicatorId: string[]; areaId: string[]; period: string[] },
) {
  return sql<{ indicatorId: string; areaId: string; period: string; value: string }>`
    select m.indicator_id as "indicatorId", m.area_id as "areaId", m.period, m.value::text as value
    from unnest(${counts.indicatorId}::uuid[], ${counts.areaId}::uuid[], ${counts.period}::text[]) as c(indicator_id, area_id, period)
    join measurement m on m.partnership_id = ${partnershipId} and m.indicator_id = c.indicator_id
      and m.area_id = c.area_id and m.period = c.period
  `
    .execute(db)
    .then((r) => r.rows)
}
