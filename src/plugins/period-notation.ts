import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { printedInJson, printedPeriod } from '../domain/periods.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The year-start month of a partnership read without a membership (the public view). */
    yearStartMonth?: number
  }
}

/** A CSV cell that is a quarter and nothing else. */
const IN_CSV = /(^|,)(\d{4}-Q[1-4])(?=,|\r?\n|$)/gm
/** A quarter's key anywhere in a text (a file name, a line of prose). */
const QUARTER = /\d{4}-Q[1-4]/g

/** The year in which the answer's periods are counted: the partnership's, or none (calendar quarters). */
export const yearStartOf = (request: FastifyRequest): number | undefined =>
  request.partnership?.financialYearStartMonth ?? request.yearStartMonth

/** A table cell as the partnership prints it: a quarter of its year, anything else as it is. */
export const printedCell =
  (yearStart: number | undefined) =>
  (cell: unknown): unknown =>
    yearStart !== undefined && typeof cell === 'string' && /^\d{4}-Q[1-4]$/.test(cell)
      ? printedPeriod(cell, yearStart)
      : cell

/** Prose with the quarters in it written as the partnership prints them ("2010-Q3 (Jul-Sep 2010)"). */
export const printedText = (text: string, yearStart: number | undefined): string =>
  yearStart === undefined ? text : text.replace(QUARTER, (key) => printedPeriod(key, yearStart))

/**
 * One notation for quarters in every answer (issue 27). Figures are kept by calendar quarter (2010-Q3), the
 * key every table shares; a partnership whose year starts with a quarter counts them as quarters of its
 * year (FY2010-11-Q2 in an April year), and its answers say so: here, where every JSON and CSV answer
 * passes, the period fields of the contract and a CSV's quarter cells are written in its notation. The
 * service reads either form. A workbook and a streamed export print their cells the same way where they
 * are made (printedCell).
 */
export function periodNotation(app: FastifyInstance): void {
  app.decorateRequest('yearStartMonth', undefined)
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const yearStart = yearStartOf(request)
    if (yearStart === undefined || (yearStart - 1) % 3 !== 0) return payload
    const disposition = reply.getHeader('content-disposition')
    if (typeof disposition === 'string') reply.header('content-disposition', printedText(disposition, yearStart))
    if (typeof payload !== 'string' || !payload.includes('-Q')) return payload
    const type = String(reply.getHeader('content-type') ?? '')
    if (type.includes('json')) return printedInJson(payload, yearStart)
    if (type.startsWith('text/csv'))
      return payload.replace(IN_CSV, (_, before: string, key: string) => before + printedPeriod(key, yearStart))
    return payload
  })
}
