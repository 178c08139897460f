import type { Db } from '../../db/client.js'
import { DomainError, notFound } from '../../domain/errors.js'
import { curate, type Selection } from '../../domain/rounds.js'
import {
  createEvaluator,
  rollUp,
  type EvalMeasurement,
  type EvalTarget,
  type Evaluation,
  type Flag,
  type Rag,
} from '../../domain/evaluation/index.js'
import { linkedActions, type LinkedAction } from '../actions/actions.service.js'
import { dataQueryFlag } from '../../domain/evaluation/flags.js'
import { queriedFigures } from '../findings/findings.repository.js'
import { overriddenFigures, type OverriddenFigure } from '../measurements/measurements.repository.js'
import { moreSettled, settledAtLeast, type MeasurementStatus } from '../../domain/measurements.js'

import { createBenchmarkingService } from '../benchmarking/benchmarking.service.js'
import { periodStep, seriesKind, unitFactor } from '../../domain/indicators.js'
import { exposureOf, populationFor } from '../../domain/benchmarking/population.js'
import { dateRange, lastMonth, monthIndex, parsePeriod, periodContaining, type Period } from '../../domain/periods.js'
import { today } from '../../http/clock.js'
import {
  evaluationData,
  indicatorFrequency,
  latestPeriodStart,
  latestCommentary,
  priorityNames,
  type IndicatorRow,
} from './evaluation.repository.js'

/**
 * Months read back from a reporting period's last month: 24 cover the SPC limits, last year's whole year
 * (seasonal forecast), the same period last year and the year to date; surveys look back further for
 * their latest value.
 */
const LOOKBACK_MONTHS = 24
const SURVEY_LOOKBACK_MONTHS = 48

/** Rows of some indicator and area, by `indicatorId|areaId`. */
function byPair<T extends { indicatorId: string; areaId: string }>(rows: readonly T[]): Map<string, T[]> {
  const pairs = new Map<string, T[]>()
  for (const row of rows) {
    const key = `${row.indicatorId}|${row.areaId}`
    const list = pairs.get(key)
    if (list === undefined) pairs.set(key, [row])
    else list.push(row)
  }
  return pairs
}
const MAX_SERIES = 120

export interface EvaluationFilter {
  priorityId?: string
  areaId?: string
  indicatorId?: string
  rag?: Rag
  flag?: Flag
}

/** What a report is cut to: a priority, a theme group (its priority's indicators) and an area. */
export interface ReportFilter {
  priorityId?: string
  groupId?: string
  areaId?: string
}

/** A priority id no priority has: a report cut to a group with no priority, or to two that differ, is empty. */
const NO_PRIORITY = '00000000-0000-0000-0000-000000000000'

export interface EvaluatedItem {
  indicator: Pick<
    IndicatorRow,
    'id' | 'reference' | 'name' | 'unit' | 'polarity' | 'frequency' | 'decimalPlaces' | 'parentId' | 'priorityIds'
  >
  area: { id: string; name: string; code: string | null }
  rolledUp: boolean
  evaluation: Evaluation
  /** The indicator's linked actions, assessed on the as-of date. */
  actions: LinkedAction[]
  /** Figures the judgement rests on that a person sent over the supplying agency's. */
  overridden: OverriddenFigure[]
  diagnostics: Array<{
    indicatorId: string
    reference: string
    name: string
    rag: Rag
    actual: number | null
    target: number | null
    flags: Flag[]
  }>
}

type Data = Awaited<ReturnType<typeof evaluationData>>

const monthStart = (month: number) => dateRange(periodContaining('month', month)).start

function reportingPeriod(text: string, fyStartMonth: number, field: string): Period {
  return parsePeriod(text, fyStartMonth, field)
}

/**
 * Prepares, for each indicator and area worth evaluating, the inputs of the pure engine: the area's own
 * measurements, or its children's rolled up when it has none (counts sum, ratios sum their parts).
 */
/** Rows grouped by indicator, then by area, each turned into what the engine takes. */
function byIndicatorAndArea<R extends { indicatorId: string; areaId: string }, T>(
  rows: readonly R[],
  as: (row: R) => T,
): Map<string, Map<string, T[]>> {
  const grouped = new Map<string, Map<string, T[]>>()
  for (const row of rows) {
    const perArea = grouped.get(row.indicatorId) ?? new Map<string, T[]>()
    grouped.set(row.indicatorId, perArea)
    const list = perArea.get(row.areaId) ?? []
    perArea.set(row.areaId, list)
    list.push(as(row))
  }
  return grouped
}

function prepare(data: Data) {
  const measurements = byIndicatorAndArea(ratesOfPopulation(data), (m): EvalMeasurement => m)
  const targets = byIndicatorAndArea(data.targets, (t): EvalTarget => ({
    ...t,
    status: t.status as 'set' | 'tbc',
    profile: t.profile as EvalTarget['profile'],
  }))
  const children = new Map<string, string[]>()
  for (const area of data.areas)
    if (area.parentId !== null) children.set(area.parentId, [...(children.get(area.parentId) ?? []), area.id])
  const areas = new Map(data.areas.map((a) => [a.id, a]))

  function seriesFor(
    indicator: IndicatorRow,
    areaId: string,
    depth = 0,
  ): { series: EvalMeasurement[]; rolledUp: boolean } {
    const own = measurements.get(indicator.id)?.get(areaId)
    if (own !== undefined || depth > 20) return { series: own ?? [], rolledUp: false }
    const parts = (children.get(areaId) ?? [])
      .map((child) => seriesFor(indicator, child, depth + 1).series)
      .filter((s) => s.length > 0)
    const series = rollUp(parts, indicator.aggregation, unitFactor(indicator))
    return { series, rolledUp: series.length > 0 }
  }

  /**
   * Areas an indicator is evaluated for: those with its measurements or a target, or the one asked for. A
   * key diagnostic indicator is also evaluated wherever its headline is, so the headline lists it even
   * before it has a figure there (grey, saying so).
   */
  function areasOf(indicator: IndicatorRow, only?: string): string[] {
    if (only !== undefined) return areas.has(only) ? [only] : []
    const of = (id: string) => [...(measurements.get(id)?.keys() ?? []), ...(targets.get(id)?.keys() ?? [])]
    const ids = new Set([...of(indicator.id), ...(indicator.parentId === null ? [] : of(indicator.parentId))])
    return data.areas.filter((a) => ids.has(a.id)).map((a) => a.id)
  }

  function evaluatorFor(indicator: IndicatorRow, areaId: string) {
    const { series, rolledUp } = seriesFor(indicator, areaId)
    const evaluate = createEvaluator(
      indicator,
      targets.get(indicator.id)?.get(areaId) ?? [],
      series,
      data.fyStartMonth,
      data.persistentRedPeriods,
    )
    return { evaluate, rolledUp, area: areas.get(areaId)! }
  }

  return { areasOf, evaluatorFor }
}

/**
 * A rate of the population is stored as its counts: each becomes numerator (the count) and denominator
 * (the area's population for the year, times the period's months over twelve), so rates are yearly and a
 * year to date or rolling twelve months is its counts over its person-years (README: Benchmarking). A
 * count in an area without a population has no rate and is left out.
 */
function ratesOfPopulation(data: Data): Data['measurements'] {
  const perPopulation = new Map(
    data.indicators.filter((i) => i.rateDenominator === 'population').map((i) => [i.id, unitFactor(i)]),
  )
  if (perPopulation.size === 0) return data.measurements
  const codeOf = new Map(data.areas.map((a) => [a.id, a.code]))
  const years = new Map<string, Map<number, number>>()
  for (const p of data.populations) years.set(p.code, (years.get(p.code) ?? new Map()).set(p.year, p.population))
  return data.measurements.flatMap((m) => {
    if (!perPopulation.has(m.indicatorId)) return [m]
    const code = codeOf.get(m.areaId)
    const period = parsePeriod(m.period, data.fyStartMonth)
    const population = code === null || code === undefined ? null : populationFor(period, years.get(code) ?? new Map())
    if (population === null) return []
    const exposure = exposureOf(period, population.population)
    const per = perPopulation.get(m.indicatorId)!
    return [
      { ...m, numerator: m.value, denominator: String(exposure), value: String((Number(m.value) / exposure) * per) },
    ]
  })
}

const indicatorSummary = (i: IndicatorRow): EvaluatedItem['indicator'] => ({
  id: i.id,
  reference: i.reference,
  name: i.name,
  unit: i.unit,
  polarity: i.polarity,
  frequency: i.frequency,
  decimalPlaces: i.decimalPlaces,
  parentId: i.parentId,
  priorityIds: i.priorityIds,
})

/** The default as-of date of a reporting period: today, or its last day once that has passed. */
export function closingDay(period: string, fyStartMonth: number): string {
  const end = dateRange(parsePeriod(period, fyStartMonth, 'querystring.period')).end
  const now = today()
  return end < now ? end : now
}

/** The partnership evaluated, as the request knows it: its id and the year-start month periods are read in. */
export interface Tenant {
  id: string
  financialYearStartMonth: number
  /** Who reads, and the least settled figure they asked for (a viewer never below the partnership's floor). */
  reading?: Reading
}

export interface Reading {
  minimumStatus?: MeasurementStatus
  asViewer: boolean
}

/** A report read as the figures stood at a time says so. */
const known = (knownAt: Date | undefined) => (knownAt === undefined ? {} : { knownAt: knownAt.toISOString() })

export function createEvaluationService(db: Db) {
  const benchmarks = createBenchmarkingService(db)
  async function load(
    partnershipId: string,
    fyStartMonth: number,
    first: string,
    last: string,
    field: string,
    indicatorId?: string,
    knownAt?: Date,
    reading?: Reading,
  ) {
    const from = reportingPeriod(first, fyStartMonth, field)
    const to = reportingPeriod(last, fyStartMonth, field)
    const window = {
      from: monthStart(lastMonth(from) - LOOKBACK_MONTHS),
      yearsFrom: monthStart(lastMonth(from) - SURVEY_LOOKBACK_MONTHS),
      to: dateRange(to).end,
      ...(knownAt === undefined ? {} : { knownAt }),
    }
    const data = await evaluationData(db, partnershipId, fyStartMonth, window, indicatorId)
    const asked = reading?.minimumStatus ?? 'provisional'
    const floor = reading?.asViewer === true ? moreSettled(asked, data.viewerMinimumStatus) : asked
    // Figures less settled than the reader's floor are not there for them: the judgement rests on the rest.
    const measurements =
      floor === 'provisional'
        ? data.measurements
        : data.measurements.filter((m) => settledAtLeast(m.status as MeasurementStatus, floor))
    return { data: { ...data, measurements, window }, from, to }
  }

  async function evaluateAt(
    tenant: Tenant,
    period: string,
    asOf: string,
    filter: EvaluationFilter = {},
    knownAt?: Date,
  ): Promise<{ period: string; asOf: string; items: EvaluatedItem[] }> {
    const { id: partnershipId, financialYearStartMonth: fyStartMonth, reading } = tenant
    const [{ data, to }, actions] = await Promise.all([
      load(partnershipId, fyStartMonth, period, period, 'querystring.period', undefined, knownAt, reading),
      linkedActions(db, partnershipId, asOf),
    ])
    const { areasOf, evaluatorFor } = prepare(data)
    const all: EvaluatedItem[] = []
    for (const indicator of data.indicators) {
      for (const areaId of areasOf(indicator, filter.areaId)) {
        const { evaluate, rolledUp, area } = evaluatorFor(indicator, areaId)
        all.push({
          indicator: indicatorSummary(indicator),
          area: { id: area.id, name: area.name, code: area.code },
          rolledUp,
          evaluation: evaluate(to.key, asOf),
          actions: actions.get(indicator.id) ?? [],
          diagnostics: [],
          overridden: [],
        })
      }
    }
    // An area that stands out from its peer group at 95% is flagged beside the engine's own flags; so is a
    // judgement resting on a figure queried on arrival, and one resting on a person's figure over the
    // supplying agency's names who and why.
    const [peerFlags, queriedRows, overriddenRows] = await Promise.all([
      benchmarks.outlierFlags(
        { id: partnershipId, financialYearStartMonth: fyStartMonth },
        all.map((item) => ({
          indicatorId: item.indicator.id,
          areaId: item.area.id,
          targetPeriod: item.evaluation.targetPeriod,
          evaluatedPeriod: item.evaluation.evaluatedPeriod,
        })),
      ),
      queriedFigures(db, partnershipId, data.window.from, data.window.to, knownAt),
      overriddenFigures(db, partnershipId, data.window.from, data.window.to),
    ])
    for (const item of all) item.evaluation.flags.push(...(peerFlags.get(`${item.indicator.id}|${item.area.id}`) ?? []))
    const queried = byPair(queriedRows)
    const overridden = byPair(overriddenRows)
    if (queried.size + overridden.size > 0)
      for (const item of all) {
        const key = `${item.indicator.id}|${item.area.id}`
        const year = dateRange(parsePeriod(item.evaluation.targetPeriod, fyStartMonth)).start
        const end = dateRange(parsePeriod(item.evaluation.evaluatedPeriod, fyStartMonth)).end
        const flag = dataQueryFlag(queried.get(key) ?? [], year, end)
        if (flag !== null) item.evaluation.flags.push(flag)
        item.overridden = (overridden.get(key) ?? [])
          .filter((o) => o.periodStart >= year && o.periodStart <= end)
          .map(({ period, sentBy, reason, agencyId }) => ({ period, sentBy, reason, agencyId }))
      }
    // A headline indicator carries its key diagnostic indicators (seed 002: SAC = burglary + vehicle crime + robbery).
    const byArea = new Map<string, EvaluatedItem[]>()
    for (const item of all)
      if (item.indicator.parentId !== null)
        byArea.set(`${item.indicator.parentId}|${item.area.id}`, [
          ...(byArea.get(`${item.indicator.parentId}|${item.area.id}`) ?? []),
          item,
        ])
    for (const item of all) {
      item.diagnostics = (byArea.get(`${item.indicator.id}|${item.area.id}`) ?? []).map((d) => ({
        indicatorId: d.indicator.id,
        reference: d.indicator.reference,
        name: d.indicator.name,
        rag: d.evaluation.rag,
        actual: d.evaluation.comparison.actual,
        target: d.evaluation.comparison.target,
        flags: d.evaluation.flags.map((f) => f.flag),
      }))
    }
    const items = all.filter(
      (item) =>
        (filter.priorityId === undefined || item.indicator.priorityIds.includes(filter.priorityId)) &&
        (filter.indicatorId === undefined || item.indicator.id === filter.indicatorId) &&
        (filter.rag === undefined || item.evaluation.rag === filter.rag) &&
        (filter.flag === undefined || item.evaluation.flags.some((f) => f.flag === filter.flag)),
    )
    return { period: to.key, asOf, items }
  }

  return {
    async evaluatePartnership(
      tenant: Tenant,
      period: string,
      asOf: string,
      filter: EvaluationFilter = {},
      knownAt?: Date,
    ) {
      const evaluated = await evaluateAt(tenant, period, asOf, filter, knownAt)
      return { ...evaluated, ...known(knownAt) }
    },

    /** One indicator for one area over a range of periods: a trend series. */
    async series(
      tenant: Tenant,
      indicatorId: string,
      areaId: string,
      range: { from?: string; to?: string },
      asOf: string,
      knownAt?: Date,
    ) {
      const { id: partnershipId, financialYearStartMonth: fy } = tenant
      const indicator = await indicatorFrequency(db, partnershipId, indicatorId)
      if (indicator === undefined) throw notFound('indicator')
      const kind = seriesKind(indicator.frequency)
      const step = periodStep(indicator.frequency)
      // With no `to`, the series ends at the indicator's latest figure on or before the as-of date (a chart
      // of 2009 data asked for today would otherwise show twelve empty months), or at that date's month.
      const latest = range.to === undefined ? await latestPeriodStart(db, partnershipId, indicatorId, asOf) : undefined
      const end = periodContaining('month', monthIndex(latest ?? asOf))
      const last = periodContaining(
        kind,
        lastMonth(range.to === undefined ? end : reportingPeriod(range.to, fy, 'querystring.to')),
        fy,
      )
      const first =
        range.from === undefined
          ? periodContaining(kind, last.firstMonth - 11 * step, fy)
          : periodContaining(kind, reportingPeriod(range.from, fy, 'querystring.from').firstMonth, fy)
      const count = Math.floor((last.firstMonth - first.firstMonth) / step) + 1
      if (count < 1 || count > MAX_SERIES) {
        throw new DomainError(
          'SERIES.RANGE',
          'validation',
          `A series runs forwards over 1 to ${MAX_SERIES} periods.`,
          [{ field: 'querystring.from', message: `must be on or before to, at most ${MAX_SERIES} periods earlier` }],
          { facts: { limit: MAX_SERIES } },
        )
      }
      const [{ data }, actions] = await Promise.all([
        load(partnershipId, fy, first.key, last.key, 'querystring.from', indicatorId, knownAt, tenant.reading),
        linkedActions(db, partnershipId, asOf),
      ])
      const row = data.indicators[0]
      if (row === undefined) throw notFound('indicator')
      const { evaluatorFor } = prepare(data)
      if (!data.areas.some((a) => a.id === areaId)) throw notFound('area')
      const { evaluate, rolledUp, area } = evaluatorFor(row, areaId)
      const all = Array.from({ length: count }, (_, i) =>
        evaluate(periodContaining(kind, first.firstMonth + i * step, fy).key, asOf),
      )
      // Without `from`, the series starts at its first period with a figure or a target: a survey held
      // for two years is not drawn after ten empty ones.
      const used = all.findIndex((e) => e.comparison.actual !== null || e.comparison.target !== null)
      const items = range.from === undefined && used > 0 ? all.slice(used) : all
      return {
        indicator: indicatorSummary(row),
        area: { id: area.id, name: area.name, code: area.code },
        rolledUp,
        asOf,
        actions: actions.get(indicatorId) ?? [],
        items,
      }
    },

    /** DOMAIN.md rule 12: every flagged indicator and area, grouped by priority, bad before good. */
    async exceptionReport(tenant: Tenant, period: string, asOf: string, knownAt?: Date, cut: ReportFilter = {}) {
      const filter = await reportFilter(tenant.id, cut)
      const evaluated = await evaluateAt(tenant, period, asOf, filter, knownAt)
      const flagged = evaluated.items.filter((item) => item.evaluation.flags.length > 0)
      return {
        period: evaluated.period,
        asOf,
        ...known(knownAt),
        priorities: await group(tenant.id, tenant.financialYearStartMonth, evaluated.period, flagged, true, knownAt),
      }
    },

    /**
     * A reporting round's reports from one evaluation (issue 25): the exceptions as PMG curated them
     * (`selections`), the data issues and the dropped apart, and the full performance report.
     */
    async curatedReports(
      tenant: Tenant,
      period: string,
      asOf: string,
      selections: readonly Selection[],
      knownAt?: Date,
    ) {
      const fy = tenant.financialYearStartMonth
      const evaluated = await evaluateAt(tenant, period, asOf, {}, knownAt)
      const candidates = evaluated.items.filter((item) => item.evaluation.flags.length > 0)
      const { exceptions, dataIssues, dropped } = curate(candidates, evaluated.items, selections)
      const [going, chased, off, all] = await Promise.all([
        group(tenant.id, fy, evaluated.period, exceptions, true, knownAt),
        group(tenant.id, fy, evaluated.period, dataIssues, true, knownAt),
        group(tenant.id, fy, evaluated.period, dropped, true, knownAt),
        group(tenant.id, fy, evaluated.period, evaluated.items, false, knownAt),
      ])
      const head = { period: evaluated.period, asOf, ...known(knownAt) }
      return {
        candidates: new Set(candidates.map((c) => `${c.indicator.id}|${c.area.id}`)),
        exceptions: { ...head, priorities: going, dataIssues: chased, dropped: off },
        performance: { ...head, priorities: all },
      }
    },

    /** Seed 000 Appendix 1 stage 1: every indicator of every priority with its evaluation and commentary. */
    async performanceReport(tenant: Tenant, period: string, asOf: string, knownAt?: Date, cut: ReportFilter = {}) {
      const fy = tenant.financialYearStartMonth
      const evaluated = await evaluateAt(tenant, period, asOf, await reportFilter(tenant.id, cut), knownAt)
      return {
        period: evaluated.period,
        asOf,
        ...known(knownAt),
        priorities: await group(tenant.id, fy, evaluated.period, evaluated.items, false, knownAt),
      }
    },
  }

  /** A theme group's cut is its priority's; a group with none (PMG, say) owns no indicators. */
  async function reportFilter(partnershipId: string, cut: ReportFilter): Promise<EvaluationFilter> {
    const area = cut.areaId === undefined ? {} : { areaId: cut.areaId }
    if (cut.groupId === undefined)
      return { ...area, ...(cut.priorityId === undefined ? {} : { priorityId: cut.priorityId }) }
    const owner = await db
      .selectFrom('partnershipGroup')
      .select('priorityId')
      .where('partnershipId', '=', partnershipId)
      .where('id', '=', cut.groupId)
      .executeTakeFirst()
    const priorityId = owner?.priorityId ?? NO_PRIORITY
    return {
      ...area,
      priorityId: cut.priorityId === undefined || cut.priorityId === priorityId ? priorityId : NO_PRIORITY,
    }
  }

  async function group(
    partnershipId: string,
    fyStartMonth: number,
    period: string,
    items: EvaluatedItem[],
    badFirst: boolean,
    knownAt?: Date,
  ) {
    const upTo = dateRange(parsePeriod(period, fyStartMonth)).end
    const [priorities, comments] = await Promise.all([
      priorityNames(db, partnershipId),
      latestCommentary(db, partnershipId, upTo, knownAt),
    ])
    const commentOf = new Map(
      comments.map((c) => [
        `${c.indicatorId}|${c.areaId}`,
        { id: c.id, period: c.period, body: c.body, author: c.author, updatedAt: c.updatedAt.toISOString() },
      ]),
    )
    // PMG says whether an exception it added is good or bad news; the flags say it of the rest.
    const entry = (item: EvaluatedItem & { direction?: 'bad' | 'good' }) => {
      const bad = item.evaluation.flags.some((f) => f.direction === 'bad')
      return {
        ...item,
        direction: item.direction ?? (bad ? ('bad' as const) : ('good' as const)),
        commentary: commentOf.get(`${item.indicator.id}|${item.area.id}`) ?? null,
      }
    }
    const order = (list: ReturnType<typeof entry>[]) =>
      badFirst ? [...list.filter((e) => e.direction === 'bad'), ...list.filter((e) => e.direction === 'good')] : list
    const groups: Array<{
      priority: { id: string | null; code: string | null; name: string }
      items: ReturnType<typeof entry>[]
    }> = priorities
      .map((p) => ({
        priority: p,
        items: order(items.filter((i) => i.indicator.priorityIds.includes(p.id)).map(entry)),
      }))
      .filter((g) => g.items.length > 0)
    const unassigned = items.filter((i) => i.indicator.priorityIds.length === 0).map(entry)
    if (unassigned.length > 0)
      groups.push({ priority: { id: null, code: null, name: 'No priority' }, items: order(unassigned) })
    return groups
  }
}

export type EvaluationService = ReturnType<typeof createEvaluationService>

/**
 * A partnership's evaluation in brief, for reading several side by side: how many of each RAG, and the
 * indicators and areas flagged, bad before good.
 */
export function inBrief(items: readonly EvaluatedItem[]) {
  const rag = { green: 0, amber: 0, red: 0, grey: 0 }
  for (const item of items) rag[item.evaluation.rag] += 1
  const flagged = items
    .filter((item) => item.evaluation.flags.length > 0)
    .map((item) => ({
      indicator: { id: item.indicator.id, reference: item.indicator.reference, name: item.indicator.name },
      area: item.area,
      rag: item.evaluation.rag,
      direction: item.evaluation.flags.some((f) => f.direction === 'bad') ? ('bad' as const) : ('good' as const),
      flags: item.evaluation.flags.map((f) => f.flag),
    }))
    .sort((a, b) => Number(a.direction === 'good') - Number(b.direction === 'good'))
  return { rag, flagged }
}
