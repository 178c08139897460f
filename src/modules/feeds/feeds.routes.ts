import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { DomainError } from '../../domain/errors.js'
import { sendCsv, spreadsheetCsv, wantsCsv } from '../../http/csv.js'
import { pageCursor, shortPage, UUID_PATTERN } from '../../http/paging.js'
import { IfMatchHeaders, JsonOrCsv, PageQuery, PartnershipParams, page } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { bodyStream, streamBodies } from '../../plugins/uploads.js'
import type { BulkBodyLimits } from '../../http/bulk-body.js'
import type { Writer } from '../measurements/measurements.service.js'
import { actorOf, registerResourceRoutes, tenantScope } from '../resource/resource.routes.js'
import { etagOf } from '../resource/resource.service.js'
import {
  CreateFeedMappingSchema,
  FeedMappingFilters,
  FeedMappingSchema,
  ImportHeaders,
  ImportListQuery,
  ImportParams,
  ImportQuery,
  LOCATION_COLUMNS,
  LocationsBody,
  LocationsSchema,
  MappingParams,
  PresetSchema,
  UpdateFeedMappingSchema,
} from './feeds.schemas.js'
import { createFeedService, locationsFromCsv, MAX_LOCATIONS, type LocationRow } from './feeds.service.js'
import { PRESETS } from './presets.js'

const tags = ['Feeds']
const FeedImport = Type.Ref('FeedImport')
const read = { scope: 'partnership', role: 'viewer' } as const
/** A lookup of 50,000 codes as CSV is about a megabyte; as JSON twice that. */
const LOCATIONS_BODY_BYTES = 2 * 1024 * 1024

const writerOf = (request: FastifyRequest): Writer => {
  const agency = request.membership?.agency
  return { ...actorOf(request), ...(agency === undefined ? {} : { agency }) }
}

/** The file name a client gave: ?fileName=, else Content-Disposition's filename. */
function fileNameOf(given: string | undefined, disposition = ''): string | null {
  if (given !== undefined) return given
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1]
  if (encoded !== undefined) {
    try {
      return decodeURIComponent(encoded).slice(0, 200)
    } catch {
      return null
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1]?.slice(0, 200) ?? null
}

/** Registered under /partnerships/:partnership. */
export const feedRoutes: FastifyPluginAsyncTypebox<{ upload: BulkBodyLimits }> = async (app, opts) => {
  const service = createFeedService(app.db)

  await app.register(
    async (mappings: typeof app) => {
      registerResourceRoutes(mappings, {
        service: service.mappings,
        operationIds: {
          list: 'listFeedMappings',
          create: 'createFeedMapping',
          get: 'getFeedMapping',
          update: 'updateFeedMapping',
          delete: 'deleteFeedMapping',
        },
        names: { one: 'feed mapping', many: 'feed mappings' },
        tag: 'Feeds',
        item: FeedMappingSchema,
        create: CreateFeedMappingSchema,
        update: UpdateFeedMappingSchema,
        filters: FeedMappingFilters,
        writeRole: 'officer',
        problems: { write: { 422: ['FEED.INDICATOR', 'FEED.LAYOUT', 'FEED.RANGE'] } },
      })
    },
    { prefix: '/feeds' },
  )

  app.get('/feed-presets', {
    config: { access: read },
    schema: {
      operationId: 'listFeedPresets',
      tags,
      summary: 'Ready mappings for the layouts partners publish (police.uk street-level crime, LFB incidents)',
      description:
        "Each is a mapping body with its indicators named by reference: POST it to /feeds with the references changed to the partnership's own, then PUT its locations.",
      params: PartnershipParams,
      querystring: PageQuery,
      response: {
        200: page(PresetSchema, 'presets, each a mapping body to adapt and POST'),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request) => shortPage('feed-presets', PRESETS, (p) => p.name, request.query),
  })

  app.get('/feeds/:mappingId/locations', {
    config: { access: read, problems: { 404: ['FEED_MAPPING.NOT_FOUND'] }, etag: true },
    schema: {
      operationId: 'getFeedLocations',
      tags,
      summary: "A mapping's location lookup: each code and the area it places rows in",
      description:
        "Every code, in code order, with its area (id and code); as JSON, or as the CSV a PUT takes (location,area) with format=csv. The ETag is the mapping's.",
      params: MappingParams,
      querystring: Type.Object(
        { format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])) },
        { additionalProperties: false },
      ),
      response: {
        200: JsonOrCsv('The lookup: JSON, or CSV with format=csv', LocationsSchema, LOCATION_COLUMNS),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const lookup = await service.locations(tenantScope(request), request.params.mappingId)
      reply.header('etag', etagOf(lookup.version))
      if (wantsCsv(request, request.query.format))
        return sendCsv(
          reply,
          `locations-${lookup.mappingId}`,
          spreadsheetCsv(
            LOCATION_COLUMNS,
            lookup.items.map((i) => [i.location, i.area ?? i.areaId]),
          ),
        )
      return lookup
    },
  })

  await app.register(async (scope: typeof app) => {
    // A lookup comes as the CSV a GIS export gives (location,area; lsoa,area) or as JSON.
    scope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) => done(null, body))
    scope.put('/feeds/:mappingId/locations', {
      bodyLimit: LOCATIONS_BODY_BYTES,
      config: {
        access: { scope: 'partnership', role: 'officer' },
        mediaTypes: ['application/json', 'text/csv'],
        problems: {
          400: ['FEED.MALFORMED'],
          404: ['FEED_MAPPING.NOT_FOUND'],
          413: ['FEED.TOO_MANY_LOCATIONS'],
          422: ['FEED.LOCATIONS'],
        },
        etag: true,
      },
      schema: {
        operationId: 'replaceFeedLocations',
        tags,
        summary: "Replace a mapping's location lookup (LSOA, ward or station ground codes to the partnership's areas)",
        description: `With If-Match (the mapping's ETag). CSV with the header location,area (or lsoa,area), or JSON [{location, area}]; an area by its code or id; at most ${MAX_LOCATIONS} codes, each once. One bad row refuses the lot, each listed with its line. Counts roll up through the area hierarchy as evaluation does, so codes may place rows in wards or districts.`,
        params: MappingParams,
        headers: IfMatchHeaders,
        body: {
          content: {
            'application/json': { schema: LocationsBody },
            'text/csv': { schema: Type.String({ description: 'Header location,area (or lsoa,area), a row per code' }) },
          },
        },
        response: {
          200: Type.Object(
            { mappingId: Type.String(), version: Type.Integer(), locations: Type.Integer(), areas: Type.Integer() },
            { additionalProperties: false, description: "The lookup as replaced, and the mapping's new version" },
          ),
          ...problemResponses(400, 401, 403, 404, 412, 422, 428),
        },
      },
      handler: async (request, reply) => {
        const rows: LocationRow[] =
          typeof request.body === 'string' ? locationsFromCsv(request.body) : (request.body as LocationRow[])
        const result = await service.replaceLocations(
          tenantScope(request),
          actorOf(request),
          request.params.mappingId,
          request.headers['if-match'],
          rows,
        )
        return reply.header('etag', etagOf(result.version)).send(result)
      },
    })
  })

  await app.register(async (uploads: typeof app) => {
    streamBodies(uploads, ['text/csv'], opts.upload.bytes)
    uploads.post('/feeds/:mappingId/imports', {
      bodyLimit: opts.upload.bytes,
      config: {
        access: { scope: 'partnership', role: 'officer', agencyWrites: true },
        ownAdmission: true,
        mediaTypes: ['text/csv'],
        problems: {
          400: ['FEED.MALFORMED', 'BATCH.DRY_RUN_KEY'],
          403: ['FEED.AGENCY'],
          404: ['FEED_MAPPING.NOT_FOUND'],
          409: ['FEED.ARCHIVED'],
          422: [
            'FEED.LAYOUT',
            'FEED.NO_LOCATIONS',
            'FEED.INDICATOR',
            'FEED.REFUSED',
            'FEED.OTHER_FORCE',
            'IDEMPOTENCY.KEY_REUSED',
          ],
          429: ['UPLOAD.CLIENT_BUSY', 'UPLOAD.PARTNERSHIP_BUSY'],
          503: ['UPLOAD.BUSY'],
        },
      },
      schema: {
        operationId: 'importFeedFile',
        tags,
        summary: 'Import a file as its publisher published it (a police.uk month, an incident extract)',
        description:
          "The body is the CSV as downloaded, streamed: it is counted as it arrives, by the mapping's rules, locations and range, into its indicators for each area and month the file covers (zeros included, so a corrected file brings a count down), then written as measurements through the bulk write path: revisions kept, provisional status, the agency's own indicators only, all in one transaction with the import run. A file no row of which lies in the partnership's locations writes nothing and says so. With dryRun=true, everything is counted and checked and nothing written. Send Idempotency-Key to make retries safe.",
        params: MappingParams,
        querystring: ImportQuery,
        headers: ImportHeaders,
        body: { content: { 'text/csv': { schema: Type.String({ description: 'The file, header row first' }) } } },
        response: {
          200: Type.Unsafe({ $ref: 'FeedImport', description: 'A dry run: what would have been written' }),
          201: Type.Unsafe({ $ref: 'FeedImport', description: 'Imported: the run, with what it counted and wrote' }),
          ...problemResponses(400, 401, 403, 404, 408, 409, 413, 415, 422, 429, 503),
        },
      },
      handler: async (request, reply) => {
        const release = app.admitUpload(request)
        const key = request.headers['idempotency-key']
        const dryRun = request.query.dryRun === true
        try {
          if (dryRun && key !== undefined)
            throw new DomainError(
              'BATCH.DRY_RUN_KEY',
              'validation',
              'A dry run writes nothing: send it without an Idempotency-Key.',
              [{ field: 'headers.idempotency-key', message: 'is not taken with dryRun=true' }],
            )
          const { run, replayed } = await service.import(
            request.partnership,
            writerOf(request),
            request.params.mappingId,
            bodyStream(request),
            {
              limits: opts.upload,
              dryRun,
              fileName: fileNameOf(request.query.fileName, request.headers['content-disposition']),
              ...(key === undefined ? {} : { key }),
            },
          )
          if (replayed) reply.header('idempotent-replayed', 'true')
          if (run.id === null) return reply.status(200).send(run)
          return reply
            .status(201)
            .header('location', `${request.url.split('?')[0]!.replace(/\/$/, '')}/${run.id}`)
            .send(run)
        } finally {
          release()
        }
      },
    })
  })

  app.get('/feeds/:mappingId/imports', {
    config: { access: read, problems: { 404: ['FEED_MAPPING.NOT_FOUND'] } },
    schema: {
      operationId: 'listFeedImports',
      tags,
      summary: 'The import runs of a mapping, newest first',
      description:
        'A page of runs (limit, then cursor from nextCursor): each file with its SHA-256, months, rows read, counted and skipped by reason, and measurements inserted, updated and unchanged.',
      params: MappingParams,
      querystring: ImportListQuery,
      response: { 200: page(FeedImport, 'import runs'), ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const { limit = 50, cursor } = request.query
      const cursors = pageCursor<[string, string]>(
        { list: `feed-imports:${request.params.mappingId}` },
        ([at, id]) =>
          typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && UUID_PATTERN.test(id),
      )
      const before = cursor === undefined ? undefined : cursors.decode(cursor)
      const rows = await service.listImports(tenantScope(request), request.params.mappingId, {
        limit: limit + 1,
        ...(before === undefined ? {} : { before: { createdAt: before[0], id: before[1] } }),
      })
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return {
        items,
        nextCursor: rows.length > limit && last ? cursors.encode([last.createdAt.toISOString(), last.id]) : null,
      }
    },
  })

  app.get('/feeds/:mappingId/imports/:id', {
    config: { access: read, problems: { 404: ['FEED_IMPORT.NOT_FOUND'] } },
    schema: {
      operationId: 'getFeedImport',
      tags,
      summary: 'One import run',
      description:
        'What one file did: read, counted, skipped by reason (malformed rows listed by line), months covered, measurements written, warnings.',
      params: ImportParams,
      response: { 200: FeedImport, ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => service.getImport(tenantScope(request), request.params.mappingId, request.params.id),
  })
}
