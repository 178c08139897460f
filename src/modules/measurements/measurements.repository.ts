import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely'
import type { Db } from '../../db/client.js'
import type { MeasurementStatus } from '../../domain/measurements.js'

/** What of a published figure anyone may read (the public view): the figure, never who sent it or why. */
export const PUBLISHED_COLUMNS = [
  'measurement.id',
  'measurement.indicatorId',
  'measurement.areaId',
  'measurement.period',
  'measurement.periodStart',
  'measurement.periodEnd',
  'measurement.value',
  'measurement.numerator',
  'measurement.denominator',
] as const

export const MEASUREMENT_COLUMNS = [
  ...PUBLISHED_COLUMNS,
  'measurement.status',
  'measurement.source',
  'measurement.sentBy',
  'measurement.agencyId',
  'measurement.reason',
  'measurement.overriddenAgencyId',
  'measurement.revision',
  'measurement.version',
  'measurement.createdAt',
  'measurement.updatedAt',
] as const

/** Rows to write, column by column: one array per field, all of one length. */
export interface MeasurementColumns {
  /** The row's number in its batch, to report a row the database refuses. */
  row: number[]
  indicatorId: string[]
  areaId: string[]
  period: string[]
  periodStart: string[]
  periodEnd: string[]
  value: string[]
  numerator: (string | null)[]
  denominator: (string | null)[]
  /** The status the sender asks for, or null: a new or changed value is then provisional. */
  status: (string | null)[]
  source: (string | null)[]
  /** Why the sender changed the figure: required where a person replaces an agency feed's figure. */
  reason: (string | null)[]
}

export function emptyColumns(): MeasurementColumns {
  return {
    row: [],
    indicatorId: [],
    areaId: [],
    period: [],
    periodStart: [],
    periodEnd: [],
    value: [],
    numerator: [],
    denominator: [],
    status: [],
    source: [],
    reason: [],
  }
}

/** The rows of a chunk that pass `keep`, column by column. */
export function keepRows(columns: MeasurementColumns, keep: (row: number) => boolean): MeasurementColumns {
  const kept = emptyColumns()
  const fields = Object.keys(kept) as Array<keyof MeasurementColumns>
  columns.row.forEach((row, i) => {
    if (!keep(row)) return
    for (const field of fields) (kept[field] as unknown[]).push(columns[field][i])
  })
  return kept
}

export interface Written {
  inserted: number
  updated: number
  /** Rows that asked to move an unchanged measurement's status back: refused, as a PATCH would be. */
  backward: { row: number; status: string }[]
  /** Rows of a person replacing an agency feed's figure without a reason: refused, with the agency. */
  overriding: { row: number; agencyId: string }[]
}

// The workflow's order, for comparing statuses in SQL.
const rank = (status: ReturnType<typeof sql.ref>) =>
  sql`array_position(array['provisional', 'validated', 'published'], ${status})`

/**
 * Upserts a batch in one set-based statement: arrays travel as parameters (no per-row SQL). A re-sent
 * equal value changes nothing; a different one becomes current, its revision raised, at the status sent
 * (else provisional); a status alone moves an unchanged value forward, never back. The value replaced
 * moves to measurement_revision by a trigger (migrations 0006, 0008), which sees exactly the version
 * replaced even when writers race to create the same measurement. Rows are written in key order, so two
 * batches writing the same rows lock them in the same order and cannot deadlock each other.
 */
export async function upsertMeasurements(
  trx: Db,
  partnershipId: string,
  sentBy: string,
  rows: MeasurementColumns,
  agencyId: string | null = null,
): Promise<Written> {
  const asksStatus = rows.status.some((s) => s !== null)
  // A person (no agency) replacing an agency's figure must say why; an agency's own rows need no look.
  const checksOverride = agencyId === null
  // A column no row fills travels as one null, not as an array of them (feeds send counts alone).
  const columns: Array<[RawBuilder<unknown>, RawBuilder<unknown>, RawBuilder<unknown> | null]> = [
    [sql`indicator_id`, sql`${rows.indicatorId}::uuid[]`, null],
    [sql`area_id`, sql`${rows.areaId}::uuid[]`, null],
    [sql`period`, sql`${rows.period}::text[]`, null],
    [sql`period_start`, sql`${rows.periodStart}::date[]`, null],
    [sql`period_end`, sql`${rows.periodEnd}::date[]`, null],
    [sql`value`, sql`${rows.value}::numeric[]`, null],
    [
      sql`numerator`,
      sql`${rows.numerator}::numeric[]`,
      rows.numerator.some((v) => v !== null) ? null : sql`null::numeric`,
    ],
    [
      sql`denominator`,
      sql`${rows.denominator}::numeric[]`,
      rows.denominator.some((v) => v !== null) ? null : sql`null::numeric`,
    ],
    [sql`status`, sql`${rows.status}::text[]`, asksStatus ? null : sql`null::text`],
    [sql`source`, sql`${rows.source}::text[]`, rows.source.some((v) => v !== null) ? null : sql`null::text`],
    [sql`reason`, sql`${rows.reason}::text[]`, rows.reason.some((v) => v !== null) ? null : sql`null::text`],
    [sql`ord`, sql`${rows.row}::int[]`, asksStatus || checksOverride ? null : sql`null::int`],
  ]
  const sent = columns.filter(([, , absent]) => absent === null)
  const input = sql`
    select ${sql.join(columns.map(([name, , absent]) => (absent === null ? name : sql`${absent} as ${name}`)))}
    from unnest(${sql.join(sent.map(([, array]) => array))}) as i(${sql.join(sent.map(([name]) => name))})`
  // Only rows that name a status can ask to go back; the lookup is skipped for the (usual) batch without.
  const backward = asksStatus
    ? sql`select i.ord, m.status from input i join measurement m
        on m.partnership_id = ${partnershipId} and m.indicator_id = i.indicator_id and m.area_id = i.area_id and m.period = i.period
        where i.status is not null and ${rank(sql.ref('i.status'))} < ${rank(sql.ref('m.status'))}
          and (m.value, m.numerator, m.denominator) is not distinct from (i.value, i.numerator, i.denominator)`
    : sql`select null::int as ord, null::text as status where false`
  // Served by the partial index of agencies' figures: a partnership whose figures are all its officers'
  // probes an empty index.
  const overriding = checksOverride
    ? sql`select i.ord, m.agency_id from input i join measurement m
        on m.partnership_id = ${partnershipId} and m.indicator_id = i.indicator_id and m.area_id = i.area_id
          and m.period = i.period and m.agency_id is not null
        where i.reason is null
          and (m.value, m.numerator, m.denominator) is distinct from (i.value, i.numerator, i.denominator)`
    : sql`select null::int as ord, null::uuid as agency_id where false`
  const changed = sql`(m.value, m.numerator, m.denominator) is distinct from (excluded.value, excluded.numerator, excluded.denominator)`
  const result = await sql<{
    inserted: number
    updated: number
    backward: { row: number; status: string }[] | null
    overriding: { row: number; agencyId: string }[] | null
  }>`
    with input as (${input}),
    backward as (${backward}),
    overriding as (${overriding}),
    upserted as (
      insert into measurement as m (partnership_id, indicator_id, area_id, period, period_start, period_end, value, numerator, denominator, status, source, sent_by, agency_id, reason)
      select ${partnershipId}, indicator_id, area_id, period, period_start, period_end, value, numerator, denominator,
        coalesce(status, 'provisional'), source, ${sentBy}, ${agencyId}::uuid, reason
      from input
      where ord not in (select ord from backward) and ord not in (select ord from overriding)
      order by indicator_id, area_id, period
      on conflict (partnership_id, indicator_id, area_id, period) do update
        set value = excluded.value, numerator = excluded.numerator, denominator = excluded.denominator,
            status = excluded.status,
            source = case when ${changed} then excluded.source else m.source end,
            sent_by = case when ${changed} then excluded.sent_by else m.sent_by end,
            agency_id = case when ${changed} then excluded.agency_id else m.agency_id end,
            -- A person correcting their own override keeps its reason unless they give another.
            reason = case when not ${changed} then m.reason
              when excluded.agency_id is null and m.agency_id is null and m.overridden_agency_id is not null
                then coalesce(excluded.reason, m.reason)
              else excluded.reason end,
            -- A person's value over an agency's figure names the agency it overrode (and keeps naming it
            -- through a person's later corrections); the agency's own next figure stands again.
            overridden_agency_id = case when not ${changed} then m.overridden_agency_id
              when excluded.agency_id is not null then null
              else coalesce(m.agency_id, m.overridden_agency_id) end,
            revision = case when ${changed} then m.revision + 1 else m.revision end,
            version = m.version + 1, updated_at = now()
        where ${changed} or ${rank(sql.ref('excluded.status'))} > ${rank(sql.ref('m.status'))}
      returning (m.xmax = 0) as inserted
    )
    select (count(*) filter (where inserted))::int as inserted, (count(*) filter (where not inserted))::int as updated,
      (select json_agg(json_build_object('row', ord, 'status', status)) from backward) as backward,
      (select json_agg(json_build_object('row', ord, 'agencyId', agency_id)) from overriding) as overriding
    from upserted
  `.execute(trx)
  const written = result.rows[0]
  return {
    inserted: written?.inserted ?? 0,
    updated: written?.updated ?? 0,
    backward: written?.backward ?? [],
    overriding: written?.overriding ?? [],
  }
}

export function findMeasurement(db: Db, partnershipId: string, key: MeasurementKey, lock = false) {
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

export interface MeasurementKey {
  indicatorId: string
  areaId: string
  period: string
}

/**
 * The current value and every one it replaced or a deletion removed, by the measurement's key: the live
 * measurement's values first, then each deleted one's, latest deletion first; each newest revision first.
 */
export async function listRevisions(db: Db, partnershipId: string, key: MeasurementKey) {
  const rows = await db
    .selectFrom('measurement')
    .select([
      'id as measurementId',
      'revision',
      'value',
      'numerator',
      'denominator',
      'status',
      'source',
      'sentBy',
      'updatedAt as sentAt',
      'agencyId',
      'reason',
      'overriddenAgencyId',
      sql<string | null>`null`.as('deletedBy'),
      sql<Date | null>`null`.as('deletedAt'),
    ])
    .where('partnershipId', '=', partnershipId)
    .where('indicatorId', '=', key.indicatorId)
    .where('areaId', '=', key.areaId)
    .where('period', '=', key.period)
    .unionAll(
      db
        .selectFrom('measurementRevision')
        .select([
          'measurementId',
          'revision',
          'value',
          'numerator',
          'denominator',
          'status',
          'source',
          'sentBy',
          'sentAt',
          'agencyId',
          'reason',
          'overriddenAgencyId',
          'deletedBy',
          'deletedAt',
        ])
        .where('partnershipId', '=', partnershipId)
        .where('indicatorId', '=', key.indicatorId)
        .where('areaId', '=', key.areaId)
        .where('period', '=', key.period),
    )
    .execute()
  const deletedAt = new Map(
    rows.filter((r) => r.deletedAt !== null).map((r) => [r.measurementId, new Date(r.deletedAt!).getTime()]),
  )
  const ended = (r: (typeof rows)[number]) => deletedAt.get(r.measurementId) ?? Infinity
  return rows.sort((a, b) => ended(b) - ended(a) || b.revision - a.revision)
}

/** Deletes a measurement, keeping the value it had as a revision with who deleted it and when. */
export async function deleteMeasurement(trx: Db, partnershipId: string, id: string, deletedBy: string): Promise<void> {
  await sql`
    with gone as (delete from measurement where partnership_id = ${partnershipId} and id = ${id} returning *)
    insert into measurement_revision (partnership_id, measurement_id, indicator_id, area_id, period, period_start, revision, value, numerator, denominator, status, source, sent_by, sent_at, value_since, agency_id, reason, overridden_agency_id, deleted_by, deleted_at)
    select partnership_id, id, indicator_id, area_id, period, period_start, revision, value, numerator, denominator, status, source, sent_by, updated_at, value_since, agency_id, reason, overridden_agency_id, ${deletedBy}, now()
    from gone`.execute(trx)
}

export function setStatus(trx: Db, id: string, status: MeasurementStatus) {
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
  /** Text contained in the source or the reason given (case-insensitive). */
  q?: string
  /** Latest period first (sort=-period). */
  descending?: boolean
  after?: { periodStart: string; id: string }
  limit: number
}

/**
 * The partnership's measurements matching the filter, in period order (then id), one keyset page;
 * `from`/`to` are dates bounding the period start. Shared by the JSON list and the CSV export.
 */
// Typed loosely (the two callers join different tables); the row type O passes through unchanged.
function filtered<O>(
  query: SelectQueryBuilder<any, any, O>,
  partnershipId: string,
  filter: MeasurementFilter,
): SelectQueryBuilder<any, any, O> {
  let q = query.where('measurement.partnershipId', '=', partnershipId)
  if (filter.indicatorId !== undefined) q = q.where('measurement.indicatorId', '=', filter.indicatorId)
  if (filter.areaId !== undefined) q = q.where('measurement.areaId', '=', filter.areaId)
  if (filter.status !== undefined) q = q.where('measurement.status', '=', filter.status)
  if (filter.from !== undefined) q = q.where('measurement.periodStart', '>=', filter.from)
  if (filter.to !== undefined) q = q.where('measurement.periodStart', '<=', filter.to)
  if (filter.q !== undefined) {
    const text = filter.q
    q = q.where((eb) =>
      eb.or(
        (['measurement.source', 'measurement.reason'] as const).map(
          (c) => sql<boolean>`coalesce(strpos(lower(${sql.ref(c)}), lower(${text})), 0) > 0`,
        ),
      ),
    )
  }
  const direction = filter.descending === true ? 'desc' : 'asc'
  if (filter.after !== undefined) {
    const { periodStart, id } = filter.after
    q = q.where((eb) =>
      eb(
        eb.refTuple('measurement.periodStart', 'measurement.id'),
        direction === 'desc' ? '<' : '>',
        eb.tuple(periodStart, id),
      ),
    )
  }
  return q.orderBy('measurement.periodStart', direction).orderBy('measurement.id', direction).limit(filter.limit)
}

export function listMeasurements(db: Db, partnershipId: string, filter: MeasurementFilter) {
  return filtered(db.selectFrom('measurement').select(MEASUREMENT_COLUMNS), partnershipId, filter).execute()
}

/** The partnership's published figures matching the filter, in period order (then id), one keyset page. */
export function listPublished(db: Db, partnershipId: string, filter: Omit<MeasurementFilter, 'status'>) {
  return filtered(db.selectFrom('measurement').select(PUBLISHED_COLUMNS), partnershipId, {
    ...filter,
    status: 'published',
  }).execute()
}

/** The ids of the indicator (by id or reference) and area (by id or code) a measurement's path names. */
export async function keyIds(db: Db, partnershipId: string, indicator: string, area: string) {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
  const [i, a] = await Promise.all([
    db
      .selectFrom('indicator')
      .select('id')
      .where('partnershipId', '=', partnershipId)
      .where(uuid.test(indicator) ? 'id' : 'reference', '=', uuid.test(indicator) ? indicator.toLowerCase() : indicator)
      .executeTakeFirst(),
    db
      .selectFrom('area')
      .select('id')
      .where('partnershipId', '=', partnershipId)
      .where(uuid.test(area) ? 'id' : 'code', '=', uuid.test(area) ? area.toLowerCase() : area)
      .executeTakeFirst(),
  ])
  return { indicatorId: i?.id, areaId: a?.id }
}

/** Indicators and areas a batch may name, by id and by reference or code. */
export async function lookups(db: Db, partnershipId: string) {
  const [indicators, areas, settings] = await Promise.all([
    db
      .selectFrom('indicator')
      .select(['id', 'reference', 'unit', 'aggregation', 'ratePer', 'rateDenominator', 'frequency', 'sourceAgencyId'])
      .where('partnershipId', '=', partnershipId)
      .execute(),
    db.selectFrom('area').select(['id', 'code']).where('partnershipId', '=', partnershipId).execute(),
    db
      .selectFrom('partnership')
      .select(['outlierLevel', 'outlierMaxMultiple', 'strictValidation'])
      .where('id', '=', partnershipId)
      .executeTakeFirstOrThrow(),
  ])
  return {
    indicators,
    areas,
    outliers: { level: Number(settings.outlierLevel), maxMultiple: Number(settings.outlierMaxMultiple) },
    strictValidation: settings.strictValidation,
  }
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
      'measurement.reason',
    ])
  return filtered(query, partnershipId, filter).execute()
}

export interface OverriddenFigure {
  period: string
  sentBy: string
  reason: string
  agencyId: string
}

/** Figures in a window of period starts that a person sent over an agency feed's figure. */
export async function overriddenFigures(db: Db, partnershipId: string, from: string, to: string) {
  const rows = await db
    .selectFrom('measurement')
    .select(['indicatorId', 'areaId', 'period', 'periodStart', 'sentBy', 'reason', 'overriddenAgencyId'])
    .where('partnershipId', '=', partnershipId)
    .where('overriddenAgencyId', 'is not', null)
    .where('periodStart', '>=', from)
    .where('periodStart', '<=', to)
    .orderBy('periodStart')
    .execute()
  return rows.map((r) => ({
    indicatorId: r.indicatorId,
    areaId: r.areaId,
    periodStart: r.periodStart,
    period: r.period,
    sentBy: r.sentBy,
    // Set with the override, and kept through a person's corrections of it (upsertMeasurements).
    reason: r.reason ?? '',
    agencyId: r.overriddenAgencyId!,
  }))
}
