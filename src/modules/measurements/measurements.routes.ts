import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sendCsv, spreadsheetLines } from '../../http/csv.js'
import { JsonCsvOrXlsx, sendXlsx, streamWorkbook, wantsXlsx } from '../../http/xlsx.js'
import { sheetAbout, wantsTable } from '../partnerships/partnerships.sheet.js'
import { printedCell } from '../../plugins/period-notation.js'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Readable } from 'node:stream'
import Type, { type Static } from 'typebox'
import { asTenant } from '../../db/tenancy.js'
import { dateWindow } from '../../domain/periods.js'
import { problemResponses } from '../../plugins/problem.js'
import { actorOf } from '../resource/resource.routes.js'
import { periodPage, shortPage } from '../../http/paging.js'
import {
  CsvAnswer,
  IfMatchHeaders,
  IfMatchOptionalHeaders,
  IfNoneMatchHeaders,
  isNotModified,
  NoContent,
  PageQuery,
  PartnershipParams,
  page,
} from '../../http/schemas.js'
import { etagOf } from '../resource/resource.service.js'
import { registerBulkRoute } from '../batch/batch.routes.js'
import { CSV_COLUMNS, type BulkBodyLimits } from '../../http/bulk-body.js'
import { exportPage, listMeasurements, type MeasurementFilter } from './measurements.repository.js'
import {
  MeasurementKeyParams,
  MeasurementListQuery,
  MeasurementSchema,
  PutMeasurementSchema,
  RevisionSchema,
  StatusSchema,
} from './measurements.schemas.js'
import { createMeasurementService, type Writer } from './measurements.service.js'

const tags = ['Measurements']
const Measurement = Type.Ref('Measurement')
/** A PUT's answer: the measurement as written, and what about it looks unlike its history. */
const Written = Type.Object(
  {
    ...MeasurementSchema.properties,
    outliers: Type.Array(Type.Ref('Outlier'), {
      description:
        'The figure written, where it looks unlike its own history: kept (never refused) and queried as a finding until dismissed',
    }),
    violations: Type.Array(Type.Ref('RuleViolation'), {
      description: 'Validation rules the figure breaks (told; refused only for an error under strict validation)',
    }),
  },
  { additionalProperties: false },
)
type Key = Static<typeof MeasurementKeyParams>

const writerOf = (request: FastifyRequest): Writer => {
  const agency = request.membership?.agency
  return { ...actorOf(request), ...(agency === undefined ? {} : { agency }) }
}

const measurementRoutes: FastifyPluginAsyncTypebox<{ bulkBody: BulkBodyLimits }> = async (app, opts) => {
  const service = createMeasurementService(app.db)
  const read = { scope: 'partnership', role: 'viewer' } as const
  const write = { scope: 'partnership', role: 'officer', agencyWrites: true } as const

  /** The list's filters as the repository takes them: periods read in the partnership's year. */
  const filterOf = (request: FastifyRequest, query: Omit<Static<typeof MeasurementListQuery>, 'format'>) => {
    const { sort, ...window } = dateWindow(query, request.partnership.financialYearStartMonth, 'MEASUREMENT.RANGE')
    return { ...window, descending: sort === '-period' }
  }

  /**
   * Every row the filters take, page by page: read after the handler returns, so outside its tenant scope,
   * each page under its own.
   */
  async function* everyRow(request: FastifyRequest, filter: Omit<MeasurementFilter, 'limit' | 'after'>) {
    const partnershipId = request.partnership.id
    // Streamed, its quarters are printed here rather than on the way out (plugins/period-notation.ts).
    const cell = printedCell(request.partnership.financialYearStartMonth)
    let after: { periodStart: string; id: string } | undefined
    for (;;) {
      const page = { ...filter, limit: 5000, ...(after ? { after } : {}) }
      const rows = await asTenant(partnershipId, () => exportPage(app.db, partnershipId, page))
      if (rows.length === 0) return
      yield rows.map((r) => CSV_COLUMNS.map((c) => cell(r[c])))
      const last = rows[rows.length - 1]!
      after = { periodStart: last.periodStart, id: last.id }
    }
  }

  /** As CSV in the columns the bulk import takes (importing it back changes nothing), or as a workbook. */
  const tableOf = async (
    request: FastifyRequest,
    reply: FastifyReply,
    { format, ...query }: Static<typeof MeasurementListQuery>,
  ) => {
    // A window the service cannot read is refused here, before anything is sent.
    const filter = filterOf(request, query)
    const file = `${request.partnership.slug}-measurements`
    const pages = everyRow(request, filter)
    if (!wantsXlsx(request, format))
      return sendCsv(
        reply,
        file,
        Readable.from(
          (async function* () {
            yield spreadsheetLines([CSV_COLUMNS], true)
            for await (const rows of pages) yield spreadsheetLines(rows)
          })(),
        ),
      )
    return sendXlsx(
      reply,
      file,
      streamWorkbook({
        title: 'Measurements',
        about: await sheetAbout(app.db, request, [
          [
            'Rows',
            `Every measurement the request's filters take (Source), ${filter.descending ? 'latest' : 'earliest'} first`,
          ],
        ]),
        header: CSV_COLUMNS,
        kinds: { value: 'number', numerator: 'number', denominator: 'number' },
        pages,
      }),
    )
  }

  app.get('/', {
    config: { access: read, problems: { 400: ['MEASUREMENT.RANGE'] } },
    schema: {
      operationId: 'listMeasurements',
      tags,
      summary: 'List measurements, in period order',
      description:
        'A page of measurements in period order (then id; sort=-period for the latest first), filtered by indicator, area, status, text in the source or reason (q) and a from/to window (dates or periods: from=FY2010-11 is 1 April 2010). Values are decimal strings. format=csv (or Accept: text/csv): every row the filters take, as CSV in the columns the bulk import takes; format=xlsx (or Accept: the workbook type): the same rows as an Excel workbook, streamed.',
      params: PartnershipParams,
      querystring: MeasurementListQuery,
      response: {
        200: JsonCsvOrXlsx(
          'A page of measurements, or every one the filters take as CSV or a workbook',
          page(Measurement, 'measurements'),
          CSV_COLUMNS,
        ),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const { cursor, limit = 50, format, ...asked } = request.query
      if (wantsTable(request, format)) return tableOf(request, reply, { ...asked, format })
      const filter = filterOf(request, asked)
      return periodPage('measurements', filter, { cursor, limit }, (keyset) =>
        listMeasurements(app.db, request.partnership.id, { ...filter, ...keyset }),
      )
    },
  })

  app.get('/export', {
    config: { access: read, problems: { 400: ['MEASUREMENT.RANGE'] } },
    schema: {
      operationId: 'exportMeasurements',
      tags,
      summary: 'Export measurements as CSV (GET /measurements?format=csv answers the same)',
      description:
        'The same rows as the list, as CSV in the columns the bulk import takes (indicator reference, area code), streamed page by page; importing it back changes nothing. Kept for the clients that use it: the list answers the same with format=csv or Accept: text/csv.',
      deprecated: true,
      params: PartnershipParams,
      querystring: Type.Omit(MeasurementListQuery, ['limit', 'cursor', 'format'], { additionalProperties: false }),
      response: {
        200: CsvAnswer('CSV in the columns the bulk import takes', CSV_COLUMNS),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => tableOf(request, reply, { ...request.query, format: 'csv' }),
  })

  const keyOf = (request: FastifyRequest) => {
    const { indicatorId, areaId, period } = request.params as Key
    return { indicatorId, areaId, period }
  }

  app.put('/:indicatorId/:areaId/:period', {
    config: {
      access: write,
      problems: {
        400: ['MEASUREMENT.INVALID', 'PERIOD.MISMATCH', 'PERIOD.INVALID', 'DECIMAL.INVALID'],
        403: ['MEASUREMENT.AGENCY'],
        404: ['INDICATOR.NOT_FOUND', 'AREA.NOT_FOUND'],
        412: ['PRECONDITION.FAILED'],
        422: ['MEASUREMENT.PERIOD_NOT_ENDED', 'MEASUREMENT.OVERRIDE_REASON', 'RULE.VIOLATED'],
      },
      etag: true,
    },
    schema: {
      operationId: 'putMeasurement',
      tags,
      summary: 'Write one measurement (create, or replace its value keeping the old one as a revision)',
      description:
        'Needs the officer role, or an agency feed token for an indicator that agency supplies. Re-sending the same value changes nothing. If-Match is optional: sent, it must hold the current ETag (412 otherwise, and when there is no figure yet), so a client that read a figure replaces only that version. An actual for a period that has not ended yet is refused (422 MEASUREMENT.PERIOD_NOT_ENDED).',
      params: MeasurementKeyParams,
      headers: IfMatchOptionalHeaders,
      body: PutMeasurementSchema,
      response: {
        200: { ...Written, description: 'Replaced, or unchanged' },
        201: { ...Written, description: 'Created' },
        ...problemResponses(400, 401, 403, 404, 412, 422),
      },
    },
    handler: async (request, reply) => {
      const result = await service.put(
        request.partnership,
        writerOf(request),
        keyOf(request),
        request.body as Record<string, unknown>,
        request.headers['if-match'],
      )
      return reply
        .status(result.created ? 201 : 200)
        .header('etag', etagOf(result.measurement.version))
        .send({ ...result.measurement, outliers: result.outliers, violations: result.violations })
    },
  })

  app.get('/:indicatorId/:areaId/:period', {
    config: { access: read, problems: { 400: ['PERIOD.INVALID'], 404: ['MEASUREMENT.NOT_FOUND'] }, etag: true },
    schema: {
      operationId: 'getMeasurement',
      tags,
      summary: 'Read one measurement',
      description:
        'The current value of one indicator for one area and period, with its status, revision and ETag. Name the indicator by id or reference and the area by id or code.',
      params: MeasurementKeyParams,
      headers: IfNoneMatchHeaders,
      response: {
        200: Measurement,
        304: NoContent('Not modified: the ETag sent is current'),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const row = await service.get(request.partnership, keyOf(request))
      const etag = etagOf(row.version)
      if (isNotModified(request.headers['if-none-match'], etag)) return reply.status(304).header('etag', etag).send()
      return reply.header('etag', etag).send(row)
    },
  })

  app.patch('/:indicatorId/:areaId/:period', {
    config: {
      access: { scope: 'partnership', role: 'officer' },
      problems: { 400: ['PERIOD.INVALID'], 404: ['MEASUREMENT.NOT_FOUND'], 422: ['MEASUREMENT.STATUS'] },
      etag: true,
    },
    schema: {
      operationId: 'setMeasurementStatus',
      tags,
      summary: 'Move a measurement on: provisional -> validated -> published (officer)',
      description:
        'An officer moves a figure forward (provisional, validated, published) with If-Match; never back: a wrong figure is corrected by sending the right one.',
      params: MeasurementKeyParams,
      headers: IfMatchHeaders,
      body: StatusSchema,
      response: { 200: Measurement, ...problemResponses(400, 401, 403, 404, 412, 422, 428) },
    },
    handler: async (request, reply) => {
      const row = await service.setStatus(
        request.partnership,
        actorOf(request),
        keyOf(request),
        request.headers['if-match'],
        request.body.status,
      )
      return reply.header('etag', etagOf(row.version)).send(row)
    },
  })

  app.delete('/:indicatorId/:areaId/:period', {
    config: {
      access: { scope: 'partnership', role: 'officer' },
      problems: { 400: ['PERIOD.INVALID'], 404: ['MEASUREMENT.NOT_FOUND'] },
    },
    schema: {
      operationId: 'deleteMeasurement',
      tags,
      summary: 'Delete a mistaken measurement (officer); its value stays in the revision history',
      description:
        'Needs If-Match. Agency feed tokens may not delete: a feed corrects a figure by sending the right one.',
      params: MeasurementKeyParams,
      headers: IfMatchHeaders,
      response: { 204: NoContent('Deleted'), ...problemResponses(400, 401, 403, 404, 412, 428) },
    },
    handler: async (request, reply) => {
      await service.remove(request.partnership, actorOf(request), keyOf(request), request.headers['if-match'])
      return reply.status(204).send()
    },
  })

  app.get('/:indicatorId/:areaId/:period/revisions', {
    config: { access: read, problems: { 400: ['PERIOD.INVALID'], 404: ['MEASUREMENT.NOT_FOUND'] } },
    schema: {
      operationId: 'listMeasurementRevisions',
      tags,
      summary: 'Every value the measurement has had, newest first, with who sent it and when (deleted values too)',
      description:
        'The current value and each one it replaced or a deletion removed, newest first, with who sent it and when: the revision history partner data needs.',
      params: MeasurementKeyParams,
      querystring: PageQuery,
      response: { 200: page(RevisionSchema, 'revisions, newest first'), ...problemResponses(400, 401, 404) },
    },
    handler: async (request) =>
      shortPage(
        `revisions:${request.params.indicatorId}:${request.params.areaId}:${request.params.period}`,
        await service.revisions(request.partnership, keyOf(request)),
        (r) => `${r.measurementId}:${r.revision}`,
        request.query,
      ),
  })

  await registerBulkRoute(app, opts.bulkBody, {
    path: '/bulk',
    operationId: 'bulkWriteMeasurements',
    tag: 'Measurements',
    summary: 'Write a batch of measurements (JSON array, NDJSON or CSV)',
    row: 'MeasurementRow',
    columns: CSV_COLUMNS,
    access: write,
    run: (request, body, options) => service.bulk(request.partnership, writerOf(request), body, options),
  })
}

export default measurementRoutes
