/**
 * The partnership the evaluation benchmarks read: `indicators` x `areas` x ten years of monthly data
 * (a fifth of the indicators ratios with numerator and denominator), a target per indicator, area and
 * year, and four priorities. Built set-based in SQL: the benchmarks measure evaluation, not loading.
 */
import { sql } from 'kysely'
import type { Db } from '../src/db/client.js'

export const YEARS = 10
/** The last month of ten financial years from April 2001. */
export const PERIOD = '2011-03'
export const AS_OF = '2011-06-30'

export async function buildDataset(
  db: Db,
  partnershipId: string,
  size: { indicators: number; areas: number },
): Promise<void> {
  for (const code of ['ASB', 'VC', 'SAC', 'DA'])
    await sql`insert into priority (partnership_id, name, code) values (${partnershipId}, ${`Priority ${code}`}, ${code})`.execute(
      db,
    )
  await sql`
    insert into area (partnership_id, name, type, code)
    select ${partnershipId}, 'Area ' || a, 'ward', 'W' || a from generate_series(1, ${size.areas}) a
  `.execute(db)
  await sql`
    insert into indicator (partnership_id, reference, name, unit, polarity, frequency, aggregation, decimal_places)
    select ${partnershipId}, 'B' || i, 'Indicator ' || i,
           case when i % 5 = 0 then 'percentage' else 'count' end,
           case when i % 7 = 0 then 'higher_better' else 'lower_better' end,
           'monthly',
           case when i % 5 = 0 then 'ratio_of_sums' else 'sum' end,
           case when i % 5 = 0 then 1 else 0 end
    from generate_series(1, ${size.indicators}) i
  `.execute(db)
  await sql`
    insert into indicator_priority (partnership_id, indicator_id, priority_id)
    select i.partnership_id, i.id, p.id from indicator i
    join lateral (select id from priority where partnership_id = i.partnership_id order by code offset (substr(i.reference, 2)::int % 4) limit 1) p on true
    where i.partnership_id = ${partnershipId}
  `.execute(db)
  // Counts wander around a level per indicator and area; ratios are numerator of denominator. Every figure
  // is a hash of names and the month, not random(), so each run judges the same data (the same RAGs).
  await sql`
    insert into measurement (partnership_id, indicator_id, area_id, period, period_start, period_end, value, numerator, denominator, sent_by)
    select i.partnership_id, i.id, a.id, to_char(d, 'YYYY-MM'), d, (d + interval '1 month - 1 day')::date,
           case when i.unit = 'count' then 20 + (hashtext(i.reference || a.code) & 63) + (hashtext(i.reference || a.code || d::text) & 1023) * 12 / 1024
                else round(100.0 * n / den, 6) end,
           case when i.unit = 'count' then null else n end,
           case when i.unit = 'count' then null else den end,
           'bench'
    from indicator i cross join area a
    cross join generate_series(date '2001-04-01', date '2011-03-01', interval '1 month') d
    cross join lateral (select (hashtext(a.code || i.reference || d::text) & 1023) * 10 / 1024 + 5 as n, 40 as den) r
    where i.partnership_id = ${partnershipId} and a.partnership_id = ${partnershipId}
  `.execute(db)
  await sql`
    insert into target (partnership_id, indicator_id, area_id, period, period_start, period_end, target_value)
    select i.partnership_id, i.id, a.id, 'FY' || y || '-' || lpad(((y + 1) % 100)::text, 2, '0'), make_date(y, 4, 1), make_date(y + 1, 3, 31),
           case when i.unit = 'count' then 12 * (24 + (hashtext(i.reference || a.code) & 63)) else 25 end
    from indicator i cross join area a cross join generate_series(2001, ${2000 + YEARS}) y
    where i.partnership_id = ${partnershipId} and a.partnership_id = ${partnershipId}
  `.execute(db)
}
