import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import { covers, type TableSpec } from '../resource/resource.repository.js'

export const populationSpec: TableSpec<'population'> = {
  table: 'population',
  type: 'population',
  columns: ['code', 'year', 'population', 'source'],
  sorts: { code: 'code', year: 'year', createdAt: 'createdAt' },
  search: 'code',
}

export const peerGroupSpec: TableSpec<'peerGroup'> = {
  table: 'peerGroup',
  type: 'peer group',
  columns: ['name', 'description', 'source'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
}

export const peerMemberSpec: TableSpec<'peerMember'> = {
  table: 'peerMember',
  type: 'peer member',
  columns: ['code', 'name', 'areaId', 'startsOn', 'endsOn'],
  sorts: { code: 'code', startsOn: 'startsOn', createdAt: 'createdAt' },
  search: ['name', 'code'],
  parent: { column: 'groupId', param: 'groupId', table: 'peerGroup', type: 'peer group' },
  conditions: {
    asOf: (table, date) => covers(table, date as string),
    on: (table, date) => covers(table, date as string),
  },
}

export const peerFigureSpec: TableSpec<'peerFigure'> = {
  table: 'peerFigure',
  type: 'peer figure',
  columns: ['indicatorId', 'code', 'period', 'periodStart', 'periodEnd', 'value', 'source', 'sentBy'],
  sorts: { periodStart: 'periodStart', code: 'code', createdAt: 'createdAt' },
  search: 'code',
}

/** The groups of the partnership with their members on a day (all groups, or one). */
export function membersOn(db: Db, partnershipId: string, on: string, groupId?: string) {
  return db
    .selectFrom('peerMember')
    .innerJoin('peerGroup', (join) =>
      join
        .onRef('peerGroup.partnershipId', '=', 'peerMember.partnershipId')
        .onRef('peerGroup.id', '=', 'peerMember.groupId'),
    )
    .select([
      'peerMember.groupId',
      'peerGroup.name as group',
      'peerMember.code',
      'peerMember.name',
      'peerMember.areaId',
    ])
    .where('peerMember.partnershipId', '=', partnershipId)
    .where('peerMember.archived', '=', false)
    .where('peerGroup.archived', '=', false)
    .$if(groupId !== undefined, (q) => q.where('peerMember.groupId', '=', groupId!))
    .where(covers('peerMember', on))
    .orderBy('peerMember.code')
    .execute()
}

/** Whether the partnership keeps any peer group: most do not, and then nothing else need be read. */
export async function hasPeerGroups(db: Db, partnershipId: string): Promise<boolean> {
  const row = await db
    .selectFrom('peerGroup')
    .select('id')
    .where('partnershipId', '=', partnershipId)
    .where('archived', '=', false)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * The figures within a window, as (code or area, period, length in months, value): the partnership's own
 * areas' from their measurements, the peers' from their figures. Both are counts for the indicators a
 * comparison takes.
 */
export async function windowFigures(
  db: Db,
  partnershipId: string,
  indicatorIds: readonly string[],
  window: { start: string; end: string },
) {
  if (indicatorIds.length === 0) return { own: [], peers: [] }
  const [own, peers] = await Promise.all([
    db
      .selectFrom('measurement')
      .select(['indicatorId', 'areaId', 'period', 'periodStart', 'periodEnd', 'value'])
      .where('partnershipId', '=', partnershipId)
      .where('indicatorId', 'in', indicatorIds)
      .where('periodStart', '>=', window.start)
      .where('periodEnd', '<=', window.end)
      .execute(),
    db
      .selectFrom('peerFigure')
      .select(['indicatorId', 'code', 'period', 'periodStart', 'periodEnd', 'value'])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .where('indicatorId', 'in', indicatorIds)
      .where('periodStart', '>=', window.start)
      .where('periodEnd', '<=', window.end)
      .execute(),
  ])
  return { own, peers }
}

/**
 * Populations by code and year, for the codes given: one array parameter, as a group's thousand codes in
 * an IN list cost the query builder milliseconds to compile on every comparison.
 */
export function populationsOf(db: Db, partnershipId: string, codes: readonly string[]) {
  if (codes.length === 0) return Promise.resolve([])
  return db
    .selectFrom('population')
    .select(['code', 'year', 'population'])
    .where('partnershipId', '=', partnershipId)
    .where('archived', '=', false)
    .where(sql<boolean>`code = any(${codes}::text[])`)
    .execute()
}

/** The indicators a comparison may take, with what it needs of them. */
export function comparableIndicators(db: Db, partnershipId: string, ids?: readonly string[]) {
  return db
    .selectFrom('indicator')
    .select([
      'id',
      'reference',
      'name',
      'unit',
      'aggregation',
      'polarity',
      'ratePer',
      'rateDenominator',
      'decimalPlaces',
    ])
    .where('partnershipId', '=', partnershipId)
    .$if(ids !== undefined, (q) => q.where('id', 'in', ids!.length === 0 ? [sql<string>`null`] : ids!))
    .execute()
}

/**
 * Populations as columns, upserted in one statement: answers how many were new and how many changed. A row
 * sent again for an archived population brings it back: sending a figure says it stands.
 */
export async function upsertPopulations(trx: Db, partnershipId: string, rows: PopulationColumns) {
  const result = await sql<{ inserted: number; updated: number }>`
    with written as (
      insert into population as p (partnership_id, code, year, population, source)
      select ${partnershipId}, code, year, population, source
      from unnest(${rows.code}::text[], ${rows.year}::int[], ${rows.population}::int[], ${rows.source}::text[])
        as i(code, year, population, source)
      order by code, year
      on conflict (partnership_id, code, year) do update
        set population = excluded.population, source = excluded.source, archived = false, version = p.version + 1,
            updated_at = now()
        where (p.population, p.source, p.archived) is distinct from (excluded.population, excluded.source, false)
      returning (p.xmax = 0) as inserted
    )
    select (count(*) filter (where inserted))::int as inserted, (count(*) filter (where not inserted))::int as updated
    from written`.execute(trx)
  return result.rows[0] ?? { inserted: 0, updated: 0 }
}

/** A chunk of populations, a column each. */
export interface PopulationColumns {
  code: string[]
  year: number[]
  population: number[]
  source: (string | null)[]
}

/** A chunk of peer figures, a column each: a statement binds each as one array. */
export interface PeerFigureColumns {
  indicatorId: string[]
  code: string[]
  period: string[]
  periodStart: string[]
  periodEnd: string[]
  value: string[]
  source: (string | null)[]
}

/** Peer figures as columns, upserted in one statement, in key order (so two batches cannot deadlock). */
export async function upsertPeerFigures(trx: Db, partnershipId: string, sentBy: string, rows: PeerFigureColumns) {
  const result = await sql<{ inserted: number; updated: number }>`
    with written as (
      insert into peer_figure as f (partnership_id, indicator_id, code, period, period_start, period_end, value, source, sent_by)
      select ${partnershipId}, indicator_id, code, period, period_start, period_end, value, source, ${sentBy}
      from unnest(${rows.indicatorId}::uuid[], ${rows.code}::text[], ${rows.period}::text[], ${rows.periodStart}::date[],
        ${rows.periodEnd}::date[], ${rows.value}::numeric[], ${rows.source}::text[])
        as i(indicator_id, code, period, period_start, period_end, value, source)
      order by indicator_id, code, period
      on conflict (partnership_id, indicator_id, code, period) do update
        set value = excluded.value, source = excluded.source, sent_by = excluded.sent_by, archived = false,
            version = f.version + 1, updated_at = now()
        where (f.value, f.source, f.archived) is distinct from (excluded.value, excluded.source, false)
      returning (f.xmax = 0) as inserted
    )
    select (count(*) filter (where inserted))::int as inserted, (count(*) filter (where not inserted))::int as updated
    from written`.execute(trx)
  return result.rows[0] ?? { inserted: 0, updated: 0 }
}

/**
 * The group's member rows (any dates), under the group's row lock: two members added at once are
 * counted one after the other, so neither passes the cap unseen.
 */
export async function lockedMemberCount(trx: Db, partnershipId: string, groupId: string): Promise<number> {
  await trx
    .selectFrom('peerGroup')
    .select('id')
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', groupId)
    .forUpdate()
    .executeTakeFirst()
  const row = await trx
    .selectFrom('peerMember')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('partnershipId', '=', partnershipId)
    .where('groupId', '=', groupId)
    .where('archived', '=', false)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
