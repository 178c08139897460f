import { parse as parseCsv } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import Type, { type Static } from 'typebox'
import { DomainError } from '../../domain/errors.js'
import type { MeasurementStatus } from '../../domain/measurements.js'
import { problemResponses } from '../../plugins/problem.js'
import { actorOf } from '../resource/resource.routes.js'
import { IfMatchHeaders, PartnershipParams, page } from '../resource/resource.schemas.js'
import { etagOf } from '../resource/resource.service.js'
import { exportPage, listMeasurements } from './measurements.repository.js'
import {
  BulkHeaders,
  BulkQuery,
  BulkResultSchema,
  MeasurementKeyParams,
  MeasurementListQuery,
  PutMeasurementSchema,
  RevisionSchema,
  StatusSchema,
} from './measurements.schemas.js'
import { createMeasurementService, type BulkResult, type Writer } from './measurements.service.js'

const tags = ['Measurements']
const Measurement = Type.Ref('Measurement')
export const CSV_COLUMNS = ['indicator', 'area', 'period', 'value', 'numerator', 'denominator', 'status', 'source'] as const
type Key = Static<typeof MeasurementKeyParams>

const writerOf = (request: FastifyRequest): Writer => {
  const agency = request.principal.memberships.get(request.partnership.slug)?.agency
  return { ...actorOf(request), ...(agency === undefined ? {} : { agency }) }
}

const badBody = (detail: string) => new DomainError('BATCH.MALFORMED', 'validation', detail)

/** Turns a bulk body (JSON array, NDJSON or CSV text) into rows; a malformed NDJSON line becomes a refused row. */
function rowsOf(contentType: string, text: string): unknown[] {
  if (contentType.startsWith('application/json')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw badBody('The body is not valid JSON.')
    }
    if (!Array.isArray(parsed)) throw badBody('A JSON batch is an array of rows.')
    return parsed
  }
  if (contentType.startsWith('application/x-ndjson')) {
    const rows: unknown[] = []
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        rows.push(JSON.parse(line))
      } catch {
        rows.push('a line that is not valid JSON')
      }
    }
    return rows
  }
  try {
    return parseCsv(text, {
      columns: (header: string[]) => {
        const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h.trim()))
        if (unknown.length > 0) throw badBody(`Unknown CSV columns: ${unknown.join(', ')}. The columns are ${CSV_COLUMNS.join(', ')}.`)
        return header.map((h) => h.trim())
      },
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as unknown[]
  } catch (err) {
    if (err instanceof DomainError) throw err
    throw badBody(`The CSV could not be read: ${(err as Error).message}`)
  }
}

export default async function measurementRoutes(app: FastifyInstance, opts: { bulkBodyLimit: number }): Promise<void> {
  const service = createMeasurementService(app.db)
  const read = { scope: 'partnership', role: 'viewer' } as const
  const write = { scope: 'partnership', role: 'officer', agencyWrites: true } as const

  app.get('/', {
    config: { access: read },
    schema: {
      operationId: 'listMeasurements',
      tags,
      summary: 'List measurements, in period order',
      params: PartnershipParams,
      querystring: MeasurementListQuery,
      response: { 200: page(Measurement, 'measurements'), ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const { cursor, limit = 100, ...filter } = request.query as Static<typeof MeasurementListQuery>
      const after = cursor === undefined ? undefined : decodeCursor(cursor)
      const rows = await listMeasurements(app.db, request.partnership.id, { ...filter, limit: limit + 1, ...(after ? { after } : {}) })
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.periodStart, last.id) : null }
    },
  })

  app.get('/export', {
    config: { access: read },
    schema: {
      operationId: 'exportMeasurements',
      tags,
      summary: 'Export measurements as CSV, with the columns the bulk import takes',
      params: PartnershipParams,
      querystring: Type.Omit(MeasurementListQuery, ['limit', 'cursor'], { additionalProperties: false }),
      response: {
        200: { description: 'CSV: indicator, area, period, value, numerator, denominator, status, source', content: { 'text/csv': { schema: Type.String() } } },
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const filter = request.query as Omit<Static<typeof MeasurementListQuery>, 'limit' | 'cursor'>
      const partnershipId = request.partnership.id
      const db = app.db
      async function* csv() {
        yield stringify([[...CSV_COLUMNS]])
        let after: { periodStart: string; id: string } | undefined
        for (;;) {
          const rows = await exportPage(db, partnershipId, { ...filter, limit: 5000, ...(after ? { after } : {}) })
          if (rows.length === 0) return
          yield stringify(rows.map((r) => CSV_COLUMNS.map((c) => r[c] ?? '')))
          const last = rows[rows.length - 1]!
          after = { periodStart: last.periodStart, id: last.id }
        }
      }
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="measurements.csv"').send(Readable.from(csv()))
    },
  })

  const keyOf = (request: FastifyRequest) => {
    const { indicatorId, areaId, period } = request.params as Key
    return { indicatorId, areaId, period }
  }

  app.put('/:indicatorId/:areaId/:period', {
    config: { access: write },
    schema: {
      operationId: 'putMeasurement',
      tags,
      summary: 'Write one measurement (create, or replace its value keeping the old one as a revision)',
      description: 'Needs the officer role, or an agency feed token for an indicator that agency supplies. Re-sending the same value changes nothing.',
      params: MeasurementKeyParams,
      body: PutMeasurementSchema,
      response: {
        200: Type.Unsafe({ $ref: 'Measurement', description: 'Replaced, or unchanged' }),
        201: Type.Unsafe({ $ref: 'Measurement', description: 'Created' }),
        ...problemResponses(400, 401, 403, 404),
      },
    },
    handler: async (request, reply) => {
      const result = await service.put(request.partnership.id, writerOf(request), keyOf(request), request.body as Record<string, unknown>)
      return reply.status(result.created ? 201 : 200).header('etag', etagOf(result.measurement.version)).send(result.measurement)
    },
  })

  app.get('/:indicatorId/:areaId/:period', {
    config: { access: read },
    schema: {
      operationId: 'getMeasurement',
      tags,
      summary: 'Read one measurement',
      params: MeasurementKeyParams,
      response: { 200: Measurement, ...problemResponses(400, 401, 404) },
    },
    handler: async (request, reply) => {
      const row = await service.get(request.partnership.id, keyOf(request))
      return reply.header('etag', etagOf(row.version)).send(row)
    },
  })

  app.patch('/:indicatorId/:areaId/:period', {
    config: { access: { scope: 'partnership', role: 'officer' } },
    schema: {
      operationId: 'setMeasurementStatus',
      tags,
      summary: 'Move a measurement on: provisional -> validated -> published (officer)',
      params: MeasurementKeyParams,
      headers: IfMatchHeaders,
      body: StatusSchema,
      response: { 200: Measurement, ...problemResponses(400, 401, 403, 404, 412, 422, 428) },
    },
    handler: async (request, reply) => {
      const { status } = request.body as Static<typeof StatusSchema>
      const row = await service.setStatus(request.partnership.id, actorOf(request), keyOf(request), request.headers['if-match'], status as MeasurementStatus)
      return reply.header('etag', etagOf(row.version)).send(row)
    },
  })

  app.get('/:indicatorId/:areaId/:period/revisions', {
    config: { access: read },
    schema: {
      operationId: 'listMeasurementRevisions',
      tags,
      summary: 'Every value the measurement has had, newest first, with who sent it and when',
      params: MeasurementKeyParams,
      response: { 200: Type.Object({ items: Type.Array(RevisionSchema) }, { additionalProperties: false, description: 'Revisions' }), ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => ({ items: await service.revisions(request.partnership.id, keyOf(request)) }),
  })

  // The bulk route reads its body as text in every format, so it lives in a scope of its own.
  await app.register(async (bulk) => {
    bulk.removeAllContentTypeParsers()
    bulk.addContentTypeParser(['application/json', 'application/x-ndjson', 'text/csv'], { parseAs: 'string', bodyLimit: opts.bulkBodyLimit }, (_request, body, done) => done(null, body))
    bulk.post('/bulk', {
      bodyLimit: opts.bulkBodyLimit,
      config: { access: write },
      schema: {
        operationId: 'bulkWriteMeasurements',
        tags,
        summary: 'Write a batch of measurements (JSON array, NDJSON or CSV)',
        description:
          'By default all-or-nothing: one bad row refuses the batch (422) and every bad row is listed as rows.<n>.<field>. ' +
          'With mode=partial, good rows are written and the answer lists the refused ones. Send Idempotency-Key to make retries safe: ' +
          'the same key and body replay the first answer; the same key with another body is refused (422). Keys last 24 hours.',
        params: PartnershipParams,
        querystring: BulkQuery,
        headers: BulkHeaders,
        body: {
          content: {
            'application/json': { schema: Type.Array(Type.Ref('MeasurementRow')) },
            'application/x-ndjson': { schema: Type.String({ description: 'One MeasurementRow JSON object per line' }) },
            'text/csv': { schema: Type.String({ description: `Header row ${CSV_COLUMNS.join(',')} (any order, unused columns may be left out)` }) },
          },
        },
        response: {
          200: BulkResultSchema,
          422: { description: 'Refused: bad rows, or an Idempotency-Key reused with another body', content: { 'application/problem+json': { schema: Type.Ref('Problem') } } },
          ...problemResponses(400, 401, 403, 404, 413, 415),
        },
      },
      // Rows are checked one by one by the domain so that every bad row is reported; the schema above
      // documents them, and validating 100,000 rows twice would only stop at the first.
      preValidation: async (request) => {
        bodies.set(request, String(request.body))
        request.body = request.headers['content-type']?.startsWith('application/json') ? [] : ''
      },
      handler: async (request, reply) => {
        const text = bodies.get(request) ?? ''
        const contentType = request.headers['content-type'] ?? ''
        const rows = rowsOf(contentType, text)
        const requestHash = createHash('sha256').update(contentType.split(';')[0]!).update('\n').update(request.url).update('\n').update(text).digest('hex')
        const key = request.headers['idempotency-key'] as string | undefined
        const answer = await service.bulk(request.partnership.id, writerOf(request), rows, {
          partial: (request.query as Static<typeof BulkQuery>).mode === 'partial',
          requestHash,
          ...(key === undefined ? {} : { key }),
        })
        if (answer.replayed) reply.header('idempotent-replayed', 'true')
        if (answer.status === 422) {
          const body = answer.body as BulkResult
          throw new DomainError('BATCH.REFUSED', 'unprocessable', `${body.refused} of ${body.received} rows were refused, so nothing was written. Fix them, or send mode=partial to write the good rows.`, body.errors)
        }
        return reply.status(answer.status as 200).send(answer.body)
      },
    })
  })
}

const bodies = new WeakMap<FastifyRequest, string>()

function encodeCursor(periodStart: string, id: string): string {
  return Buffer.from(`${periodStart}|${id}`).toString('base64url')
}

function decodeCursor(cursor: string): { periodStart: string; id: string } {
  const [periodStart, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!periodStart || !/^\d{4}-\d{2}-\d{2}$/.test(periodStart) || !id || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new DomainError('PAGE.CURSOR', 'validation', 'The cursor is not valid.', [{ field: 'querystring.cursor', message: 'is not a cursor this list gave out' }])
  }
  return { periodStart, id }
}
