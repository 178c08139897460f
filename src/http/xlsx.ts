import type ExcelJS from 'exceljs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type, { type TSchema } from 'typebox'

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

/** The workbook as bytes. */
export async function workbook(sheet: Sheet): Promise<Buffer> {
  // Loaded when a workbook is first asked for: an instance that is never asked for one does not hold it.
  const { default: Excel } = await import('exceljs')
  const book = new Excel.Workbook()
  book.creator = 'Safer Partnerships API'
  // Printed, each sheet fits the width of a landscape page (as wide a table as a report has).
  const pageSetup = { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } as const
  const about = book.addWorksheet('About', { pageSetup })
  about.columns = [{ width: 18 }, { width: 80 }]
  about.addRow([sheet.title]).font = { bold: true, size: 14 }
  about.addRow([])
  for (const [label, text] of sheet.about) {
    const row = about.addRow([label, text])
    row.getCell(1).font = { bold: true }
  }

  // A sheet's name holds at most 31 characters, none of []:*?/\.
  const table = book.addWorksheet(sheet.title.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
    pageSetup: { ...pageSetup, printTitlesRow: '1:1' },
  })
  const kinds = sheet.header.map((h) => sheet.kinds[h] ?? 'text')
  const head = table.addRow([...sheet.header])
  head.font = { bold: true }
  head.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } }
  })
  for (const values of sheet.rows) {
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
  }
  // Wide enough for the header and the longest cell, within reason.
  table.columns.forEach((column, i) => {
    const longest = Math.max(
      sheet.header[i]!.length,
      ...sheet.rows.slice(0, 500).map((r) => String(r[i] ?? '').split('\n')[0]!.length),
    )
    column.width = Math.min(60, Math.max(8, longest + 2))
  })
  return Buffer.from(await book.xlsx.writeBuffer())
}

/** XLSX when asked for by `format=xlsx`, or by an Accept header that names it before JSON and CSV. */
export function wantsXlsx(request: FastifyRequest, format: string | undefined): boolean {
  if (format !== undefined) return format === 'xlsx'
  const accept = request.headers.accept ?? ''
  return accept.includes(XLSX_TYPE) && !accept.includes('application/json') && !accept.includes('text/csv')
}

export async function sendXlsx(reply: FastifyReply, name: string, sheet: Sheet): Promise<FastifyReply> {
  return reply
    .type(XLSX_TYPE)
    .header('content-disposition', `attachment; filename="${name.replace(/[^\w.-]/g, '_')}.xlsx"`)
    .send(await workbook(sheet))
}

/** An answer as JSON, CSV or an Excel workbook; the contract names the CSV's columns. */
export const JsonCsvOrXlsx = (description: string, json: TSchema, columns: readonly string[]) => ({
  description,
  content: {
    'application/json': { schema: json },
    'text/csv': { schema: Type.String({ description: columns.join(',') }) },
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
