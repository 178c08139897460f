import { DomainError } from './errors.js'

/**
 * The period model every part of the service shares. String forms (in URLs, bodies and CSV):
 *
 *   month            2010-04      April 2010
 *   quarter          2010-Q2      calendar quarter: April to June 2010 (a partnership's "Q1" when its year starts in April);
 *                    FY2010-11-Q1, 2010/11 Q1 and Q1 2010/11 are read as the same quarter
 *   financial year   FY2010-11    the year starting in 2010 on the partnership's year-start month (FY2010 when that is January)
 *   calendar year    2010         January to December 2010
 *
 * Months are counted internally as year x 12 + (month - 1), which makes arithmetic on them plain integers.
 */
export const PERIOD_KINDS = ['month', 'quarter', 'financial_year', 'calendar_year'] as const
export type PeriodKind = (typeof PERIOD_KINDS)[number]

export interface Period {
  kind: PeriodKind
  /** Canonical string form. */
  key: string
  /** First month, as year x 12 + (month - 1). */
  firstMonth: number
  /** Number of months covered. */
  length: number
}

const MONTHS_OF: Record<PeriodKind, number> = { month: 1, quarter: 3, financial_year: 12, calendar_year: 12 }

const invalid = (text: string, why: string, field = 'period'): DomainError =>
  new DomainError('PERIOD.INVALID', 'validation', `"${text}" is not a period: ${why}`, [{ field, message: why }])

const pad = (n: number): string => String(n).padStart(2, '0')
const yearOf = (month: number): number => Math.floor(month / 12)
const monthOfYear = (month: number): number => (month % 12) + 1

function checkStartMonth(fyStartMonth: number): void {
  if (!Number.isInteger(fyStartMonth) || fyStartMonth < 1 || fyStartMonth > 12)
    throw new RangeError(`year-start month ${fyStartMonth} is not 1-12`)
}

function financialYearKey(startYear: number, fyStartMonth: number): string {
  return fyStartMonth === 1 ? `FY${startYear}` : `FY${startYear}-${pad((startYear + 1) % 100)}`
}

function build(kind: PeriodKind, firstMonth: number, fyStartMonth: number): Period {
  const year = yearOf(firstMonth)
  const key =
    kind === 'month'
      ? `${year}-${pad(monthOfYear(firstMonth))}`
      : kind === 'quarter'
        ? `${year}-Q${Math.floor((monthOfYear(firstMonth) - 1) / 3) + 1}`
        : kind === 'calendar_year'
          ? String(year)
          : financialYearKey(year, fyStartMonth)
  return { kind, key, firstMonth, length: MONTHS_OF[kind] }
}

const YEAR_RANGE = { min: 1900, max: 2200 }

function checkYear(text: string, year: number, field: string): void {
  if (year < YEAR_RANGE.min || year > YEAR_RANGE.max)
    throw invalid(text, `the year must be between ${YEAR_RANGE.min} and ${YEAR_RANGE.max}`, field)
}

/** Parses a period's string form; the financial year needs the partnership's year-start month. */
export function parsePeriod(text: string, fyStartMonth = 4, field = 'period'): Period {
  checkStartMonth(fyStartMonth)
  let m: RegExpExecArray | null
  if ((m = /^(\d{4})-(\d{2})$/.exec(text)) !== null) {
    const year = Number(m[1])
    const month = Number(m[2])
    checkYear(text, year, field)
    if (month < 1 || month > 12) throw invalid(text, 'the month must be 01 to 12', field)
    return build('month', year * 12 + month - 1, fyStartMonth)
  }
  if ((m = /^(\d{4})-Q([1-4])$/.exec(text)) !== null) {
    const year = Number(m[1])
    checkYear(text, year, field)
    return build('quarter', year * 12 + (Number(m[2]) - 1) * 3, fyStartMonth)
  }
  // A quarter of the partnership's year as plans write it (FY2010-11-Q2, 2010/11 Q2, Q2 2010/11; FY2010-Q2
  // for a January year) is the calendar quarter it covers: July to September 2010 in an April year.
  const fyFirst = /^FY(\d{4}(?:-\d{2})?)-Q([1-4])$/.exec(text) ?? /^(\d{4}\/\d{2}) Q([1-4])$/.exec(text)
  const qFirst = /^Q([1-4]) (\d{4}\/\d{2})$/.exec(text)
  const yearQuarter = fyFirst
    ? { year: fyFirst[1]!, q: fyFirst[2]! }
    : qFirst
      ? { year: qFirst[2]!, q: qFirst[1]! }
      : null
  if (yearQuarter !== null) {
    const { q } = yearQuarter
    const yearText = yearQuarter.year.includes('/') ? yearQuarter.year : `FY${yearQuarter.year}`
    const year = parsePeriod(yearText, fyStartMonth, field)
    if ((fyStartMonth - 1) % 3 !== 0)
      throw invalid(
        text,
        "this partnership's year does not start with a calendar quarter, so its quarters are not the quarters figures are kept in: use YYYY-MM or YYYY-Qn",
        field,
      )
    return build('quarter', year.firstMonth + (Number(q) - 1) * 3, fyStartMonth)
  }
  // "2010/11", as plans write a financial year, is FY2010-11.
  if ((m = /^(\d{4})\/(\d{2})$/.exec(text)) !== null && fyStartMonth !== 1)
    return parsePeriod(`FY${m[1]}-${m[2]}`, fyStartMonth, field)
  if ((m = /^FY(\d{4})(?:-(\d{2}))?$/.exec(text)) !== null) {
    const year = Number(m[1])
    checkYear(text, year, field)
    if (fyStartMonth === 1 && m[2] !== undefined)
      throw invalid(text, "this partnership's year starts in January: write FY" + year, field)
    if (fyStartMonth !== 1 && m[2] !== pad((year + 1) % 100))
      throw invalid(text, `write FY${year}-${pad((year + 1) % 100)}`, field)
    return build('financial_year', year * 12 + fyStartMonth - 1, fyStartMonth)
  }
  if ((m = /^(\d{4})$/.exec(text)) !== null) {
    const year = Number(m[1])
    checkYear(text, year, field)
    return build('calendar_year', year * 12, fyStartMonth)
  }
  throw invalid(
    text,
    'use YYYY-MM, YYYY-Qn (a calendar quarter), FYYYYY-YY, FYYYYY-YY-Qn (a quarter of the year) or YYYY',
    field,
  )
}

/**
 * A period as the partnership's answers print it: a calendar quarter, kept as 2010-Q3, is the quarter of
 * its year when its year starts with a quarter (FY2010-11-Q2 in an April year, FY2010-Q3 in a January one,
 * FY2010-11-Q1 in a July one); otherwise, and every other kind of period, as kept. parsePeriod reads both.
 */
export function printedPeriod(key: string, fyStartMonth: number): string {
  const m = /^(\d{4})-Q([1-4])$/.exec(key)
  if (m === null || (fyStartMonth - 1) % 3 !== 0) return key
  const first = Number(m[1]) * 12 + (Number(m[2]) - 1) * 3
  const startYear = yearOf(first - (fyStartMonth - 1))
  const quarter = (first - (startYear * 12 + fyStartMonth - 1)) / 3 + 1
  return `${financialYearKey(startYear, fyStartMonth)}-Q${quarter}`
}

/** The fields of the contract (and of events) that hold a period key. */
const PERIOD_FIELDS = [
  'period',
  'baselinePeriod',
  'evaluatedPeriod',
  'targetPeriod',
  'from',
  'to',
  'against',
  'missing',
]
const PERIODS_IN_JSON = new RegExp(`"(${PERIOD_FIELDS.join('|')})":"(\\d{4}-Q[1-4])"`, 'g')

/** A JSON text with its period fields' quarters printed as the partnership prints them (printedPeriod). */
export function printedInJson(json: string, fyStartMonth: number): string {
  if ((fyStartMonth - 1) % 3 !== 0 || !json.includes('-Q')) return json
  return json.replace(
    PERIODS_IN_JSON,
    (_, field: string, key: string) => `"${field}":"${printedPeriod(key, fyStartMonth)}"`,
  )
}

/**
 * "2010-11" is November 2010, but plans write the financial year 2010/11 much the same way: when a month
 * could have been meant as the year, say how it was read and how to ask for the year.
 */
export function ambiguousMonth(text: string, fyStartMonth: number): string | null {
  const m = /^(\d{4})-(\d{2})$/.exec(text)
  if (m === null || fyStartMonth === 1 || Number(m[2]) !== (Number(m[1]) + 1) % 100) return null
  return `${text} was read as a month; for the financial year send FY${text} or ${m[1]}/${m[2]}.`
}

/** The period of a kind that contains the given month. */
export function periodContaining(kind: PeriodKind, month: number, fyStartMonth = 4): Period {
  checkStartMonth(fyStartMonth)
  if (kind === 'month') return build(kind, month, fyStartMonth)
  if (kind === 'quarter') return build(kind, month - (month % 3), fyStartMonth)
  if (kind === 'calendar_year') return build(kind, month - (month % 12), fyStartMonth)
  const offset = (((month - (fyStartMonth - 1)) % 12) + 12) % 12
  return build(kind, month - offset, fyStartMonth)
}

export function shift(period: Period, by: number, fyStartMonth = 4): Period {
  return build(period.kind, period.firstMonth + by * period.length, fyStartMonth)
}

export function lastMonth(period: Period): number {
  return period.firstMonth + period.length - 1
}

export function contains(outer: Period, inner: Period): boolean {
  return inner.firstMonth >= outer.firstMonth && lastMonth(inner) <= lastMonth(outer)
}

/** The months of a period, in order, as their string forms. */
export function monthsOf(period: Period): string[] {
  return Array.from({ length: period.length }, (_, i) => build('month', period.firstMonth + i, 4).key)
}

/** The month an ISO date falls in, as year x 12 + (month - 1): a Period's firstMonth. */
export function monthIndex(date: string): number {
  return Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1
}

/** First and last day as ISO dates, for DATE columns. */
export function dateRange(period: Period): { start: string; end: string } {
  const last = lastMonth(period)
  const endYear = yearOf(last)
  const endMonth = monthOfYear(last)
  const days = new Date(Date.UTC(endYear, endMonth, 0)).getUTCDate()
  return {
    start: `${yearOf(period.firstMonth)}-${pad(monthOfYear(period.firstMonth))}-01`,
    end: `${endYear}-${pad(endMonth)}-${pad(days)}`,
  }
}

/** The ISO date `days` days after `date` (before it, when negative). */
export const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)

export const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

function isDay(text: string): boolean {
  const m = DAY.exec(text)
  if (m === null) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

/** The first and last day a day or a period covers. */
export function daysOf(text: string, yearStartMonth: number, field: string): { start: string; end: string } {
  if (DAY.test(text)) {
    if (!isDay(text))
      throw new DomainError('PERIOD.INVALID', 'validation', `"${text}" is not a day of the calendar.`, [
        { field, message: 'is not a day of the calendar' },
      ])
    return { start: text, end: text }
  }
  return dateRange(parsePeriod(text, yearStartMonth, field))
}

/**
 * A query's from and to as the dates they stand for: a day as it is, a period by its first (from) or last
 * (to) day. With `code`, a window that runs backwards is refused under it (400), as every list does.
 */
export function dateWindow<Q extends { from?: string; to?: string }>(
  query: Q,
  yearStartMonth: number,
  code?: string,
): Q {
  const window = {
    ...query,
    ...(query.from === undefined ? {} : { from: daysOf(query.from, yearStartMonth, 'querystring.from').start }),
    ...(query.to === undefined ? {} : { to: daysOf(query.to, yearStartMonth, 'querystring.to').end }),
  }
  if (code !== undefined && window.from !== undefined && window.to !== undefined && window.to < window.from)
    throw new DomainError(code, 'validation', `The range runs forwards: ${query.to} is before ${query.from}.`, [
      { field: 'querystring.to', message: 'must be on or after from' },
    ])
  return window
}

/**
 * The earliest day a partnership's records may be dated: Community Safety Partnerships began with the
 * Crime and Disorder Act 1998. A year of 1900 or 2099 is a typing slip, not a record.
 */
export const EARLIEST_RECORD_DAY = '1998-01-01'

/**
 * Checks a day something was done (an assessment made, progress reported, a payment made, a decision
 * taken): on or after EARLIEST_RECORD_DAY and not after today, so a future-dated entry never decides
 * today's view.
 */
export function requireDone(day: string, today: string, field: string, what: string): void {
  if (day >= EARLIEST_RECORD_DAY && day <= today) return
  throw new DomainError(
    'DATE.RANGE',
    'unprocessable',
    day > today
      ? `${what} cannot be dated after today (${today}): record it once it has happened.`
      : `${what} cannot be dated before ${EARLIEST_RECORD_DAY}, when partnerships began.`,
    [{ field, message: `must be from ${EARLIEST_RECORD_DAY} to ${today}` }],
  )
}
