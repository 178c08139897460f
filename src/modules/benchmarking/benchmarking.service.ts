import { setImmediate as yieldToOthers } from 'node:timers/promises'
import type { Db } from '../../db/client.js'
import type { Actor } from '../../domain/access.js'
import {
  outlier,
  compareGroup,
  type MemberComparison,
  type MemberFigures,
} from '../../domain/benchmarking/comparison.js'
import { byarLimits } from '../../domain/benchmarking/byar.js'
import { exposureOf, populationFor } from '../../domain/benchmarking/population.js'
import { DomainError, notFound, type FieldError } from '../../domain/errors.js'
import type { FlagEntry } from '../../domain/evaluation/index.js'
import type { Polarity } from '../../domain/indicators.js'
import { wholeCount } from '../../domain/measurements.js'
import { dateRange, lastMonth, monthIndex, parsePeriod, periodContaining, type Period } from '../../domain/periods.js'
import { figure } from '../../http/format.js'
import { RowCheckerBase, runBatch, type BulkOptions } from '../batch/batch.service.js'
import type { Writer } from '../measurements/measurements.service.js'
import { findRecord, type Row, type Scope } from '../resource/resource.repository.js'
import { checkMembershipSpan, createResourceService, type WriteHooks } from '../resource/resource.service.js'
import {
  comparableIndicators,
  hasPeerGroups,
  lockedMemberCount,
  membersOn,
  peerFigureSpec,
  peerGroupSpec,
  peerMemberSpec,
  populationSpec,
  populationsOf,
  upsertPeerFigures,
  type PeerFigureColumns,
  type PopulationColumns,
  upsertPopulations,
  windowFigures,
} from './benchmarking.repository.js'

type Indicator = Awaited<ReturnType<typeof comparableIndicators>>[number]
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A comparison is of counts: counts that sum, and rates whose denominator is the population. */
const comparable = (i: Indicator) =>
  (i.unit === 'count' && i.aggregation === 'sum') || (i.unit === 'rate' && i.rateDenominator === 'population')

/** Per how many people a comparison's rates are: the rate's own, else per 1,000 for a count. */
const ratePerOf = (i: Indicator) => i.ratePer ?? 1000

const notComparable = (i: Indicator, field: string) =>
  new DomainError(
    'BENCHMARK.INDICATOR',
    'unprocessable',
    `${i.reference} is a ${i.unit}: groups are compared on counts (a count that sums, or a rate of the population).`,
    [{ field, message: 'must be a count, or a rate whose denominator is the population' }],
  )

/** A peer's dates: a member leaves its group on endsOn; one code is in a group once on any day. */
/**
 * A peer group holds at most this many members (over all dates): an iQuanta-style family is 15, every
 * CSP in England about 300. A comparison's cost grows with its members, so one request stays bounded.
 */
export const MAX_PEER_MEMBERS = 1000

const tooLarge = (detail: string) => new DomainError('PEER_GROUP.TOO_LARGE', 'unprocessable', detail)

const memberHooks: WriteHooks<'peerMember'> = {
  async beforeWrite(trx, scope, values, existing) {
    if (
      existing === undefined &&
      (await lockedMemberCount(trx, scope.partnershipId, scope.parentId!)) >= MAX_PEER_MEMBERS
    )
      throw tooLarge(
        `A peer group holds at most ${MAX_PEER_MEMBERS.toLocaleString('en-GB')} members: end or archive some, or compare in smaller groups.`,
      )
    const merged = { ...existing, ...values } as Row<'peerMember'>
    const settled: Record<string, unknown> = { ...values }
    if (values.areaId !== undefined && values.areaId !== null) {
      // One of the partnership's own areas: its code and name unless others are given.
      const area = await findRecord(
        trx,
        { table: 'area', type: 'area', columns: ['name', 'code'], sorts: { name: 'name' }, search: 'name' },
        scope,
        values.areaId,
      )
      if (area === undefined)
        throw new DomainError(
          'PEER_MEMBER.REFERENCE',
          'unprocessable',
          'The areaId names no area of this partnership.',
          [{ field: 'body.areaId', message: 'does not exist in this partnership' }],
        )
      settled.code = values.code ?? area.code
      settled.name = values.name ?? area.name
      if (settled.code === null || settled.code === undefined)
        throw new DomainError(
          'PEER_MEMBER.CODE',
          'unprocessable',
          'An area compared with its peers needs its official code.',
          [{ field: 'body.code', message: 'is required: the area has no code' }],
        )
      merged.code = settled.code as string
      merged.name = settled.name as string
    }
    if (merged.code === undefined || merged.name === undefined)
      throw new DomainError('PEER_MEMBER.CODE', 'unprocessable', 'A peer is a name and an official code.', [
        {
          field: merged.code === undefined ? 'body.code' : 'body.name',
          message: 'is required for a peer that is not ours',
        },
      ])
    await checkMembershipSpan(
      trx,
      'peerMember',
      'PEER_MEMBER',
      { partnershipId: scope.partnershipId, groupId: scope.parentId!, code: merged.code },
      merged,
      existing,
    )
    return settled
  },
}

/** A peer figure written one at a time: a count for a comparable indicator and a period in its one form. */
const figureHooks: WriteHooks<'peerFigure'> = {
  async beforeWrite(trx, scope, values, existing, actor) {
    const indicatorId = (values.indicatorId ?? existing?.indicatorId) as string
    const indicator = (await comparableIndicators(trx, scope.partnershipId, [indicatorId]))[0]
    if (indicator === undefined)
      throw new DomainError(
        'PEER_FIGURE.REFERENCE',
        'unprocessable',
        'The indicatorId names no indicator of this partnership.',
        [{ field: 'body.indicatorId', message: 'does not exist in this partnership' }],
      )
    if (!comparable(indicator)) throw notComparable(indicator, 'body.indicatorId')
    const settled: Record<string, unknown> = { ...values, sentBy: actor.subject }
    if (values.period !== undefined) {
      const period = parsePeriod(values.period as string, scope.yearStartMonth, 'body.period')
      const { start, end } = dateRange(period)
      Object.assign(settled, { period: period.key, periodStart: start, periodEnd: end })
    }
    if (values.value !== undefined) settled.value = countText(values.value, 'body.value')
    return settled
  },
}

/** A count as sent (a whole number, as a string or a JSON number), as its decimal text. */
function countText(sent: unknown, field: string): string {
  const count = wholeCount(sent)
  if (count === null)
    throw new DomainError('PEER_FIGURE.VALUE', 'validation', `${field} must be a count: a whole number, 0 or more.`, [
      { field, message: 'must be a whole number, 0 or more' },
    ])
  return count.toString()
}

export const POPULATION_COLUMNS = ['code', 'year', 'population', 'source'] as const
const POPULATION_FIELDS: ReadonlySet<string> = new Set(POPULATION_COLUMNS)
export const FIGURE_COLUMNS = ['indicator', 'code', 'period', 'value', 'source'] as const
const FIGURE_FIELDS: ReadonlySet<string> = new Set(FIGURE_COLUMNS)

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')
const optionalSource = (v: unknown) => (v === undefined || v === null || v === '' ? null : String(v).slice(0, 200))

const noPopulations = (): PopulationColumns => ({ code: [], year: [], population: [], source: [] })

class PopulationChecker extends RowCheckerBase<PopulationColumns> {
  private chunk = noPopulations()
  private readonly seen = new Map<string, number>()
  get pending() {
    return this.chunk.code.length
  }
  take() {
    const taken = this.chunk
    this.chunk = noPopulations()
    return taken
  }
  add(raw: unknown, n: number): void {
    const row = this.begin(raw, n, POPULATION_FIELDS)
    if (row === undefined) return
    const at = `rows.${n}.`
    const errors: FieldError[] = []
    const code = text(row.code)
    const year = Number(text(row.year))
    const population = Number(text(row.population))
    if (code === '' || code.length > 40)
      errors.push({ field: `${at}code`, message: 'must be an official code (1 to 40 characters)' })
    if (!Number.isInteger(year) || year < 1900 || year > 2200)
      errors.push({ field: `${at}year`, message: 'must be a year, 1900 to 2200' })
    if (!Number.isInteger(population) || population <= 0 || population > 2 ** 31 - 1)
      errors.push({ field: `${at}population`, message: 'must be a whole number of people, more than 0' })
    const first = this.seen.get(`${code}|${year}`)
    if (errors.length === 0 && first !== undefined)
      errors.push({ field: `${at}year`, message: `repeats row ${first} (same code and year)` })
    if (errors.length > 0) return this.refuse(errors)
    this.seen.set(`${code}|${year}`, n)
    this.chunk.code.push(code)
    this.chunk.year.push(year)
    this.chunk.population.push(population)
    this.chunk.source.push(optionalSource(row.source))
  }
}

const noFigures = (): PeerFigureColumns => ({
  indicatorId: [],
  code: [],
  period: [],
  periodStart: [],
  periodEnd: [],
  value: [],
  source: [],
})

class PeerFigureChecker extends RowCheckerBase<PeerFigureColumns> {
  private chunk = noFigures()
  private readonly seen = new Map<string, number>()
  private readonly byName = new Map<string, Indicator>()
  constructor(
    indicators: Indicator[],
    private readonly fyStartMonth: number,
  ) {
    super()
    for (const i of indicators) {
      this.byName.set(i.id, i)
      this.byName.set(`ref:${i.reference}`, i)
    }
  }
  get pending() {
    return this.chunk.code.length
  }
  take() {
    const taken = this.chunk
    this.chunk = noFigures()
    return taken
  }
  add(raw: unknown, n: number): void {
    const row = this.begin(raw, n, FIGURE_FIELDS)
    if (row === undefined) return
    const at = `rows.${n}.`
    const errors: FieldError[] = []
    const name = text(row.indicator)
    const indicator = this.byName.get(UUID.test(name) ? name.toLowerCase() : `ref:${name}`)
    if (indicator === undefined)
      errors.push({ field: `${at}indicator`, message: 'names no indicator of this partnership' })
    else if (!comparable(indicator))
      errors.push({
        field: `${at}indicator`,
        message: `${indicator.reference} is not a count: peers are compared on counts`,
      })
    const code = text(row.code)
    if (code === '' || code.length > 40)
      errors.push({ field: `${at}code`, message: 'must be an official code (1 to 40 characters)' })
    let period: Period | undefined
    try {
      period = parsePeriod(text(row.period), this.fyStartMonth, `${at}period`)
    } catch (err) {
      errors.push(...((err as DomainError).errors ?? [{ field: `${at}period`, message: 'is not a period' }]))
    }
    let value: string | undefined
    try {
      value = countText(row.value, `${at}value`)
    } catch (err) {
      errors.push(...((err as DomainError).errors ?? []))
    }
    const key = `${indicator?.id}|${code}|${period?.key}`
    const first = this.seen.get(key)
    if (errors.length === 0 && first !== undefined)
      errors.push({ field: `${at}period`, message: `repeats row ${first} (same indicator, code and period)` })
    if (errors.length > 0 || indicator === undefined || period === undefined || value === undefined)
      return this.refuse(errors)
    this.seen.set(key, n)
    const { start, end } = dateRange(period)
    const c = this.chunk
    c.indicatorId.push(indicator.id)
    c.code.push(code)
    c.period.push(period.key)
    c.periodStart.push(start)
    c.periodEnd.push(end)
    c.value.push(value)
    c.source.push(optionalSource(row.source))
  }
}

/** One member's count over a window, from figures of periods within it; null when they do not cover it. */
function countOver(
  window: { key: string; length: number },
  figures: ReadonlyArray<{ period: string; months: number; value: number }>,
) {
  // A figure for the very window stands alone (a year given whole beside its months).
  const whole = figures.find((f) => f.period === window.key)
  if (whole !== undefined) return whole.value
  const months = figures.reduce((n, f) => n + f.months, 0)
  return months === window.length ? figures.reduce((n, f) => n + f.value, 0) : null
}

const monthsOfRange = (start: string, end: string) => monthIndex(end) - monthIndex(start) + 1

/** A window of months, as a period-like span: its first month and its length, and a key for its whole figure. */
interface Window {
  key: string
  firstMonth: number
  length: number
}

export interface Comparison {
  group: { id: string; name: string }
  indicator: { id: string; reference: string; name: string; polarity: Polarity; decimalPlaces: number }
  period: string
  /** The members are those of the group on this day: the window's last. */
  membersOn: string
  ratePer: number
  groupRate: number | null
  members: Array<MemberComparison & { areaId: string | null; population: number; populationYear: number }>
  /** Members left out, and why (no population; figures that do not cover the window). */
  missing: Array<{ code: string; name: string; reason: string }>
}

export function createBenchmarkingService(db: Db) {
  const populations = createResourceService(db, populationSpec)
  const groups = createResourceService(db, peerGroupSpec)
  const members = createResourceService(db, peerMemberSpec, memberHooks)
  const figures = createResourceService(db, peerFigureSpec, figureHooks)

  /**
   * Every group's comparison over one window (all groups, or one), for each of the indicators given: the
   * roster, the populations and the counts are read once for them all.
   */
  async function compareWindow(
    partnershipId: string,
    indicators: readonly Indicator[],
    window: Window,
    groupId?: string,
  ): Promise<Map<string, Map<string, Omit<Comparison, 'indicator' | 'period'>>>> {
    const out = new Map<string, Map<string, Omit<Comparison, 'indicator' | 'period'>>>()
    const span = dateRange(window as Period)
    const listed = await membersOn(db, partnershipId, span.end, groupId)
    if (groupId !== undefined && listed.length > MAX_PEER_MEMBERS)
      throw tooLarge(
        `The group has ${listed.length.toLocaleString('en-GB')} members on ${span.end}; a comparison takes at most ${MAX_PEER_MEMBERS.toLocaleString('en-GB')}.`,
      )
    // A group kept from before the cap is left out of the flags rather than make every evaluation pay for it.
    const counted = new Map<string, number>()
    for (const m of listed) counted.set(m.groupId, (counted.get(m.groupId) ?? 0) + 1)
    const roster = listed.filter((m) => counted.get(m.groupId)! <= MAX_PEER_MEMBERS)
    if (roster.length === 0) return out
    const [found, people] = await Promise.all([
      windowFigures(
        db,
        partnershipId,
        indicators.map((i) => i.id),
        span,
      ),
      populationsOf(db, partnershipId, [...new Set(roster.map((m) => m.code))]),
    ])
    type Figure = { period: string; months: number; value: number }
    // Counts by indicator, then by member code.
    const counts = new Map<string, Map<string, Figure[]>>()
    const add = (
      code: string,
      f: { indicatorId: string; period: string; periodStart: string; periodEnd: string; value: string },
    ) => {
      const byCode = counts.get(f.indicatorId) ?? counts.set(f.indicatorId, new Map()).get(f.indicatorId)!
      const list = byCode.get(code) ?? byCode.set(code, []).get(code)!
      list.push({ period: f.period, months: monthsOfRange(f.periodStart, f.periodEnd), value: Number(f.value) })
    }
    const areaCode = new Map(roster.filter((m) => m.areaId !== null).map((m) => [m.areaId!, m.code]))
    for (const f of found.own) {
      const code = areaCode.get(f.areaId)
      if (code !== undefined) add(code, f)
    }
    // A peer that is one of our areas counts by its measurements; the rest by the figures loaded for them.
    const ours = new Set(areaCode.values())
    for (const f of found.peers) if (!ours.has(f.code)) add(f.code, f)
    const years = new Map<string, Map<number, number>>()
    for (const p of people) years.set(p.code, (years.get(p.code) ?? new Map()).set(p.year, p.population))
    const byGroup = new Map<string, typeof roster>()
    for (const m of roster) (byGroup.get(m.groupId) ?? byGroup.set(m.groupId, []).get(m.groupId)!).push(m)
    for (const indicator of indicators) {
      const byCode = counts.get(indicator.id) ?? new Map<string, Figure[]>()
      const groups = new Map<string, Omit<Comparison, 'indicator' | 'period'>>()
      for (const [gid, list] of byGroup) {
        const missing: Comparison['missing'] = []
        const inputs: Array<MemberFigures & { areaId: string | null; population: number; populationYear: number }> = []
        for (const m of list) {
          const population = populationFor(window as Period, years.get(m.code) ?? new Map())
          const count = countOver(window, byCode.get(m.code) ?? [])
          if (population === null) missing.push({ code: m.code, name: m.name, reason: 'no population for the year' })
          else if (count === null)
            missing.push({ code: m.code, name: m.name, reason: `no figures covering ${window.key}` })
          else
            inputs.push({
              code: m.code,
              name: m.name,
              ours: m.areaId !== null,
              areaId: m.areaId,
              count,
              exposure: exposureOf(window as Period, population.population),
              population: population.population,
              populationYear: population.year,
            })
        }
        const compared = compareGroup(inputs, indicator.polarity, ratePerOf(indicator))
        groups.set(gid, {
          group: { id: gid, name: list[0]!.group },
          membersOn: span.end,
          ratePer: ratePerOf(indicator),
          groupRate: compared?.groupRate ?? null,
          members: (compared?.members ?? []).map((c, i) => {
            const input = inputs[i]!
            return {
              code: c.code,
              name: c.name,
              ours: c.ours,
              areaId: input.areaId,
              count: c.count,
              exposure: c.exposure,
              population: input.population,
              populationYear: input.populationYear,
              rate: c.rate,
              expected: c.expected,
              bands: c.bands,
              rank: c.rank,
              quartile: c.quartile,
              othersRate: c.othersRate,
              gap: c.gap,
              gapPercent: c.gapPercent,
            }
          }),
          missing,
        })
        // A group of a thousand members is milliseconds of arithmetic: other partnerships' requests are
        // served between groups, and between the comparison and the answer's serialisation.
        await yieldToOthers()
      }
      out.set(indicator.id, groups)
    }
    return out
  }

  return {
    populations,
    groups,
    members,
    figures,

    /** Populations in bulk (CSV code,year,population,source; JSON; NDJSON), through the bulk ingestion path. */
    async loadPopulations(
      tenant: { id: string },
      writer: Actor,
      body: { rows: AsyncIterable<unknown>; digest(): string },
      options: BulkOptions,
    ) {
      return runBatch(
        db,
        tenant.id,
        writer,
        body,
        { ...options, resourceType: 'population-batch' },
        new PopulationChecker(),
        async (trx, chunk) => {
          const written =
            chunk.code.length === 0 ? { inserted: 0, updated: 0 } : await upsertPopulations(trx, tenant.id, chunk)
          return { ...written, accepted: chunk.code.length, refused: [] }
        },
      )
    },

    /** Peers' counts in bulk (indicator,code,period,value,source), through the bulk ingestion path. */
    async loadFigures(
      tenant: { id: string; financialYearStartMonth: number },
      writer: Writer,
      body: { rows: AsyncIterable<unknown>; digest(): string },
      options: BulkOptions,
    ) {
      const checker = new PeerFigureChecker(await comparableIndicators(db, tenant.id), tenant.financialYearStartMonth)
      return runBatch(
        db,
        tenant.id,
        writer,
        body,
        { ...options, resourceType: 'peer-figure-batch' },
        checker,
        async (trx, chunk) => {
          const written =
            chunk.code.length === 0
              ? { inserted: 0, updated: 0 }
              : await upsertPeerFigures(trx, tenant.id, writer.subject, chunk)
          return { ...written, accepted: chunk.code.length, refused: [] }
        },
      )
    },

    /** A group compared for an indicator over a period, with the membership of the period's last day. */
    async compare(scope: Scope, groupId: string, indicatorId: string, periodText: string): Promise<Comparison> {
      const group = await groups.get(scope, groupId)
      const indicator = (await comparableIndicators(db, scope.partnershipId, [indicatorId]))[0]
      if (indicator === undefined) throw notFound('indicator')
      if (!comparable(indicator)) throw notComparable(indicator, 'querystring.indicatorId')
      const period = parsePeriod(periodText, scope.yearStartMonth, 'querystring.period')
      const compared = (await compareWindow(scope.partnershipId, [indicator], period, groupId))
        .get(indicator.id)
        ?.get(groupId)
      const { end } = dateRange(period)
      return {
        membersOn: end,
        ratePer: ratePerOf(indicator),
        groupRate: null,
        members: [],
        missing: [],
        ...compared,
        group: { id: group.id, name: group.name },
        indicator: {
          id: indicator.id,
          reference: indicator.reference,
          name: indicator.name,
          polarity: indicator.polarity,
          decimalPlaces: indicator.decimalPlaces,
        },
        period: period.key,
      }
    },

    /**
     * The peer_outlier flags of evaluated items: for each area that is a member of a peer group on the
     * evaluated period's last day, its year to date against its group's (the same months, counts over
     * person-years), worse or better at 95%. A partnership with no peer group reads one row and is done.
     */
    async outlierFlags(
      tenant: { id: string; financialYearStartMonth: number },
      items: ReadonlyArray<{ indicatorId: string; areaId: string; targetPeriod: string; evaluatedPeriod: string }>,
    ): Promise<Map<string, FlagEntry[]>> {
      const flags = new Map<string, FlagEntry[]>()
      if (items.length === 0 || !(await hasPeerGroups(db, tenant.id))) return flags
      const indicators = new Map(
        (await comparableIndicators(db, tenant.id, [...new Set(items.map((i) => i.indicatorId))]))
          .filter(comparable)
          .map((i) => [i.id, i]),
      )
      // Items sharing a window are compared together: every indicator and group at once.
      const windows = new Map<
        string,
        { window: Window; indicators: Map<string, Indicator>; items: (typeof items)[number][] }
      >()
      for (const item of items) {
        const indicator = indicators.get(item.indicatorId)
        if (indicator === undefined || indicator.polarity === 'monitor_only') continue
        const year = parsePeriod(item.targetPeriod, tenant.financialYearStartMonth)
        const evaluated = parsePeriod(item.evaluatedPeriod, tenant.financialYearStartMonth)
        const length = lastMonth(evaluated) - year.firstMonth + 1
        const window = {
          key: length === year.length ? year.key : `${year.key} to ${evaluated.key}`,
          firstMonth: year.firstMonth,
          length,
        }
        const key = `${window.firstMonth}|${window.length}`
        const entry = windows.get(key) ?? {
          window,
          indicators: new Map<string, Indicator>(),
          items: [] as (typeof items)[number][],
        }
        entry.indicators.set(indicator.id, indicator)
        entry.items.push(item)
        windows.set(key, entry)
      }
      for (const { window, indicators: compared, items: wanted } of windows.values()) {
        const byIndicator = await compareWindow(tenant.id, [...compared.values()], window)
        for (const [indicatorId, byGroup] of byIndicator)
          for (const c of byGroup.values())
            for (const member of c.members) {
              if (!member.ours || c.groupRate === null) continue
              const indicator = compared.get(indicatorId)!
              const item = wanted.find((i) => i.indicatorId === indicatorId && i.areaId === member.areaId)
              const direction = outlier(member, indicator.polarity)
              if (item === undefined || direction === null) continue
              const limits = byarLimits(member.count, 1.96)
              const per = `per ${figure(c.ratePer)} a year`
              const key = `${item.indicatorId}|${item.areaId}`
              flags.set(key, [
                ...(flags.get(key) ?? []),
                {
                  flag: 'peer_outlier',
                  direction,
                  reason: `${direction === 'bad' ? 'significantly worse' : 'significantly better'} than its peer group ${c.group.name} at 95% (year to date ${periodContaining('month', window.firstMonth).key} onwards): ${figure(member.rate, 1)} ${per} against the group's ${figure(c.groupRate, 1)}; ${figure(member.count)} where the group's rate gives ${figure(member.expected, 1)}`,
                  figures: {
                    group: c.group.name,
                    count: member.count,
                    expected: Number(member.expected.toFixed(1)),
                    lower: Number(limits.lower.toFixed(1)),
                    upper: Number(limits.upper.toFixed(1)),
                    rate: Number(member.rate.toFixed(2)),
                    groupRate: Number(c.groupRate.toFixed(2)),
                    rank: member.rank,
                    members: c.members.length,
                  },
                },
              ])
            }
      }
      return flags
    },
  }
}

export type BenchmarkingService = ReturnType<typeof createBenchmarkingService>
