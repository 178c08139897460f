import { sql } from 'kysely'
import type { Db } from '../../db/client.js'

/** What the expected returns are worked out from: indicators, where each is reported, what has come. */
export async function returnsData(db: Db, partnershipId: string, from: string, to: string) {
  const [indicators, pairs, areas, received, latest] = await Promise.all([
    db
      .selectFrom('indicator')
      .leftJoin('agency', 'agency.id', 'indicator.sourceAgencyId')
      .select([
        'indicator.id',
        'indicator.reference',
        'indicator.name',
        'indicator.frequency',
        'indicator.dataLagDays',
        'indicator.sourceAgencyId as agencyId',
        'agency.name as agencyName',
      ])
      .where('indicator.partnershipId', '=', partnershipId)
      .where('indicator.archived', '=', false)
      .orderBy('indicator.reference')
      .execute(),
    // Where each indicator is reported: any area it has ever had a figure or a target for.
    sql<{ indicatorId: string; areaId: string }>`
      select indicator_id as "indicatorId", area_id as "areaId" from measurement where partnership_id = ${partnershipId}
      union
      select indicator_id, area_id from target where partnership_id = ${partnershipId} and not archived`
      .execute(db.withoutPlugins())
      .then((r) => r.rows),
    db
      .selectFrom('area')
      .select(['id', 'name', 'code', 'parentId'])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .orderBy('name')
      .execute(),
    sql<{ indicatorId: string; areaId: string; period: string; receivedOn: string }>`
      select indicator_id as "indicatorId", area_id as "areaId", period,
        to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as "receivedOn"
      from measurement
      where partnership_id = ${partnershipId} and period_start >= ${from} and period_start <= ${to}`
      .execute(db.withoutPlugins())
      .then((r) => r.rows),
    // A survey's latest figure says which kind of year it comes in, and a biennial one's step.
    sql<{ indicatorId: string; period: string; periodStart: string }>`
      select distinct on (m.indicator_id) m.indicator_id as "indicatorId", m.period,
        to_char(m.period_start, 'YYYY-MM-DD') as "periodStart"
      from measurement m join indicator i on i.id = m.indicator_id
      where m.partnership_id = ${partnershipId} and i.frequency in ('annual', 'biennial')
      order by m.indicator_id, m.period_start desc`
      .execute(db.withoutPlugins())
      .then((r) => r.rows),
  ])
  return { indicators, pairs, areas, received, latest }
}
