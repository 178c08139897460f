import { sql } from 'kysely'
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
  window: { from: string; yearsFrom: string; to: string },
  indicatorId?: string,
) {
  const measurementColumns = ['indicatorId', 'areaId', 'period', 'value', 'numerator', 'denominator', 'status'] as const
  const [indicators, areas, targets, measurements, yearly, populations] = await Promise.all([
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
    sql<MeasurementRow>`
      select indicator_id as "indicatorId", area_id as "areaId", period, value, numerator, denominator, status
      from measurement
      where partnership_id = ${partnershipId} and period_start >= ${window.from} and period_start <= ${window.to}
        ${indicatorId === undefined ? sql`` : sql`and indicator_id = ${indicatorId}`}`
      .execute(db.withoutPlugins())
      .then((r) => r.rows),
    // Annual and biennial surveys are judged on their latest value, which may be older than the window.
    db
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
      .execute() as Promise<MeasurementRow[]>,
    // The denominators of rates of the population, by area code and year (a few rows a year an area).
    db
      .selectFrom('population')
      .select(['code', 'year', 'population'])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .execute(),
  ])
  return {
    fyStartMonth,
    indicators,
    areas,
    targets,
    populations,
    measurements: yearly.length === 0 ? measurements : [...yearly, ...measurements],
  }
}

/** The latest comment on each indicator and area for periods starting on or before `upTo`. */
export async function latestCommentary(db: Db, partnershipId: string, upTo: string) {
  return db
    .selectFrom('commentary')
    .distinctOn(['indicatorId', 'areaId'])
    .select(['id', 'indicatorId', 'areaId', 'period', 'body', 'author', 'updatedAt'])
    .where('partnershipId', '=', partnershipId)
    .where('archived', '=', false)
    .where('periodStart', '<=', upTo)
    .orderBy('indicatorId')
    .orderBy('areaId')
    .orderBy('periodStart', 'desc')
    .orderBy('createdAt', 'desc')
    .execute()
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
