import { dueDate } from './evaluation/due-date.js'
import type { Frequency } from './indicators.js'
import { periodContaining, type Period, type PeriodKind } from './periods.js'

/**
 * Expected returns (issue 26): every indicator implies a figure per area and period, due by the period's
 * last day plus the indicator's data lag. A return is expected once its due day has passed; it is on
 * time when first received on or before that day, late when after, and overdue while it has not come.
 */

export interface ExpectedIndicator {
  frequency: Frequency
  dataLagDays: number
  /** The kind of period its figures come in: its series kind, or (a survey) the kind its figures use. */
  kind: PeriodKind
  /** A biennial survey's figures come every other year, in step with its latest: that year's first month. */
  anchorMonth: number | null
}

export interface Expected {
  period: Period
  /** The day after which the figure is late. */
  dueOn: string
}

const MONTHS: Record<PeriodKind, number> = { month: 1, quarter: 3, financial_year: 12, calendar_year: 12 }
/** A window longer than this is a mistake: fifty years of monthly returns. */
const MAX_PERIODS = 600

/** The periods of an indicator from the month `fromMonth` on whose figure was due before `asOf`. */
export function expectedPeriods(
  indicator: ExpectedIndicator,
  fromMonth: number,
  asOf: string,
  fyStartMonth: number,
): Expected[] {
  const step = MONTHS[indicator.kind] * (indicator.frequency === 'biennial' ? 2 : 1)
  let period = periodContaining(indicator.kind, fromMonth, fyStartMonth)
  if (period.firstMonth < fromMonth) period = periodContaining(indicator.kind, period.firstMonth + step, fyStartMonth)
  if (indicator.frequency === 'biennial' && indicator.anchorMonth !== null) {
    const off = (((period.firstMonth - indicator.anchorMonth) % step) + step) % step
    if (off !== 0) period = periodContaining(indicator.kind, period.firstMonth + step - off, fyStartMonth)
  }
  const expected: Expected[] = []
  for (let i = 0; i < MAX_PERIODS; i++) {
    const dueOn = dueDate(period, indicator.dataLagDays)
    if (dueOn >= asOf) break
    expected.push({ period, dueOn })
    period = periodContaining(indicator.kind, period.firstMonth + step, fyStartMonth)
  }
  return expected
}

export type ReturnState = 'on_time' | 'late' | 'overdue'

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000

/** A return's state at `asOf`, and by how many days it was (or is) late. */
export function returnState(
  dueOn: string,
  receivedOn: string | null,
  asOf: string,
): { state: ReturnState; daysLate: number } {
  if (receivedOn === null) return { state: 'overdue', daysLate: dayNumber(asOf) - dayNumber(dueOn) }
  if (receivedOn <= dueOn) return { state: 'on_time', daysLate: 0 }
  return { state: 'late', daysLate: dayNumber(receivedOn) - dayNumber(dueOn) }
}

export interface Completeness {
  expected: number
  received: number
  onTime: number
  late: number
  overdue: number
  /** Received over expected, and on time over expected, in percent to one place. */
  completenessPercent: number
  timelinessPercent: number
}

/** The counts of a set of return states. */
export function completeness(states: readonly ReturnState[]): Completeness {
  const count = (s: ReturnState) => states.filter((x) => x === s).length
  const onTime = count('on_time')
  const late = count('late')
  const percent = (n: number) => (states.length === 0 ? 0 : Math.round((1000 * n) / states.length) / 10)
  return {
    expected: states.length,
    received: onTime + late,
    onTime,
    late,
    overdue: count('overdue'),
    completenessPercent: percent(onTime + late),
    timelinessPercent: percent(onTime),
  }
}
