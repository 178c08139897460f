import type ExcelJS from 'exceljs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { once } from 'node:events'
import { PassThrough, type Readable } from 'node:stream'
import Type, { type TSchema } from 'typebox'
import { JsonOrCsv } from './schemas.js'

/**
 * Reports as Excel workbooks, for the analysts who take them into a spreadsheet: the one module that knows
 * exceljs (pinned). A workbook is the report's table on its own sheet (header frozen, numbers as numbers
 * with the places they were given, dates as dates, periods as text, RAG cells coloured and in words) after
 * a first sheet saying what it is: partnership, period, as-of date and source.
 */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** How a column's cells are written: text unless named otherwise. */
export type CellKind = 'text' | 'number' | 'money' | 'date' | 'timestamp' | 'rag'

export interface Sheet {
  /** The sheet's name and the report's title ("Exception report"). */
  title: string
  /** What the first sheet says, in order: partnership, period, as-of date, source... */
  about: Array<[string, string]>
  header: readonly string[]
  rows: ReadonlyArray<ReadonlyArray<unknown>>
  kinds: Readonly<Record<string, CellKind>>
}

const RAG_FILL: Record<string, string> = { green: 'FF1A7F37', amber: 'FFBF8700', red: 'FFCF222E', grey: 'FF8C959F' }
const HEADER_FILL = 'FFD0D7DE'

/** The places a figure was written to ("1651.000": 3), so the cell shows what the CSV shows. */
const placesOf = (text: string) => /\.(\d+)$/.exec(text)?.[1]?.length ?? 0

/** A cell's value as its column's kind: a figure written as text becomes the number it names. */
function cellValue(kind: CellKind, value: unknown): { value: ExcelJS.CellValue; numFmt?: string } {
  if (value === null || value === undefined || value === '') return { value: null }
  // A list within a cell, one item per line (as the CSV writes it).
  if (Array.isArray(value)) return { value: value.map(String).join('\n') }
  if (kind === 'number' || kind === 'money') {
    const text = String(value).replace(/[£,%\s]/g, '')
    const n = Number(text)
    if (text === '' || !Number.isFinite(n)) return { value: String(value) }
    // Money in pounds and pence, however the text wrote it ("£96,351"); a figure to the places it was given.
    const places = kind === 'money' ? 2 : placesOf(text)
    const digits = places === 0 ? '#,##0' : `#,##0.${'0'.repeat(places)}`
    return { value: n, numFmt: kind === 'money' ? `£${digits};-£${digits}` : digits }
  }
  if (kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(String(value)))
    return { value: new Date(`${String(value)}T00:00:00Z`), numFmt: 'dd/mm/yyyy' }
  if (kind === 'timestamp') {
    // "2010-04-06 09:30:00", as the CSV writes it, is UTC.
    const text = String(value)
    const at =
      value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2} /.test(text) ? `${text.replace(' ', 'T')}Z` : text)
    if (!Number.isNaN(at.getTime())) return { value: at, numFmt: 'dd/mm/yyyy hh:mm:ss' }
  }
  return { value: String(value) }
}

/** A worksheet as both of exceljs' writers make one (the buffered Workbook's and the streaming one's). */
interface Writable {
  addRow(values: unknown[]): ExcelJS.Row
  columns: Array<Partial<ExcelJS.Column>>
}

// Printed, each sheet fits the width of a landscape page (as wide a table as a report has).
const pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } as const

/** The first sheet: the title, then what the report is, line by line. */
function writeAbout(about: Writable, sheet: Pick<Sheet, 'title' | 'about'>, commit: boolean) {
  about.columns = [{ width: 18 }, { width: 80 }]
  const lines = [
    Object.assign(about.addRow([sheet.title]), { font: { bold: true, size: 14 } }),
    about.addRow([]),
    ...sheet.about.map(([label, text]) => {
      const row = about.addRow([label, text])
      row.getCell(1).font = { bold: true }
      return row
    }),
  ]
  if (commit) for (const row of lines) row.commit()
}

/** Wide enough for the header and the longest cell (of the first rows), within reason. */
function columnWidths(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>) {
  return header.map((name, i) => {
    const longest = Math.max(
      headingOf(name).length,
      ...rows.slice(0, 500).map((r) => String(r[i] ?? '').split('\n')[0]!.length),
    )
    return { width: Math.min(60, Math.max(8, longest + 2)) }
  })
}

/** Words a CSV column name abbreviates. */
const WORDS: Record<string, string> = { rag: 'RAG', id: 'ID', utc: '(UTC)', pounds: '(pounds)', percent: '%' }

/**
 * A CSV column as a workbook heads it, for people: "recorded_at_utc" is "Recorded at (UTC)", "band_99_8"
 * "Band 99.8". Every CSV names its columns in snake_case, for the programs that read them.
 */
export function headingOf(column: string): string {
  const words = column
    .split('_')
    .map((w) => WORDS[w] ?? w)
    .join(' ')
    .replace(/(\d) (\d)/g, '$1.$2')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function writeHeader(table: Writable, header: readonly string[]) {
  const head = table.addRow(header.map(headingOf))
  head.font = { bold: true }
  head.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } }
  })
  return head
}

function writeRow(table: Writable, kinds: readonly CellKind[], values: ReadonlyArray<unknown>) {
  const row = table.addRow([])
  values.forEach((value, i) => {
    const kind = kinds[i]!
    const cell = row.getCell(i + 1)
    const written = cellValue(kind, value)
    cell.value = written.value
    if (written.numFmt !== undefined) cell.numFmt = written.numFmt
    if (typeof written.value === 'string' && written.value.includes('\n'))
      cell.alignment = { wrapText: true, vertical: 'top' }
    const fill = kind === 'rag' ? RAG_FILL[String(value)] : undefined
    if (fill !== undefined) {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } }
      cell.font = { bold: true, color: { argb: 'FFFFFFFF' } }
    }
  })
  return row
}

// A sheet's name holds at most 31 characters, none of []:*?/\.
const sheetName = (title: string) => title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31)
const kindsOf = (sheet: Pick<Sheet, 'header' | 'kinds'>) => sheet.header.map((h) => sheet.kinds[h] ?? 'text')

/** The workbook as bytes. */
export async function workbook(sheet: Sheet): Promise<Buffer> {
  // Loaded when a workbook is first asked for: an instance that is never asked for one does not hold it.
  const { default: Excel } = await import('exceljs')
  const book = new Excel.Workbook()
  book.creator = 'Safer Partnerships API'
  writeAbout(book.addWorksheet('About', { pageSetup }), sheet, false)
  const table = book.addWorksheet(sheetName(sheet.title), {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { ...pageSetup, printTitlesRow: '1:1' },
  })
  writeHeader(table, sheet.header)
  const kinds = kindsOf(sheet)
  for (const values of sheet.rows) writeRow(table, kinds, values)
  table.columns = columnWidths(sheet.header, sheet.rows)
  return Buffer.from(await book.xlsx.writeBuffer())
}

/**
 * A workbook of any number of rows, written as its pages of rows arrive (exceljs' streaming writer): what
 * is held at once is a page and the compressor's window, not the sheet. The columns are as wide as the
 * first page needs; the header is not repeated on printed pages (the streaming writer cannot say so).
 */
export function streamWorkbook(
  sheet: Omit<Sheet, 'rows'> & { pages: AsyncIterable<ReadonlyArray<ReadonlyArray<unknown>>> },
): Readable {
  const out = new PassThrough()
  const write = async () => {
    const { default: Excel } = await import('exceljs')
    const book = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
    book.creator = 'Safer Partnerships API'
    const about = book.addWorksheet('About', { pageSetup })
    writeAbout(about, sheet, true)
    about.commit()
    const table = book.addWorksheet(sheetName(sheet.title), { views: [{ state: 'frozen', ySplit: 1 }], pageSetup })
    const kinds = kindsOf(sheet)
    let first = true
    for await (const rows of sheet.pages) {
      if (first) {
        // Widths are written before the first row, so they come from the first page.
        table.columns = columnWidths(sheet.header, rows)
        writeHeader(table, sheet.header).commit()
        first = false
      }
      for (const values of rows) writeRow(table, kinds, values).commit()
      // The client reads slower than the database answers: wait rather than hold the file.
      if (out.writableNeedDrain) await once(out, 'drain')
    }
    if (first) writeHeader(table, sheet.header).commit()
    table.commit()
    await book.commit()
  }
  write().catch((error: unknown) => out.destroy(error as Error))
  return out
}

/** XLSX when asked for by `format=xlsx`, or by an Accept header that names it before JSON and CSV. */
export function wantsXlsx(request: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) return format === 'xlsx'
  const accept = request.headers.accept ?? ''
  return accept.includes(XLSX_TYPE) && !accept.includes('application/json') && !accept.includes('text/csv')
}

export async function sendXlsx(reply: FastifyReply, name: string, sheet: Sheet | Readable): Promise<FastifyReply> {
  return reply
    .type(XLSX_TYPE)
    .header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.xlsx"`)
    .send('pipe' in sheet ? sheet : await workbook(sheet))
}

/** An answer as JSON, CSV or an Excel workbook; the contract names the CSV's columns. */
export const JsonCsvOrXlsx = (description: string, json: TSchema, columns: readonly string[]) => ({
  description,
  content: {
    ...JsonOrCsv(description, json, columns).content,
    [XLSX_TYPE]: {
      schema: Type.Unsafe<Buffer>(
        Type.String({
          format: 'binary',
          description: 'An Excel workbook: a sheet saying what it is, then the same rows as the CSV',
        }),
      ),
    },
  },
})
