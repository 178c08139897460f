import type { Db } from '../../db/client.js'
import { seriesKind } from '../../domain/indicators.js'
import { monthIndex } from '../../domain/periods.js'
import {
  completeness,
  expectedPeriods,
  returnState,
  type Completeness,
  type ExpectedIndicator,
  type ReturnState,
} from '../../domain/returns.js'
import { returnsData } from './returns.repository.js'

export interface ReturnsQuery {
  asOf: string
  /** The first day of the first period looked at. */
  from: string
  /** Only this agency's indicators (an agency's own token reads no other). */
  agencyId?: string
}

export interface ReturnRow {
  agencyId: string | null
  agencyName: string | null
  indicatorId: string
  reference: string
  indicatorName: string
  areaId: string
  areaName: string
  areaCode: string | null
  period: string
  dueOn: string
  receivedOn: string | null
  state: ReturnState
  daysLate: number
}

/**
 * Every return expected between `from` and `asOf`, with its state. An indicator is expected for each area
 * it has ever had a figure or a target for; one with neither (a count monitored but never yet sent) for
 * the partnership's top areas, so that its missing returns surface at all.
 */
async function expectedReturns(db: Db, partnershipId: string, fyStartMonth: number, query: ReturnsQuery) {
  const data = await returnsData(db, partnershipId, query.from, query.asOf)
  const areas = new Map(data.areas.map((a) => [a.id, a]))
  const tops = data.areas.filter((a) => a.parentId === null || !areas.has(a.parentId))
  const areasOf = new Map<string, string[]>()
  for (const p of data.pairs)
    if (areas.has(p.areaId)) areasOf.set(p.indicatorId, [...(areasOf.get(p.indicatorId) ?? []), p.areaId])
  const received = new Map(data.received.map((r) => [`${r.indicatorId}|${r.areaId}|${r.period}`, r.receivedOn]))
  const latest = new Map(data.latest.map((l) => [l.indicatorId, l]))
  const fromMonth = monthIndex(query.from)
  const rows: ReturnRow[] = []
  for (const indicator of data.indicators) {
    if (query.agencyId !== undefined && indicator.agencyId !== query.agencyId) continue
    const last = latest.get(indicator.id)
    const yearly = indicator.frequency === 'annual' || indicator.frequency === 'biennial'
    const shape: ExpectedIndicator = {
      frequency: indicator.frequency,
      dataLagDays: indicator.dataLagDays,
      kind:
        yearly && last !== undefined && !last.period.startsWith('FY')
          ? 'calendar_year'
          : seriesKind(indicator.frequency),
      anchorMonth: last === undefined ? null : monthIndex(last.periodStart),
    }
    const expected = expectedPeriods(shape, fromMonth, query.asOf, fyStartMonth)
    const where = (areasOf.get(indicator.id) ?? tops.map((a) => a.id)).map((id) => areas.get(id)!)
    for (const area of where)
      for (const { period, dueOn } of expected) {
        const receivedOn = received.get(`${indicator.id}|${area.id}|${period.key}`) ?? null
        rows.push({
          agencyId: indicator.agencyId,
          agencyName: indicator.agencyName,
          indicatorId: indicator.id,
          reference: indicator.reference,
          indicatorName: indicator.name,
          areaId: area.id,
          areaName: area.name,
          areaCode: area.code,
          period: period.key,
          dueOn,
          receivedOn,
          ...returnState(dueOn, receivedOn, query.asOf),
        })
      }
  }
  return rows
}

export function createReturnsService(db: Db) {
  return {
    /** The returns not in by `asOf`, longest overdue first: what a PMG officer chases. */
    async overdue(partnershipId: string, fyStartMonth: number, query: ReturnsQuery) {
      const rows = await expectedReturns(db, partnershipId, fyStartMonth, query)
      return rows
        .filter((r) => r.state === 'overdue')
        .sort(
          (a, b) =>
            b.daysLate - a.daysLate ||
            a.reference.localeCompare(b.reference) ||
            a.areaName.localeCompare(b.areaName) ||
            a.period.localeCompare(b.period),
        )
    },

    /** Per agency and period: returns expected, received on time, late, and still overdue. */
    async completeness(partnershipId: string, fyStartMonth: number, query: ReturnsQuery) {
      const rows = await expectedReturns(db, partnershipId, fyStartMonth, query)
      const groups = new Map<
        string,
        { agencyId: string | null; agencyName: string | null; period: string; states: ReturnState[] }
      >()
      for (const r of rows) {
        const key = `${r.agencyId ?? ''}|${r.period}`
        const group = groups.get(key) ?? {
          agencyId: r.agencyId,
          agencyName: r.agencyName,
          period: r.period,
          states: [],
        }
        group.states.push(r.state)
        groups.set(key, group)
      }
      return [...groups.values()]
        .map(({ states, ...g }): typeof g & Completeness => ({ ...g, ...completeness(states) }))
        .sort(
          (a, b) =>
            (a.agencyName ?? '\uffff').localeCompare(b.agencyName ?? '\uffff') || a.period.localeCompare(b.period),
        )
    },
  }
}
