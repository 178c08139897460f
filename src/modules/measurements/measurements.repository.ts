import { sql, type SelectQueryBuilder } from 'kysely'
import type { Db } from '../../db/client.js'

export const MEASUREMENT_COLUMNS = [
  'measurement.id', 'measurement.indicatorId', 'measurement.areaId', 'measurement.period', 'measurement.periodStart',
  'measurement.periodEnd', 'measurement.value', 'measurement.numerator', 'measurement.denominator', 'measurement.status',
  'measurement.source', 'measurement.sentBy', 'measurement.revision', 'measurement.version', 'measurement.createdAt',
  'measurement.updatedAt',
] as const

/** Rows to write, column by column: one array per field, all of one length. */
export interface MeasurementColumns {
  indicatorId: string[]
  areaId: string[]
  period: string[]
  periodStart: string[]
  periodEnd: string[]
  value: string[]
  numerator: (string | null)[]
  denominator: (string | null)[]
  status: (string | null)[]
  source: (string | null)[]
}

export function emptyColumns(): MeasurementColumns {
  return { indicatorId: [], areaId: [], period: [], periodStart: [], periodEnd: [], value: [], numerator: [], denominator: [], status: [], source: [] }
}

/**
 * Upserts a batch in one set-based statement: arrays travel as ten parameters (no per-row SQL), a re-sent
 * equal value changes nothing, and a different one becomes current with its revision number raised; the
 * value it replaces moves to measurement_revision by a trigger (migration 0006), which sees exactly the
 * version replaced even when writers race to create the same measurement.
 * Returns how many rows were inserted and updated.
 */
export async function upsertMeasurements(trx: Db, partnershipId: string, sentBy: string, rows: MeasurementColumns): Promise<{ inserted: number; updated: number }> {
  const input = sql`
    select * from unnest(
      ${rows.indicatorId}::uuid[], ${rows.areaId}::uuid[], ${rows.period}::text[], ${rows.periodStart}::date[],
      ${rows.periodEnd}::date[], ${rows.value}::numeric[], ${rows.numerator}::numeric[], ${rows.denominator}::numeric[],
      ${rows.status}::text[], ${rows.source}::text[]
    ) as i(indicator_id, area_id, period, period_start, period_end, value, numerator, denominator, status, source)`
  const result = await sql<{ inserted: number; updated: number }>`
    with upserted as (
      insert into measurement as m (partnership_id, indicator_id, area_id, period, period_start, period_end, value, numerator, denominator, status, source, sent_by)
      select ${partnershipId}, indicator_id, area_id, period, period_start, period_end, value, numerator, denominator,
        coalesce(status, 'provisional'), source, ${sentBy}
      from (${input}) i
      on conflict (partnership_id, indicator_id, area_id, period) do update
        set value = excluded.value, numerator = excluded.numerator, denominator = excluded.denominator,
            status = excluded.status, source = excluded.source, sent_by = excluded.sent_by,
            revision = m.revision + 1, version = m.version + 1, updated_at = now()
        where (m.value, m.numerator, m.denominator) is distinct from (excluded.value, excluded.numerator, excluded.denominator)
      returning (m.xmax = 0) as inserted
    )
    select (count(*) filter (where inserted))::int as inserted, (count(*) filter (where not inserted))::int as updated from upserted
  `.execute(trx)
  return result.rows[0] ?? { inserted: 0, updated: 0 }
}

export function findMeasurement(db: Db, partnershipId: string, key: { indicatorId: string; areaId: string; period: string }, lock = false) {
  let query = db
    .selectFrom('measurement')
    .select(MEASUREMENT_COLUMNS)
    .where('measurement.partnershipId', '=', partnershipId)
    .where('measurement.indicatorId', '=', key.indicatorId)
    .where('measurement.areaId', '=', key.areaId)
    .where('measurement.period', '=', key.period)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

/** The current value and every one it replaced, newest first. */
export function listRevisions(db: Db, partnershipId: string, measurementId: string) {
  return db
    .selectFrom('measurement')
    .select(['revision', 'value', 'numerator', 'denominator', 'status', 'source', 'sentBy', 'updatedAt as sentAt'])
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', measurementId)
    .unionAll(
      db
        .selectFrom('measurementRevision')
        .select(['revision', 'value', 'numerator', 'denominator', 'status', 'source', 'sentBy', 'sentAt'])
        .where('partnershipId', '=', partnershipId)
        .where('measurementId', '=', measurementId),
    )
    .orderBy('revision', 'desc')
    .execute()
}

export function setStatus(trx: Db, id: string, status: string) {
  return trx
    .updateTable('measurement')
    .set((eb) => ({ status, version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('id', '=', id)
    .returning(MEASUREMENT_COLUMNS.map((c) => c.replace('measurement.', '')) as never)
    .executeTakeFirstOrThrow()
}

export interface MeasurementFilter {
  indicatorId?: string
  areaId?: string
  from?: string
  to?: string
  status?: string
  after?: { periodStart: string; id: string }
  limit: number
}

/**
 * The partnership's measurements matching the filter, in period order (then id), one keyset page;
 * `from`/`to` are dates bounding the period start. Shared by the JSON list and the CSV export.
 */
// Typed loosely (the two callers join different tables); the row type O passes through unchanged.
function filtered<O>(query: SelectQueryBuilder<any, any, O>, partnershipId: string, filter: MeasurementFilter): SelectQueryBuilder<any, any, O> {
  let q = query.where('measurement.partnershipId', '=', partnershipId)
  if (filter.indicatorId !== undefined) q = q.where('measurement.indicatorId', '=', filter.indicatorId)
  if (filter.areaId !== undefined) q = q.where('measurement.areaId', '=', filter.areaId)
  if (filter.status !== undefined) q = q.where('measurement.status', '=', filter.status)
  if (filter.from !== undefined) q = q.where('measurement.periodStart', '>=', filter.from)
  if (filter.to !== undefined) q = q.where('measurement.periodStart', '<=', filter.to)
  if (filter.after !== undefined) {
    const { periodStart, id } = filter.after
    q = q.where((eb) => eb(eb.refTuple('measurement.periodStart', 'measurement.id'), '>', eb.tuple(periodStart, id)))
  }
  return q.orderBy('measurement.periodStart').orderBy('measurement.id').limit(filter.limit)
}

export function listMeasurements(db: Db, partnershipId: string, filter: MeasurementFilter) {
  return filtered(db.selectFrom('measurement').select(MEASUREMENT_COLUMNS), partnershipId, filter).execute()
}

/** Indicators and areas a batch may name, by id and by reference or code. */
export async function lookups(db: Db, partnershipId: string) {
  const [indicators, areas, partnership] = await Promise.all([
    db
      .selectFrom('indicator')
      .select(['id', 'reference', 'unit', 'aggregation', 'ratePer', 'frequency', 'sourceAgencyId'])
      .where('partnershipId', '=', partnershipId)
      .execute(),
    db.selectFrom('area').select(['id', 'code']).where('partnershipId', '=', partnershipId).execute(),
    db.selectFrom('partnership').select('financialYearStartMonth').where('id', '=', partnershipId).executeTakeFirstOrThrow(),
  ])
  return { indicators, areas, fyStartMonth: partnership.financialYearStartMonth }
}

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

export function storeIdempotentAnswer(trx: Db, partnershipId: string, client: string, key: string, requestHash: string, status: number, response: unknown) {
  return trx
    .updateTable('idempotencyKey')
    .set({ requestHash, status, response: JSON.stringify(response) })
    .where('partnershipId', '=', partnershipId)
    .where('client', '=', client)
    .where('key', '=', key)
    .execute()
}

/** Rows for CSV export, with the same names an import takes: indicator reference, area code (or id). */
export function exportPage(db: Db, partnershipId: string, filter: MeasurementFilter) {
  const query = db
    .selectFrom('measurement')
    .innerJoin('indicator', 'indicator.id', 'measurement.indicatorId')
    .innerJoin('area', 'area.id', 'measurement.areaId')
    .select((eb) => [
      'measurement.id',
      'measurement.periodStart',
      'indicator.reference as indicator',
      eb.fn.coalesce('area.code', sql<string>`area.id::text`).as('area'),
      'measurement.period',
      'measurement.value',
      'measurement.numerator',
      'measurement.denominator',
      'measurement.status',
      'measurement.source',
    ])
  return filtered(query, partnershipId, filter).execute()
}
