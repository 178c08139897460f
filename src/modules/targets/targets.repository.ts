import { sql } from 'kysely'
import type { Db } from '../../db/client.js'

/**
 * The partnership's targets for this indicator and area whose years overlap the dates given, after
 * taking a lock that serialises target writes for the pair (so two overlapping creates cannot both pass).
 */
export async function overlappingTargets(trx: Db, partnershipId: string, indicatorId: string, areaId: string, range: { start: string; end: string }) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`target:${partnershipId}:${indicatorId}:${areaId}`}, 0))`.execute(trx)
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

/** What settling a target needs: the partnership's year start and the indicator's decimal places. */
export function targetContext(db: Db, partnershipId: string, indicatorId: string) {
  return db
    .selectFrom('indicator')
    .innerJoin('partnership', 'partnership.id', 'indicator.partnershipId')
    .select(['partnership.financialYearStartMonth', 'indicator.decimalPlaces'])
    .where('indicator.partnershipId', '=', partnershipId)
    .where('indicator.id', '=', indicatorId)
    .executeTakeFirst()
}
