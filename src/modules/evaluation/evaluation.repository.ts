import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../../db/client.js'
import type { EvalIndicator, EvalMeasurement } from '../../domain/evaluation/index.js'
import type { RateDenominator } from '../../domain/indicators.js'

/** An indicator as the engine takes it, with what reports show of it. */
export interface IndicatorRow extends EvalIndicator {
  id: string
  reference: string
  name: string
  parentId: string | null
  priorityIds: string[]
  rateDenominator: RateDenominator
}

export interface MeasurementRow extends EvalMeasurement {
  indicatorId: string
  areaId: string
}

/** Everything an evaluation reads, for the indicators and the date window asked for: one round trip each. */
export async function evaluationData(
  db: Db,
  partnershipId: string,
  fyStartMonth: number,
  window: { from: string; yearsFrom: string; to: string; knownAt?: Date },
  indicatorId?: string,
) {
  const measurementColumns = ['indicatorId', 'areaId', 'period', 'value', 'numerator', 'denominator', 'status'] as const
  const only = indicatorId === undefined ? sql`` : sql`and indicator_id = ${indicatorId}`
  const [indicators, areas, targets, measurements, yearly, populations, settings] = await Promise.all([
    db
      .selectFrom('indicator')
      .select([
        'id',
        'reference',
        'name',
        'unit',
        'polarity',
        'frequency',
        'aggregation',
        'ratePer',
        'decimalPlaces',
        'defaultTolerancePercent',
        'dataLagDays',
        'parentId',
        'rateDenominator',
        sql<
          string[]
        >`array(select ip.priority_id from indicator_priority ip where ip.indicator_id = indicator.id order by 1)`.as(
          'priorityIds',
        ),
      ])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .$if(indicatorId !== undefined, (q) => q.where('id', '=', indicatorId!))
      .orderBy('reference')
      .execute() as Promise<IndicatorRow[]>,
    db
      .selectFrom('area')
      .select(['id', 'name', 'code', 'parentId'])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .orderBy('name')
      .execute(),
    db
      .selectFrom('target')
      .select([
        'indicatorId',
        'areaId',
        'period',
        'status',
        'baselineValue',
        'targetValue',
        'tolerancePercent',
        'profile',
        'judgedOn',
      ])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .where('periodEnd', '>=', window.from)
      .where('periodStart', '<=', window.to)
      .$if(indicatorId !== undefined, (q) => q.where('indicatorId', '=', indicatorId!))
      // One target per indicator, area and year (overlaps are refused); ordered, so that older data holding
      // overlaps still evaluates the same way every time.
      .orderBy('periodStart')
      .orderBy('id')
      .execute(),
    // The hottest read there is (50,000 rows for a partnership of 200 indicators): the columns come back
    // already named as the engine wants them, past the camel-case plugin, which rebuilt every row.
    window.knownAt === undefined
      ? sql<MeasurementRow>`
      select indicator_id as "indicatorId", area_id as "areaId", period, value, numerator, denominator, status
      from measurement
      where partnership_id = ${partnershipId} and period_start >= ${window.from} and period_start <= ${window.to}
        ${only}`
          .execute(db.withoutPlugins())
          .then((r) => r.rows)
      : measurementsKnownAt(
          db,
          partnershipId,
          window.knownAt,
          sql`v.period_start >= ${window.from}
          and v.period_start <= ${window.to} ${only}`,
        ),
    // Annual and biennial surveys are judged on their latest value, which may be older than the window.
    window.knownAt === undefined
      ? (db
          .selectFrom('measurement')
          .select(measurementColumns)
          .where('partnershipId', '=', partnershipId)
          .where('indicatorId', 'in', (eb) =>
            eb
              .selectFrom('indicator')
              .select('id')
              .where('partnershipId', '=', partnershipId)
              .where('frequency', 'in', ['annual', 'biennial'])
              .$if(indicatorId !== undefined, (q) => q.where('id', '=', indicatorId!)),
          )
          .where('periodStart', '>=', window.yearsFrom)
          .where('periodStart', '<', window.from)
          .execute() as Promise<MeasurementRow[]>)
      : measurementsKnownAt(
          db,
          partnershipId,
          window.knownAt,
          sql`v.period_start >= ${window.yearsFrom}
          and v.period_start < ${window.from} ${only} and indicator_id in (select id from indicator
            where partnership_id = ${partnershipId} and frequency in ('annual', 'biennial'))`,
        ),
    // The denominators of rates of the population, by area code and year (a few rows a year an area).
    db
      .selectFrom('population')
      .select(['code', 'year', 'population'])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .execute(),
    db
      .selectFrom('partnership')
      .select(['persistentRedPeriods', 'viewerMinimumStatus'])
      .where('id', '=', partnershipId)
      .executeTakeFirst(),
  ])
  return {
    fyStartMonth,
    persistentRedPeriods: settings?.persistentRedPeriods ?? 3,
    viewerMinimumStatus: settings?.viewerMinimumStatus ?? 'provisional',
    indicators,
    areas,
    targets,
    populations,
    measurements: yearly.length === 0 ? measurements : [...yearly, ...measurements],
  }
}

/**
 * The measurements as they stood at `knownAt`: of every version of a figure (the measurement and its
 * revisions), the latest whose value it held by then, unless it was deleted by then.
 */
async function measurementsKnownAt(db: Db, partnershipId: string, knownAt: Date, where: RawBuilder<unknown>) {
  const result = await sql<MeasurementRow>`
    select "indicatorId", "areaId", period, value, numerator, denominator, status from (
      select distinct on (v.indicator_id, v.area_id, v.period)
        v.indicator_id as "indicatorId", v.area_id as "areaId", v.period, v.value, v.numerator, v.denominator,
        v.status, v.deleted_at
      from (
        select indicator_id, area_id, period, period_start, value, numerator, denominator, status, value_since,
          revision, null::timestamptz as deleted_at
        from measurement where partnership_id = ${partnershipId}
        union all
        select indicator_id, area_id, period, period_start, value, numerator, denominator, status, value_since,
          revision, deleted_at
        from measurement_revision where partnership_id = ${partnershipId}
      ) v
      where v.value_since <= ${knownAt} and ${where}
      order by v.indicator_id, v.area_id, v.period, v.value_since desc, v.revision desc
    ) known
    where deleted_at is null or deleted_at > ${knownAt}`.execute(db.withoutPlugins())
  return result.rows
}

/**
 * The latest comment on each indicator and area for periods starting on or before `upTo`; with `knownAt`,
 * of the comments written by then, each with the text it had then (an edit keeps the text it replaced);
 * `publicOnly`, of the comments marked public.
 */
export async function latestCommentary(
  db: Db,
  partnershipId: string,
  upTo: string,
  knownAt?: Date,
  publicOnly = false,
) {
  const rows = await db
    .selectFrom('commentary')
    .distinctOn(['indicatorId', 'areaId'])
    .select(['id', 'indicatorId', 'areaId', 'period', 'body', 'author', 'updatedAt'])
    .$if(knownAt !== undefined, (q) =>
      q.select((eb) =>
        eb
          .selectFrom('commentaryRevision')
          .select((r) => r.fn.jsonAgg(sql`json_build_object('body', body, 'writtenAt', written_at)`).as('then'))
          .whereRef('commentaryRevision.commentaryId', '=', 'commentary.id')
          .where('commentaryRevision.partnershipId', '=', partnershipId)
          .where('commentaryRevision.writtenAt', '<=', knownAt!)
          .as('earlier'),
      ),
    )
    .where('partnershipId', '=', partnershipId)
    .where('archived', '=', false)
    .where('periodStart', '<=', upTo)
    .$if(publicOnly, (q) => q.where('visibility', '=', 'public'))
    .$if(knownAt !== undefined, (q) => q.where('createdAt', '<=', knownAt!))
    .orderBy('indicatorId')
    .orderBy('areaId')
    .orderBy('periodStart', 'desc')
    .orderBy('createdAt', 'desc')
    .execute()
  if (knownAt === undefined) return rows
  // A comment edited since: the text it had then is the latest revision written by then.
  return rows.map(({ earlier, ...row }) => {
    if (row.updatedAt <= knownAt) return row
    const texts = ((earlier as Array<{ body: string; writtenAt: string }> | null) ?? []).sort((a, b) =>
      a.writtenAt < b.writtenAt ? 1 : -1,
    )
    const then = texts[0]
    return then === undefined ? row : { ...row, body: then.body, updatedAt: new Date(then.writtenAt) }
  })
}

export function indicatorFrequency(db: Db, partnershipId: string, indicatorId: string) {
  return db
    .selectFrom('indicator')
    .select('frequency')
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', indicatorId)
    .executeTakeFirst()
}

export function priorityNames(db: Db, partnershipId: string) {
  return db
    .selectFrom('priority')
    .select(['id', 'code', 'name'])
    .where('partnershipId', '=', partnershipId)
    .orderBy('code')
    .execute()
}

/** The start of an indicator's latest measured period on or before a date, in any area. */
export async function latestPeriodStart(db: Db, partnershipId: string, indicatorId: string, onOrBefore: string) {
  const row = await db
    .selectFrom('measurement')
    .select((eb) => eb.fn.max('periodStart').as('latest'))
    .where('partnershipId', '=', partnershipId)
    .where('indicatorId', '=', indicatorId)
    .where('periodStart', '<=', onOrBefore)
    .executeTakeFirst()
  return (row?.latest as string | null | undefined) ?? undefined
}
