import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import type { Access } from '../../plugins/access.js'
import { DomainError } from '../../domain/errors.js'
import { PartnershipParams } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { bodyStream, mediaTypeOf, streamBodies } from '../../plugins/uploads.js'
import { readBulkBody, type BulkBody, type BulkBodyLimits } from '../../http/bulk-body.js'
import type { BulkAnswer, BulkOptions } from './batch.service.js'
import { BulkHeaders, BulkQuery, BulkResultSchema } from './batch.schemas.js'

type FastifyTypebox = Parameters<FastifyPluginAsyncTypebox>[0]

const BULK_MEDIA_TYPES = ['application/json', 'application/x-ndjson', 'text/csv']

/** One bulk route: its path, its contract, its rows' shape, and the service call that writes them. */
export interface BulkRoute {
  path: string
  operationId: string
  tag: string
  summary: string
  /** The shared schema ($id) of one row; CSV columns have its field names. */
  row: string
  columns: readonly string[]
  access: Access
  problems?: Record<number, readonly string[]>
  run: (request: FastifyRequest, body: BulkBody, options: BulkOptions) => Promise<BulkAnswer>
}

/**
 * Registers a bulk route, in a scope of its own (its body is read as a stream): JSON array, NDJSON or CSV,
 * all-or-nothing by default or partial, a dry run, an Idempotency-Key; at most `limits.bytes`, with an
 * upload's place at the instance and for the client held for as long as it runs. Every batch of the
 * service (measurements, populations, peer figures) is offered the same way.
 */
export async function registerBulkRoute(app: FastifyTypebox, limits: BulkBodyLimits, def: BulkRoute): Promise<void> {
  await app.register(async (bulk: FastifyTypebox) => {
    streamBodies(bulk, BULK_MEDIA_TYPES, limits.bytes)
    bulk.post(def.path, {
      bodyLimit: limits.bytes,
      config: {
        access: def.access,
        ownAdmission: true,
        problems: {
          400: ['BATCH.DRY_RUN_KEY', 'BATCH.MALFORMED', ...(def.problems?.[400] ?? [])],
          413: ['BATCH.TOO_LARGE'],
          422: ['BATCH.REFUSED', 'IDEMPOTENCY.KEY_REUSED'],
          429: ['UPLOAD.CLIENT_BUSY', 'UPLOAD.PARTNERSHIP_BUSY'],
          503: ['UPLOAD.BUSY'],
        },
        mediaTypes: BULK_MEDIA_TYPES,
      },
      schema: {
        operationId: def.operationId,
        tags: [def.tag],
        summary: def.summary,
        description:
          'By default all-or-nothing: one bad row refuses the batch (422) and every bad row is listed as rows.<n>.<field>, with the value refused and its line. ' +
          'With mode=partial, good rows are written and the answer lists the refused ones; with dryRun=true everything is checked and counted and nothing written. ' +
          'Send Idempotency-Key to make retries safe: the same key and body replay the first answer; the same key with another body is refused (422). Keys last 24 hours.',
        params: PartnershipParams,
        querystring: BulkQuery,
        headers: BulkHeaders,
        body: {
          content: {
            'application/json': { schema: Type.Array(Type.Ref(def.row)) },
            'application/x-ndjson': { schema: Type.String({ description: `One ${def.row} JSON object per line` }) },
            'text/csv': {
              schema: Type.String({
                description: `Header row ${def.columns.join(',')} (any order, unused columns may be left out)`,
              }),
            },
          },
        },
        response: {
          200: BulkResultSchema,
          422: {
            description: 'Refused: bad rows, or an Idempotency-Key reused with another body',
            content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
          },
          ...problemResponses(400, 401, 403, 404, 408, 413, 415, 429, 503),
        },
      },
      handler: async (request, reply) => {
        const release = app.admitUpload(request)
        let answer: BulkAnswer
        try {
          const body = readBulkBody(bodyStream(request), mediaTypeOf(request), request.url, limits, def.columns)
          const key = request.headers['idempotency-key']
          if (request.query.dryRun === true && key !== undefined)
            throw new DomainError(
              'BATCH.DRY_RUN_KEY',
              'validation',
              'A dry run writes nothing: send it without an Idempotency-Key.',
              [{ field: 'headers.idempotency-key', message: 'is not taken with dryRun=true' }],
            )
          answer = await def.run(request, body, {
            partial: request.query.mode === 'partial',
            dryRun: request.query.dryRun === true,
            ...(key === undefined ? {} : { key }),
          })
        } finally {
          release()
        }
        if (answer.replayed) reply.header('idempotent-replayed', 'true')
        if (answer.status === 422) {
          const body = answer.body
          throw new DomainError(
            'BATCH.REFUSED',
            'unprocessable',
            `${body.refused} of ${body.received} rows were refused, so nothing was written. Fix them, or send mode=partial to write the good rows.`,
            body.errors,
          )
        }
        return reply.status(answer.status as 200).send(answer.body)
      },
    })
  })
}
