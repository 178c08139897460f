import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { TableSpec } from '../resource/resource.repository.js'

export const targetSpec: TableSpec<'target'> = {
  table: 'target',
  type: 'target',
  columns: [
    'indicatorId',
    'areaId',
    'period',
    'periodStart',
    'periodEnd',
    'status',
    'baselineValue',
    'baselinePeriod',
    'changePercent',
    'targetValue',
    'derivation',
    'tolerancePercent',
    'profile',
    'judgedOn',
  ],
  sorts: { periodStart: 'periodStart', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'period',
}

/**
 * The partnership's targets for this indicator and area whose years overlap the dates given, after
 * taking a lock that serialises target writes for the pair (so two overlapping creates cannot both pass).
 */
export async function overlappingTargets(
  trx: Db,
  partnershipId: string,
  indicatorId: string,
  areaId: string,
  range: { start: string; end: string },
) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`target:${partnershipId}:${indicatorId}:${areaId}`}, 0))`.execute(
    trx,
  )
  return trx
    .selectFrom('target')
    .select(['id', 'period'])
    .where('partnershipId', '=', partnershipId)
    .where('indicatorId', '=', indicatorId)
    .where('areaId', '=', areaId)
    .where('periodStart', '<=', range.end)
    .where('periodEnd', '>=', range.start)
    .orderBy('periodStart')
    .execute()
}

/** The decimal places of an indicator of the partnership (what a derived target is rounded to), if it exists. */
export function indicatorPlaces(db: Db, partnershipId: string, indicatorId: string) {
  return db
    .selectFrom('indicator')
    .select('decimalPlaces')
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', indicatorId)
    .executeTakeFirst()
}
