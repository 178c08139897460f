import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/client.js'
import { sendCsv, spreadsheetCsv, wantsCsv } from '../../http/csv.js'
import { sendXlsx, wantsXlsx, type CellKind } from '../../http/xlsx.js'
import { partnershipName } from './partnerships.repository.js'
import { printedCell, printedText, yearStartOf } from '../../plugins/period-notation.js'

/**
 * What a workbook's first sheet says of where it came from: the partnership by name, the lines the report
 * gives (period, as-of date...), and the request that made it, so a copy passed on can be traced and re-run.
 */
export async function sheetAbout(
  db: Db,
  request: FastifyRequest,
  lines: Array<[string, string]>,
): Promise<Array<[string, string]>> {
  const { name } = await partnershipName(db, request.partnership.id)
  return [
    ['Partnership', name],
    ...lines,
    ['Source', `Safer Partnerships API: GET ${request.url}`],
    ['Made', new Date().toISOString()],
  ]
}

/** Whether a report is asked for as a table (CSV or a workbook) rather than JSON. */
export const wantsTable = (request: FastifyRequest, format: string | undefined) =>
  wantsCsv(request, format) || wantsXlsx(request, format)

export interface Table {
  /** The file's name, after the partnership's slug ("exceptions-2010-09"). */
  name: string
  /** The report's title, the workbook's sheet ("Exception report"). */
  title: string
  /** What the workbook's first sheet says between the partnership and the source. */
  about: Array<[string, string]>
  header: readonly string[]
  rows: ReadonlyArray<ReadonlyArray<unknown>>
  /** How the workbook writes each column (text unless named). */
  kinds: Readonly<Record<string, CellKind>>
}

/** A report's rows as the CSV or the workbook asked for: the same rows either way. */
export async function sendTable(
  db: Db,
  request: FastifyRequest,
  reply: FastifyReply,
  format: string | undefined,
  table: Table,
): Promise<FastifyReply> {
  const file = `${request.partnership.slug}-${table.name}`
  // A CSV's quarters are printed on its way out; a workbook's here (plugins/period-notation.ts).
  if (!wantsXlsx(request, format)) return sendCsv(reply, file, spreadsheetCsv(table.header, table.rows))
  const yearStart = yearStartOf(request)
  const cell = printedCell(yearStart)
  return sendXlsx(reply, file, {
    title: table.title,
    about: (await sheetAbout(db, request, table.about)).map(([label, text]) => [label, printedText(text, yearStart)]),
    header: table.header,
    rows: table.rows.map((row) => row.map(cell)),
    kinds: table.kinds,
  })
}
