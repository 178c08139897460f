/**
 * What the generated contract says beyond the routes' schemas, worked out once for every operation: the
 * problem codes each one can answer (by status), and the headers its answers carry. Routes name only what
 * is theirs (`config.problems`, `config.etag`); the rest follows from the status, the scope and the method.
 * test/run.ts holds the result to the suite: every code an operation answered there must be declared here.
 */
import { XLSX_TYPE } from '../http/xlsx.js'

/** Problem codes an operation names beyond the ones every operation with that status may answer. */
export type ProblemCodes = Partial<Record<number, readonly string[]>>

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The problem codes of the route's own rules, by status (AREA.CYCLE under 422). */
    problems?: ProblemCodes
    /** Its record answers carry the record's ETag (and a 304 when If-None-Match holds it). */
    etag?: boolean
  }
}

/** Codes any operation may answer with the status, whatever it does: the framework's, the door's, the database's. */
const COMMON: Record<number, readonly string[]> = {
  400: ['REQUEST.INVALID', 'REQUEST.MALFORMED', 'REQUEST.VALUE', 'REQUEST.URL'],
  401: ['AUTH.UNAUTHENTICATED'],
  403: ['AUTH.FORBIDDEN'],
  404: ['ROUTE.NOT_FOUND'],
  406: ['REQUEST.NOT_ACCEPTABLE'],
  408: ['REQUEST.TIMEOUT'],
  409: [],
  412: ['PRECONDITION.FAILED'],
  413: ['REQUEST.TOO_LARGE'],
  415: ['REQUEST.MEDIA_TYPE', 'REQUEST.ENCODING'],
  422: [],
  428: ['PRECONDITION.REQUIRED'],
  429: ['RATE.LIMITED'],
  503: ['SERVICE.OVERLOADED', 'DATABASE.UNAVAILABLE', 'DATABASE.CONFLICT', 'AUTH.KEYS_UNAVAILABLE'],
}

/** The codes of several sources together, by status. */
export function mergeCodes(...maps: Array<ProblemCodes | undefined>): ProblemCodes {
  const merged: Record<number, string[]> = {}
  for (const map of maps)
    for (const [status, codes] of Object.entries(map ?? {}))
      merged[Number(status)] = [...new Set([...(merged[Number(status)] ?? []), ...(codes ?? [])])]
  return merged
}

/** What an operation is, as far as its codes and headers go. */
export interface OperationShape {
  method: string
  /** Under /partnerships/{partnership}: the partnership may be absent, or archived for a write. */
  scoped: boolean
  /** Takes a page cursor, a sort, or a period. */
  query: readonly string[]
  /** Behind the per-client rate limit (authenticated callers, and the public view's by address): its headers go with its answers. */
  limited: boolean
  problems: ProblemCodes
}

/** Every code the operation may answer with a status, common ones first. */
export function problemCodes(shape: OperationShape, status: number): string[] {
  const codes = [...(COMMON[status] ?? [])]
  if (status === 400 && shape.query.includes('cursor')) codes.push('PAGE.CURSOR', 'PAGE.SORT')
  if (status === 400 && shape.query.some((q) => ['period', 'from', 'to'].includes(q))) codes.push('PERIOD.INVALID')
  if (status === 404 && shape.scoped) codes.push('PARTNERSHIP.NOT_FOUND')
  if (status === 409 && shape.scoped && shape.method !== 'get')
    codes.push('PARTNERSHIP.ARCHIVED', 'PARTNERSHIP.CHANGED')
  // A constraint a rule did not foresee still answers in its own words rather than as a 500.
  if (status === 409 && shape.method !== 'get') codes.push('RESOURCE.DUPLICATE')
  if (status === 422 && shape.method !== 'get') codes.push('RESOURCE.REFERENCE', 'RESOURCE.CONSTRAINT')
  return [...new Set([...codes, ...(shape.problems[status] ?? [])])]
}

interface Header {
  description: string
  schema: { type: 'string' | 'integer' }
}

const string = (description: string): Header => ({ description, schema: { type: 'string' } })

const HEADERS = {
  'x-request-id': string('The id the service gave this request: in its logs, in problems, in the audit trail'),
  etag: string(
    'The version of what is answered: a record\'s ("3"), to send as If-Match to change it; or a public answer\'s, to send as If-None-Match',
  ),
  location: string('Where the record made can be read'),
  'retry-after': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } as Header,
  'ratelimit-policy': string(
    'The per-client rate limit (IETF draft): "client";q=600;w=60 (q: requests allowed, w: the window in seconds)',
  ),
  ratelimit: string(
    'What is left of it (IETF draft): "client";r=598;t=41 (r: requests remaining, t: seconds until the window resets)',
  ),
  'ratelimit-limit': { description: 'The earlier draft: requests allowed in the window', schema: { type: 'integer' } },
  'ratelimit-remaining': {
    description: 'The earlier draft: requests remaining in the window',
    schema: { type: 'integer' },
  },
  'ratelimit-reset': {
    description: 'The earlier draft: seconds until the window resets',
    schema: { type: 'integer' },
  },
  'x-correlation-id': string(
    "The client's own X-Request-Id, given back when it sent one (it is on every log line of the request)",
  ),
  'www-authenticate': string('Bearer realm="safer-partnerships", with error="invalid_token" when a token was sent'),
  'content-disposition': string(
    'The file name to save a CSV, workbook, PDF or printable page as: attachment; filename="..."',
  ),
  'idempotent-replayed': string('true: this answer is the replay of an earlier request with the same Idempotency-Key'),
  'cache-control': string('How long anyone may keep this public answer: public, max-age=300'),
} as Record<string, Header>

const HEADER_NAMES: Record<string, string> = {
  'x-request-id': 'RequestId',
  etag: 'ETag',
  location: 'Location',
  'retry-after': 'RetryAfter',
  'ratelimit-policy': 'RateLimitPolicy',
  ratelimit: 'RateLimit',
  'ratelimit-limit': 'RateLimitLimit',
  'ratelimit-remaining': 'RateLimitRemaining',
  'ratelimit-reset': 'RateLimitReset',
  'x-correlation-id': 'CorrelationId',
  'www-authenticate': 'WwwAuthenticate',
  'content-disposition': 'ContentDisposition',
  'idempotent-replayed': 'IdempotentReplayed',
  'cache-control': 'CacheControl',
}

/** The headers an answer with the status carries, as references to the document's components. */
export function responseHeaders(
  shape: OperationShape & { etag: boolean; replayable: boolean; open: boolean },
  status: number,
  mediaTypes: readonly string[],
): Record<string, { $ref: string }> {
  const names = ['x-request-id', 'x-correlation-id']
  const ok = status >= 200 && status < 400
  if (shape.etag && ok) names.push('etag')
  if (status === 201) names.push('location')
  if (status === 401) names.push('www-authenticate')
  if (status === 429 || status === 503) names.push('retry-after')
  if (shape.limited)
    names.push('ratelimit-policy', 'ratelimit', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset')
  if (ok && mediaTypes.some((t) => ['text/csv', 'application/pdf', 'text/html', XLSX_TYPE].includes(t)))
    names.push('content-disposition')
  if (ok && shape.replayable) names.push('idempotent-replayed')
  if (ok && shape.open) names.push('cache-control')
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${HEADER_NAMES[name]}` }]))
}

interface OpenApiParameter {
  in: string
  name: string
  required?: boolean
  description?: string
  schema?: { description?: string }
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[]
  responses?: Record<
    string,
    { description?: string; headers?: object; content?: Record<string, { example?: unknown }> }
  >
  'x-access'?: { scope: string }
  'x-problems'?: ProblemCodes
  'x-etag'?: boolean
  [key: string]: unknown
}

/** What the common problems say, as an example of each. */
const EXAMPLE_DETAILS: Record<string, string> = {
  'REQUEST.INVALID': 'The request does not match the schema.',
  'AUTH.UNAUTHENTICATED': 'Send a bearer token in the Authorization header.',
  'AUTH.FORBIDDEN': 'This needs the officer role in east-lincolnshire.',
  'ROUTE.NOT_FOUND': 'No route for GET /partnerships/east-lincolnshire/nothing.',
  'PARTNERSHIP.NOT_FOUND': 'No such partnership.',
  'REQUEST.NOT_ACCEPTABLE': 'Accept: image/gif takes none of what this operation answers: application/json.',
  'REQUEST.TIMEOUT': 'The request did not arrive in time.',
  'PRECONDITION.FAILED': 'The resource has changed since that ETag; read it again.',
  'REQUEST.TOO_LARGE': 'The body is larger than 1048576 bytes.',
  'PRECONDITION.REQUIRED': 'Send If-Match with the ETag of the version you are changing.',
  'RATE.LIMITED': 'Rate limit of 600 requests reached; retry in 12 seconds.',
  'RATE.HEAVY':
    'east-lincolnshire has asked for 8 heavy reads (whole evaluations, reports, peer comparisons) in 4 s, which is what one partnership (or one caller across partnerships) may ask of an instance; retry in 3 s.',
  'SERVICE.OVERLOADED': 'The service is over capacity; try again shortly.',
  'DATABASE.UNAVAILABLE': 'The database is unavailable; try again shortly.',
}

/** What a record named by an id parameter is, in words, where the segment's own name would not do. */
const RECORD_NAMES: Record<string, string> = {
  stream: 'funding stream',
  mapping: 'feed mapping',
  response: "Strategic Group's response",
  request: "PMG's request",
  delivery: 'webhook delivery',
  sourceAgency: 'supplying agency',
  leadAgency: 'lead agency',
  partnerAgency: 'partner agency',
  applicantAgency: 'applicant agency',
  ownerAgency: 'owning agency',
  progress: 'progress update',
}
const words = (name: string) => RECORD_NAMES[name] ?? name.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)
/** The record a path's {id} names: the segment before it, one of (areas: an area's). */
const recordOf = (path: string) => {
  const segments = path.split('/')
  const collection = segments[segments.indexOf('{id}') - 1] ?? 'record'
  return collection
    .replace(/ies$/, 'y')
    .replace(/([^s])s$/, '$1')
    .replace(/-/g, ' ')
}

/**
 * A parameter's description where its schema gives none (an id, a filter by a record): every parameter
 * of the contract is described.
 */
function describeParameter(path: string, parameter: OpenApiParameter): string {
  const { name } = parameter
  if (parameter.in === 'path' && name === 'id') return `The ${words(recordOf(path))}'s id`
  const record = /^(.+)Id$/.exec(name)?.[1]
  if (parameter.in === 'path') return record === undefined ? `The ${words(name)}` : `The ${words(record)}'s id`
  if (record !== undefined)
    return parameter.required === true
      ? `The ${words(record)} (its id)`
      : `Only those of this ${words(record)} (its id)`
  if (name === 'format') return 'json (the default) or as named; the Accept header chooses the same'
  if (name === 'from') return 'From this period or date on'
  if (name === 'to') return 'Up to this period or date'
  return `Only those whose ${words(name)} is this`
}

/**
 * Completes the generated document: each problem answer lists its codes (x-problem-codes, and in words in
 * its description) with an example of the most particular one, and each answer declares its headers.
 */
export function completeContract<
  T extends { paths?: Record<string, Record<string, OpenApiOperation>>; components?: Record<string, unknown> },
>(doc: T, titleOf: (status: number) => { kind: string; title: string }): T {
  doc.components = {
    ...doc.components,
    headers: Object.fromEntries(
      Object.entries(HEADERS).map(([name, header]) => [HEADER_NAMES[name as keyof typeof HEADERS], header]),
    ),
  }
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(operations)) {
      for (const parameter of op.parameters ?? [])
        if (parameter.description === undefined && parameter.schema?.description === undefined)
          parameter.description = describeParameter(path, parameter)
      const shape = {
        method,
        scoped: path.startsWith('/partnerships/{partnership}'),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        // The public view is in the API's scope: its anonymous callers are limited by their address.
        limited: op['x-access'] !== undefined && (op['x-access'].scope !== 'public' || path.startsWith('/public/')),
        // Bulk writes and imports claim their key in their own transaction and say when they replay.
        replayable: method === 'post' && /\/(bulk|imports)$/.test(path),
        // The public view's answers may be kept by any cache.
        open: path.startsWith('/public/'),
        problems: op['x-problems'] ?? {},
        etag: op['x-etag'] === true,
      }
      delete op['x-problems']
      delete op['x-etag']
      for (const [key, response] of Object.entries(op.responses ?? {})) {
        const status = Number(key)
        response.headers = {
          ...responseHeaders(shape, status, Object.keys(response.content ?? {})),
          ...(response.headers ?? {}),
        }
        if (status < 400) continue
        const codes = problemCodes(shape, status)
        const { kind, title } = titleOf(status)
        ;(response as Record<string, unknown>)['x-problem-codes'] = codes
        response.description = `${title}: ${codes.join(', ')}`
        const media = response.content?.['application/problem+json']
        // Every problem answer shows its own status with the code a client most needs to know: the
        // operation's own where it has one, else the most particular of those any operation may answer.
        const example = shape.problems[status]?.[0] ?? codes[codes.length - 1]
        if (media !== undefined && example !== undefined)
          media.example = {
            type: `urn:safer-partnerships:problem:${kind}`,
            title,
            status,
            code: example,
            detail: EXAMPLE_DETAILS[example] ?? `${title}: ${example} (the detail says what, in words)`,
            requestId: '7d0a7f5e-3c1b-4d59-9a53-2f0c6f1e8b21',
          }
      }
    }
  }
  return doc
}
