import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { FindingState } from '../../db/types.js'
import { dateRange, monthIndex, periodContaining } from '../../domain/periods.js'
import {
  judgeFigure,
  type FigureKind,
  type Finding,
  type HistoryPoint,
  type OutlierSettings,
} from '../../domain/outliers.js'
import { recordEvent } from '../events/events.repository.js'

/** A finding as the writer hears it: which row of the write, which figure, and why. */
export interface Outlier extends Finding {
  row: number
  indicatorId: string
  areaId: string
  period: string
}

/** The figures of a write, column by column (the measurement chunk's shape). */
export interface WrittenFigures {
  row: number[]
  indicatorId: string[]
  areaId: string[]
  period: string[]
  periodStart: string[]
}

/** How an indicator's figures are judged: as counts or rates, and how many months make "a year earlier". */
export type Judging = (indicatorId: string) => { kind: FigureKind; yearMonths: number }

/**
 * How far back a figure's history reaches, in months: what the rules need and no more, since it is read
 * for every row written. A month needs the same month a year earlier and the three before it (15), which
 * also gives a rate its 12 figures; a quarter or a year reads three years.
 */
const historyMonths = (period: string) => (/^\d{4}-\d{2}$/.test(period) ? 15 : 36)

/** A period key's form: figures are compared only with earlier figures of the same form (months with months). */
const formOf = (period: string) => (period.startsWith('FY') ? 'f' : period.includes('Q') ? 'q' : period.length)

interface Stored extends HistoryPoint {
  id: string
  period: string
  revision: number
  /** Its value was written by this transaction (value_since is the transaction's start): judged now. */
  fresh: boolean
}

/**
 * Judges the figures just written (in the write's transaction, so the batch's own earlier months count
 * as history) and keeps what looks unlike its history as findings of the measurement's revision, once per
 * figure and rule; findings of a value since replaced are superseded. Answers every outlier of the write:
 * a figure sent again unchanged was judged when it came, and is not judged (nor told) again.
 */
export async function judgeWritten(
  trx: Db,
  partnershipId: string,
  foundBy: string,
  written: WrittenFigures,
  judging: Judging,
  settings: OutlierSettings,
): Promise<Outlier[]> {
  if (written.row.length === 0) return []
  let from = '9999-12-31'
  let last = written.periodStart[0]!
  written.periodStart.forEach((day, i) => {
    const start = dateRange(periodContaining('month', monthIndex(day) - historyMonths(written.period[i]!))).start
    if (start < from) from = start
    if (day > last) last = day
  })
  const { rows } = await sql<Stored & { indicatorId: string; areaId: string }>`
    select m.id, m.indicator_id as "indicatorId", m.area_id as "areaId", m.period, m.revision,
      m.value_since = now()::timestamptz(3) as fresh,
      (extract(year from m.period_start) * 12 + extract(month from m.period_start) - 1)::int as month,
      m.value::float8 as value, m.numerator::float8 as numerator, m.denominator::float8 as denominator
    from (select distinct i, a from unnest(${written.indicatorId}::uuid[], ${written.areaId}::uuid[]) as p(i, a)) p
    join measurement m on m.partnership_id = ${partnershipId} and m.indicator_id = p.i and m.area_id = p.a
    where m.period_start >= ${from} and m.period_start <= ${last}
    order by m.indicator_id, m.area_id, m.period_start`.execute(trx.withoutPlugins())
  const series = new Map<string, Stored[]>()
  for (const r of rows) {
    const key = `${r.indicatorId}|${r.areaId}|${formOf(r.period)}`
    const list = series.get(key)
    if (list === undefined) series.set(key, [r])
    else list.push(r)
  }
  const found: Outlier[] = []
  const kept: Array<Outlier & { measurementId: string; revision: number; periodStart: string }> = []
  const ids: string[] = []
  for (let i = 0; i < written.row.length; i++) {
    const indicatorId = written.indicatorId[i]!
    const areaId = written.areaId[i]!
    const period = written.period[i]!
    const list = series.get(`${indicatorId}|${areaId}|${formOf(period)}`) ?? []
    const at = list.findIndex((p) => p.period === period)
    // A row the write did not keep (a status moving back), or whose value it did not change (a feed
    // re-sending its month), has nothing new to judge.
    if (at < 0 || !list[at]!.fresh) continue
    const current = list[at]!
    ids.push(current.id)
    const earlier = list.slice(0, at).filter((p) => p.month >= current.month - historyMonths(period))
    const { kind, yearMonths } = judging(indicatorId)
    for (const finding of judgeFigure(kind, current, earlier, settings, yearMonths)) {
      const outlier = { row: written.row[i]!, indicatorId, areaId, period, ...finding }
      found.push(outlier)
      kept.push({
        ...outlier,
        measurementId: current.id,
        revision: current.revision,
        periodStart: written.periodStart[i]!,
      })
    }
  }
  await sql`
    update measurement_finding f set state = 'superseded', version = f.version + 1, updated_at = now()
    from measurement m
    where m.id = f.measurement_id and f.measurement_id = any(${ids}::uuid[]) and f.revision < m.revision
      and f.state in ('open', 'confirmed')`.execute(trx)
  if (kept.length > 0) {
    const column = <K extends keyof (typeof kept)[number]>(k: K) => kept.map((f) => f[k])
    const { rows: raised } = await sql<RaisedFinding>`
      insert into measurement_finding (partnership_id, measurement_id, indicator_id, area_id, period, period_start,
        revision, figure, rule, sent, expected, low, high, score, message, found_by)
      select ${partnershipId}, * , ${foundBy} from unnest(${column('measurementId')}::uuid[], ${column('indicatorId')}::uuid[],
        ${column('areaId')}::uuid[], ${column('period')}::text[], ${column('periodStart')}::date[],
        ${column('revision')}::int[], ${column('figure')}::text[], ${column('rule')}::text[], ${column('sent')}::numeric[],
        ${column('expected')}::numeric[], ${column('low')}::numeric[], ${column('high')}::numeric[],
        ${column('score')}::float8[], ${column('message')}::text[])
      on conflict (measurement_id, revision, figure, rule) do nothing
      returning id, indicator_id as "indicatorId", area_id as "areaId", period, figure, rule`.execute(trx)
    // A figure queried is a bad flag it did not have (data_query): told once per write, naming at most 100.
    if (raised.length > 0)
      await recordEvent(trx, partnershipId, 'evaluation.flag_raised', {
        flag: 'data_query',
        count: raised.length,
        findings: raised.slice(0, 100),
      })
  }
  return found
}

interface RaisedFinding {
  id: string
  indicatorId: string
  areaId: string
  period: string
  figure: string
  rule: string
}

const asNumber = (column: string) => sql<number | null>`${sql.ref(column)}::float8`.as(column)

export const FINDING_COLUMNS = [
  'id',
  'measurementId',
  'indicatorId',
  'areaId',
  'period',
  'revision',
  'figure',
  'rule',
  sql<number>`sent::float8`.as('sent'),
  asNumber('expected'),
  asNumber('low'),
  asNumber('high'),
  'score',
  'message',
  'state',
  'reason',
  'decidedBy',
  'decidedAt',
  'foundBy',
  'version',
  'createdAt',
  'updatedAt',
] as const

export interface FindingFilter {
  state?: FindingState
  indicatorId?: string
  areaId?: string
  from?: string
  to?: string
  limit: number
  after?: { createdAt: string; id: string }
}

/** Findings newest first (then id), by state, indicator, area and a window of period start days. */
export function listFindings(db: Db, partnershipId: string, filter: FindingFilter) {
  return db
    .selectFrom('measurementFinding')
    .select(FINDING_COLUMNS)
    .where('partnershipId', '=', partnershipId)
    .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state!))
    .$if(filter.indicatorId !== undefined, (q) => q.where('indicatorId', '=', filter.indicatorId!))
    .$if(filter.areaId !== undefined, (q) => q.where('areaId', '=', filter.areaId!))
    .$if(filter.from !== undefined, (q) => q.where('periodStart', '>=', filter.from!))
    .$if(filter.to !== undefined, (q) => q.where('periodStart', '<=', filter.to!))
    .$if(filter.after !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('createdAt', '<', new Date(filter.after!.createdAt)),
          eb.and([eb('createdAt', '=', new Date(filter.after!.createdAt)), eb('id', '>', filter.after!.id)]),
        ]),
      ),
    )
    .orderBy('createdAt', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .execute()
}

export function findFinding(db: Db, partnershipId: string, id: string, lock = false) {
  let query = db
    .selectFrom('measurementFinding')
    .select(FINDING_COLUMNS)
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
  if (lock) query = query.forUpdate()
  return query.executeTakeFirst()
}

export function decideFinding(
  trx: Db,
  id: string,
  decision: { state: 'confirmed' | 'dismissed'; reason: string; decidedBy: string },
) {
  return trx
    .updateTable('measurementFinding')
    .set((eb) => ({
      ...decision,
      decidedAt: new Date(),
      version: eb('version', '+', 1),
      updatedAt: new Date(),
    }))
    .where('id', '=', id)
    .returning(FINDING_COLUMNS)
    .executeTakeFirstOrThrow()
}

/**
 * The figures in doubt in a window of periods (open or confirmed findings), as they stood at `knownAt`
 * when given: found by then, and not yet decided or replaced then.
 */
export async function queriedFigures(db: Db, partnershipId: string, from: string, to: string, knownAt?: Date) {
  return db
    .selectFrom('measurementFinding')
    .select(['indicatorId', 'areaId', 'period', 'periodStart', 'rule', 'message'])
    .where('partnershipId', '=', partnershipId)
    .where('periodStart', '>=', from)
    .where('periodStart', '<=', to)
    .$if(knownAt === undefined, (q) => q.where('state', 'in', ['open', 'confirmed']))
    .$if(knownAt !== undefined, (q) =>
      q
        .where('createdAt', '<=', knownAt!)
        .where((eb) => eb.or([eb('state', 'in', ['open', 'confirmed']), eb('updatedAt', '>', knownAt!)])),
    )
    .orderBy('periodStart')
    .execute()
}
