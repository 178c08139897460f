import { stringify } from 'csv-stringify/sync'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Readable } from 'node:stream'

/** A number as text ("-3", "12.5") is data, not a formula. */
const NUMBER = /^[+-]?\d+(\.\d+)?$/
/** What a spreadsheet reads as the start of a formula (OWASP: CSV injection). */
const FORMULA = /^[=+\-@\t\r]/

/**
 * A cell a spreadsheet will not run: text that starts like a formula is prefixed with an apostrophe,
 * which Excel and LibreOffice show as text and hide.
 */
export const neutralised = (cell: string): string => (FORMULA.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell)

/** The inverse, for a file coming back: an export re-imported unedited stores what was exported. */
export const restored = (cell: string): string =>
  cell.startsWith("'") && FORMULA.test(cell.slice(1)) && !NUMBER.test(cell.slice(1)) ? cell.slice(1) : cell

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/**
 * A month period as Excel leaves it: a CSV opened and saved in Excel turns "2010-04" into "Apr-10" (its
 * mmm-yy date), which reads back as 2010-04. Anything else is returned as it was.
 */
export function fromExcelMonth(cell: string): string {
  const m = /^([A-Za-z]{3})-(\d{2})$/.exec(cell)
  const month = m === null ? -1 : MONTHS.indexOf(m[1]!.toLowerCase())
  return month < 0 ? cell : `20${m![2]}-${String(month + 1).padStart(2, '0')}`
}

const cellOf = (value: unknown): string =>
  value === null || value === undefined
    ? ''
    : Array.isArray(value)
      ? value.map(cellOf).join('\n')
      : neutralised(String(value))

/**
 * CSV lines for people to open in a spreadsheet: every text cell neutralised, lists within a cell one per
 * line; the first chunk of a document starts with a UTF-8 byte order mark (Excel on Windows reads "£"
 * wrongly without it).
 */
export function spreadsheetLines(rows: ReadonlyArray<ReadonlyArray<unknown>>, first = false): string {
  return (first ? '\ufeff' : '') + stringify(rows.map((row) => row.map(cellOf)))
}

/** An instant as spreadsheets read one ("2010-04-06 09:30:00"), in UTC: ISO's T and Z they take as text. */
export const spreadsheetTime = (at: Date): string => at.toISOString().slice(0, 19).replace('T', ' ')

/** Pence as a number of pounds a spreadsheet sums ("1500.00"), beside the formatted "£1,500". */
export const poundsNumber = (pence: number): string => (pence / 100).toFixed(2)

/** A whole CSV document: header and rows. */
export const spreadsheetCsv = (header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string =>
  spreadsheetLines([header, ...rows], true)

/** CSV when asked for by `format=csv`, or by an Accept header that prefers text/csv to JSON. */
export function wantsCsv(request: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) return format === 'csv'
  const accept = request.headers.accept ?? ''
  return accept.includes('text/csv') && !accept.includes('application/json')
}

/** Sends a CSV document as a download; the file name keeps only characters safe in a header. */
export function sendCsv(reply: FastifyReply, name: string, body: string | Readable): FastifyReply {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.csv"`)
    .send(body)
}
