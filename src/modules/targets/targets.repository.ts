import type { Db } from '../../db/client.js'

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
