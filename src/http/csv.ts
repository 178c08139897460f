import { stringify } from 'csv-stringify/sync'

/** A number as text ("-3", "12.5") is data, not a formula. */
const NUMBER = /^[+-]?\d+(\.\d+)?$/
/** What a spreadsheet reads as the start of a formula (OWASP: CSV injection). */
const FORMULA = /^[=+\-@\t\r]/

/**
 * A cell a spreadsheet will not run: text that starts like a formula is prefixed with an apostrophe,
 * which Excel and LibreOffice show as text and hide.
 */
export const neutralised = (cell: string): string => (FORMULA.test(cell) && !NUMBER.test(cell) ? `'${cell}` : cell)

/**
 * A CSV document for people to open in a spreadsheet: a UTF-8 byte order mark first (Excel on Windows
 * reads "£" wrongly without it), every text cell neutralised, lists within a cell one per line.
 */
export function spreadsheetCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cell = (value: unknown): string =>
    value === null || value === undefined
      ? ''
      : Array.isArray(value)
        ? value.map(cell).join('\n')
        : neutralised(String(value))
  return stringify([header, ...rows.map((row) => row.map(cell))], { bom: true, record_delimiter: 'windows' })
}
