import { dateRange, type Period } from '../periods.js'

/** The day after which a period's figure is late: its last day plus the indicator's data lag. */
export function dueDate(period: Period, lagDays: number): string {
  const { end } = dateRange(period)
  const date = new Date(`${end}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + lagDays)
  return date.toISOString().slice(0, 10)
}
