import { DomainError } from '../errors.js'
import { DAY, daysOf, dateRange, parsePeriod, type Period } from '../periods.js'

/**
 * When an action runs and when a milestone is due, written as the plan writes them: a day (2010-08-21),
 * a month (2010-04), a quarter (2010-Q2), a financial year (FY2010-11: seed 000's "April to March") or a
 * calendar year; an action may also run on with no end ("ongoing"). Each is kept as written and read as
 * the dates it covers.
 */
export const ONGOING = 'ongoing'

/** A period in its canonical form, or a day as written. */
function canonical(text: string, yearStartMonth: number, field: string): string {
  if (!DAY.test(text)) return parsePeriod(text, yearStartMonth, field).key
  daysOf(text, yearStartMonth, field)
  return text
}

const timingError = (field: string, message: string) =>
  new DomainError('ACTION.TIMING', 'unprocessable', `The action ${message}.`, [{ field, message }])

/** An action's first and last day; null where the plan says TBC (no start) or ongoing / TBC (no end). */
export function actionDates(
  starts: string | null,
  ends: string | null,
  yearStartMonth: number,
): { starts: string | null; ends: string | null; startsOn: string | null; endsOn: string | null } {
  const startsOn = starts === null ? null : daysOf(starts, yearStartMonth, 'body.starts').start
  const endsOn = ends === null || ends === ONGOING ? null : daysOf(ends, yearStartMonth, 'body.ends').end
  if (startsOn !== null && endsOn !== null && endsOn < startsOn)
    throw timingError('body.ends', `cannot end (${endsOn}) before it starts (${startsOn})`)
  return {
    starts: starts === null ? null : canonical(starts, yearStartMonth, 'body.starts'),
    ends: ends === null || ends === ONGOING ? ends : canonical(ends, yearStartMonth, 'body.ends'),
    startsOn,
    endsOn,
  }
}

/** A milestone's due date: the last day of its period; `dueFrom` (Q1-4) must not start after it. */
export function milestoneDates(
  due: string,
  dueFrom: string | null,
  yearStartMonth: number,
): { due: string; dueFrom: string | null; dueOn: string } {
  const dueOn = daysOf(due, yearStartMonth, 'body.due').end
  if (dueFrom !== null && daysOf(dueFrom, yearStartMonth, 'body.dueFrom').start > dueOn)
    throw new DomainError('MILESTONE.TIMING', 'unprocessable', 'A milestone cannot run from after it is due.', [
      { field: 'body.dueFrom', message: `starts after ${dueOn}` },
    ])
  return {
    due: canonical(due, yearStartMonth, 'body.due'),
    dueFrom: dueFrom === null ? null : canonical(dueFrom, yearStartMonth, 'body.dueFrom'),
    dueOn,
  }
}

/** The quarter of the partnership's year a calendar quarter is (2010-Q2 is Q1 when the year starts in April). */
function yearQuarter(period: Period, yearStartMonth: number): number | null {
  if (period.kind !== 'quarter' || (yearStartMonth - 1) % 3 !== 0) return null
  return Math.floor(((((period.firstMonth - (yearStartMonth - 1)) % 12) + 12) % 12) / 3) + 1
}

/**
 * A milestone's due period as the plan prints it: "Q1", "Q2-3" for quarters of the partnership's year,
 * otherwise the period or day as written ("2010-10", "2010-05 to 2010-08").
 */
export function milestoneLabel(due: string, dueFrom: string | null, yearStartMonth: number): string {
  const quarter = (text: string) =>
    DAY.test(text) ? null : yearQuarter(parsePeriod(text, yearStartMonth), yearStartMonth)
  const last = quarter(due)
  if (dueFrom === null) return last === null ? due : `Q${last}`
  const first = quarter(dueFrom)
  const sameYear =
    first !== null && last !== null && daysOf(due, yearStartMonth, 'due').end <= nextYearEnd(dueFrom, yearStartMonth)
  return sameYear && first <= last ? `Q${first}-${last}` : `${dueFrom} to ${due}`
}

/** The last day of the partnership year a period starts in. */
function nextYearEnd(text: string, yearStartMonth: number): string {
  const period = parsePeriod(text, yearStartMonth)
  const offset = (((period.firstMonth - (yearStartMonth - 1)) % 12) + 12) % 12
  return dateRange({ kind: 'financial_year', key: '', firstMonth: period.firstMonth - offset, length: 12 }).end
}
