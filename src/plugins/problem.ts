import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import FindMyWay from 'find-my-way'
import type { Socket } from 'node:net'
import Type from 'typebox'
import { DomainError, type FieldError, type ProblemFacts, type ProblemKind } from '../domain/errors.js'

export const PROBLEM_TYPE_BASE = 'urn:safer-partnerships:problem:'

/** One field refused, and why: in a problem's errors, and in a bulk answer's refused rows. */
export const FieldErrorSchema = Type.Object(
  {
    field: Type.String({
      description: 'Where: body.name, querystring.period, rows.12.value',
      examples: ['rows.12.value'],
    }),
    message: Type.String({ examples: ['a count must be a whole number, 0 or more'] }),
    value: Type.Optional(
      Type.String({ description: 'For a bulk row: the value refused, as sent', examples: ['12.5'] }),
    ),
    line: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: "For a bulk row: its line in the file (a CSV's header is line 1)",
      }),
    ),
  },
  { additionalProperties: false },
)

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description: 'Stable identifier of the kind of problem',
      examples: [`${PROBLEM_TYPE_BASE}validation`],
    }),
    title: Type.String({ description: 'Short summary of the kind of problem' }),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String({ description: 'What went wrong with this request' })),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    code: Type.String({ description: 'Machine-readable error code, e.g. AREA.CYCLE' }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(FieldErrorSchema, { description: 'For validation problems: each offending field and why' }),
    ),
    // Extension members (RFC 9457 section 3.2): the facts a client acts on, beside the prose that says them.
    remainingPence: Type.Optional(
      Type.Integer({
        description: 'FUNDING.INSUFFICIENT and the like: the money still available, in pence (0 when none)',
      }),
    ),
    conflictingId: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'A 409 over a clash (TARGET.OVERLAP, MEMBER.OVERLAP, ROUND.OPEN, INVITATION.OPEN...): the id of the record it clashes with',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ description: 'A request past a limit: the limit (rows, bytes, periods, partnerships)' }),
    ),
    allowed: Type.Optional(
      Type.Array(Type.String(), {
        description: "BID.TRANSITION: the actions the bid's state allows (none: its decision is final)",
      }),
    ),
  },
  {
    $id: 'Problem',
    additionalProperties: false,
    description: 'RFC 9457 problem details',
    examples: [
      {
        type: `${PROBLEM_TYPE_BASE}validation`,
        title: 'The request is not valid',
        status: 400,
        detail: 'The request does not match the schema.',
        instance: '/partnerships/east-lincolnshire/targets',
        code: 'REQUEST.INVALID',
        requestId: '7d0a7f5e-3c1b-4d59-9a53-2f0c6f1e8b21',
        errors: [{ field: 'body.period', message: 'is required' }],
      },
    ],
  },
)

type HttpKind = ProblemKind | 'internal-error' | 'bad-request' | 'method-not-allowed' | 'not-acceptable'

const KINDS: Record<HttpKind, { status: number; title: string }> = {
  'bad-request': { status: 400, title: 'Bad request' },
  validation: { status: 400, title: 'The request is not valid' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Not allowed' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  conflict: { status: 409, title: 'Conflict' },
  'resource-in-use': { status: 409, title: 'Resource in use' },
  'precondition-failed': { status: 412, title: 'Precondition failed' },
  'request-timeout': { status: 408, title: 'Request timeout' },
  'payload-too-large': { status: 413, title: 'Payload too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  unprocessable: { status: 422, title: 'Unprocessable content' },
  'precondition-required': { status: 428, title: 'Precondition required' },
  'too-many-requests': { status: 429, title: 'Too many requests' },
  'internal-error': { status: 500, title: 'Internal server error' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
}

const STATUS_KIND: Record<number, HttpKind> = Object.fromEntries(
  Object.entries(KINDS).map(([kind, { status }]) => [status, kind as HttpKind]),
)

interface Problem {
  kind: HttpKind
  code: string
  detail: string
  errors?: FieldError[]
  retryAfter?: number
  facts?: ProblemFacts
}

/** The kind and title of the problems answered with a status. */
export function problemTitle(status: number): { kind: string; title: string } {
  const kind = STATUS_KIND[status] ?? 'bad-request'
  return { kind, title: status === 431 ? 'Request header fields too large' : KINDS[kind].title }
}

/** A response declaration for each listed status, all answered as problem+json. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: KINDS[STATUS_KIND[status] ?? 'bad-request'].title,
        content: { 'application/problem+json': { schema: Type.Ref('Problem') } },
      },
    ]),
  )
}

interface AjvError {
  instancePath: string
  message?: string
  keyword: string
  params: Record<string, unknown>
}

function validationErrors(err: FastifyError): FieldError[] {
  const where = err.validationContext ?? 'body'
  const errors = ((err.validation as AjvError[] | undefined) ?? []).map((e) => {
    const pointer = e.instancePath.replace(/^\//, '').replace(/\//g, '.')
    const leaf =
      e.keyword === 'additionalProperties'
        ? String(e.params.additionalProperty)
        : e.keyword === 'required'
          ? String(e.params.missingProperty)
          : ''
    const field = [where, pointer, leaf].filter(Boolean).join('.')
    const message =
      e.keyword === 'additionalProperties'
        ? 'is not a known field'
        : e.keyword === 'enum'
          ? `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`
          : (e.message ?? 'is not valid')
    return { field, message, keyword: e.keyword, nullBranch: e.keyword === 'type' && e.params.type === 'null' }
  })
  // A nullable field (anyOf: [schema, null]) fails every branch: say once what it must be, "or null".
  const byField = new Map<string, typeof errors>()
  for (const e of errors) byField.set(e.field, [...(byField.get(e.field) ?? []), e])
  return [...byField.entries()].flatMap(([field, list]): FieldError[] => {
    if (!list.some((e) => e.keyword === 'anyOf')) return list.map((e) => ({ field, message: e.message }))
    const branches = list.filter((e) => e.keyword !== 'anyOf' && !e.nullBranch).map((e) => e.message)
    const nullable = list.some((e) => e.nullBranch)
    const what = branches.length === 0 ? 'must match the schema' : [...new Set(branches)].join('; ')
    return [{ field, message: nullable ? `${what}, or be null` : what }]
  })
}

const PG_CONNECTION_CODES = new Set([
  '57014',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
])
const NODE_CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'])

function isDatabaseUnavailable(err: { code?: string; message?: string }): boolean {
  if (err.code !== undefined && (PG_CONNECTION_CODES.has(err.code) || NODE_CONNECTION_CODES.has(err.code))) return true
  const message = err.message ?? ''
  return (
    message.includes('timeout exceeded when trying to connect') ||
    message.includes('Connection terminated') ||
    message.includes('is not queryable') ||
    message.includes('Query read timeout') ||
    message.includes('canceling statement due to statement timeout')
  )
}

/** Maps anything thrown to a problem the client may see; null means an unexpected (500) error. */
function classify(err: FastifyError & { code?: string }, mediaTypes?: readonly string[]): Problem | null {
  if (err instanceof DomainError) {
    return {
      kind: err.kind,
      code: err.code,
      detail: err.message,
      ...(err.errors ? { errors: err.errors } : {}),
      ...(err.options.retryAfter ? { retryAfter: err.options.retryAfter } : {}),
      ...(err.options.facts ? { facts: err.options.facts } : {}),
    }
  }
  if (err.validation) {
    return {
      kind: 'validation',
      code: 'REQUEST.INVALID',
      detail: 'The request does not match the schema.',
      errors: validationErrors(err),
    }
  }
  // @fastify/rate-limit and @fastify/under-pressure have set Retry-After already.
  if (err.code === 'RATE.LIMITED' || err.code === 'RATE.HEAVY')
    return { kind: 'too-many-requests', code: err.code, detail: err.message }
  if (err.code === 'FST_UNDER_PRESSURE' || err.code === 'SERVICE.OVERLOADED') {
    return {
      kind: 'service-unavailable',
      code: 'SERVICE.OVERLOADED',
      detail: 'The service is over capacity; try again shortly.',
      retryAfter: 2,
    }
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { kind: 'payload-too-large', code: 'REQUEST.TOO_LARGE', detail: err.message }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const accepted = mediaTypes ?? ['application/json']
    return {
      kind: 'unsupported-media-type',
      code: 'REQUEST.MEDIA_TYPE',
      detail: `${err.message}. Send the body as ${accepted.join(', or ')}.`,
      errors: [{ field: 'headers.content-type', message: `must be ${accepted.join(' or ')}` }],
    }
  }
  // Fastify's own 4xx errors (malformed JSON, empty body...) describe the client's input, not internals.
  if (
    typeof err.code === 'string' &&
    err.code.startsWith('FST_') &&
    err.statusCode !== undefined &&
    err.statusCode < 500
  ) {
    return { kind: STATUS_KIND[err.statusCode] ?? 'bad-request', code: 'REQUEST.MALFORMED', detail: err.message }
  }
  // zlib's, unpacking a gzipped upload that is not gzip (or is cut short).
  if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR')
    return {
      kind: 'bad-request',
      code: 'REQUEST.MALFORMED',
      detail:
        'The body says Content-Encoding gzip but cannot be unpacked: send it gzipped whole, or without the header.',
    }
  if (
    err.statusCode !== undefined &&
    err.statusCode >= 400 &&
    err.statusCode < 500 &&
    !err.code?.match(/^[0-9A-Z]{5}$/)
  ) {
    return { kind: STATUS_KIND[err.statusCode] ?? 'bad-request', code: 'REQUEST.REFUSED', detail: err.message }
  }
  switch (err.code) {
    case '23505':
      return { kind: 'conflict', code: 'RESOURCE.DUPLICATE', detail: 'Another record already has that unique value.' }
    case '23503':
      return { kind: 'unprocessable', code: 'RESOURCE.REFERENCE', detail: 'A referenced record does not exist.' }
    case '23514':
    case '23502':
      return { kind: 'unprocessable', code: 'RESOURCE.CONSTRAINT', detail: 'The values break a rule of this resource.' }
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
    case '22001':
    case '22021': // a NUL character or invalid UTF-8 in text
    case '22P05':
      return { kind: 'bad-request', code: 'REQUEST.VALUE', detail: 'A value is not valid for its field.' }
    // Two writers crossed (a deadlock, or a serialization failure): nothing was written; the same request again will do.
    case '40P01':
    case '40001':
      return {
        kind: 'service-unavailable',
        code: 'DATABASE.CONFLICT',
        detail: 'The write met another one changing the same rows and was rolled back; send it again.',
        retryAfter: 1,
      }
  }
  if (isDatabaseUnavailable(err)) {
    return {
      kind: 'service-unavailable',
      code: 'DATABASE.UNAVAILABLE',
      detail: 'The database is unavailable; try again shortly.',
      retryAfter: 5,
    }
  }
  return null
}

/** Whether an Accept header takes one of the media types given (any with q above 0, wildcards included). */
export function accepts(accept: string, types: readonly string[]): boolean {
  return accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((p) => p.trim().toLowerCase())
    if (params.some((p) => /^q=0(\.0*)?$/.test(p))) return false
    if (type === '*/*' || type === '') return true
    const [major] = type.split('/')
    return types.some((t) => t === type || (type.endsWith('/*') && t.startsWith(`${major}/`)))
  })
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): FastifyReply {
  const { status, title } = KINDS[problem.kind]
  if (problem.retryAfter !== undefined) reply.header('retry-after', String(problem.retryAfter))
  // RFC 6750: a 401 names the scheme, and says when the token sent was the trouble.
  if (status === 401)
    reply.header(
      'www-authenticate',
      `Bearer realm="safer-partnerships"${request.headers.authorization === undefined ? '' : ', error="invalid_token"'}`,
    )
  // The rest of an over-long or stalled body is not worth reading; closing tells the client to stop sending it.
  if (problem.kind === 'payload-too-large' || problem.kind === 'request-timeout') reply.header('connection', 'close')
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: PROBLEM_TYPE_BASE + problem.kind,
      title,
      status,
      detail: problem.detail,
      instance: request.url.split('?')[0],
      code: problem.code,
      requestId: request.id,
      ...(problem.errors && problem.errors.length > 0 ? { errors: problem.errors } : {}),
      ...problem.facts,
    })
}

const CLIENT_ERRORS: Record<string, { status: number; kind: HttpKind; code: string; detail: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    kind: 'request-timeout',
    code: 'REQUEST.TIMEOUT',
    detail: 'The request did not arrive in time.',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    kind: 'bad-request',
    code: 'REQUEST.HEADERS_TOO_LARGE',
    detail: 'The request headers are too large.',
  },
}

/**
 * Fastify's clientErrorHandler: Node's own answers to what is not HTTP it can parse, written to the socket
 * as problem+json (there is no request to hand to the error handler).
 */
export function answerClientError(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return
  const known = CLIENT_ERRORS[err.code ?? '']
  const { status, kind, code, detail } = known ?? {
    status: 400,
    kind: 'bad-request' as const,
    code: 'REQUEST.MALFORMED',
    detail: 'The request is not valid HTTP.',
  }
  const title = status === 431 ? 'Request header fields too large' : KINDS[kind].title
  const body = JSON.stringify({ type: PROBLEM_TYPE_BASE + kind, title, status, detail, code })
  this.log.debug({ err }, 'client error')
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The body media types a route parses, named in its 415 (default application/json). */
    mediaTypes?: readonly string[]
    /** The media types its 2xx answers declare (set from the schema): an Accept taking none is 406. */
    produces?: readonly string[]
  }
}

async function problemPlugin(app: FastifyInstance): Promise<void> {
  app.addSchema(ProblemSchema)

  // An operation answers the media types its 2xx responses declare (JSON where they name none); an Accept
  // that takes none of them is 406, before any work, rather than an answer the client said it cannot read.
  // Not the health checks: a load balancer's probe is answered whatever Accept it sends.
  app.addHook('onRoute', (route) => {
    const responses = route.schema?.response as Record<string, { content?: Record<string, unknown> }> | undefined
    if (responses === undefined || route.config?.access?.scope === 'public') return
    const produces = new Set(
      Object.entries(responses)
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([, r]) => Object.keys(r.content ?? { 'application/json': null })),
    )
    route.config = Object.assign(route.config ?? {}, { produces: [...produces] })
    route.schema!.response = { ...problemResponses(406), ...responses }
  })
  app.addHook('onRequest', async (request, reply) => {
    const produces = request.routeOptions.config.produces
    const accept = request.headers.accept
    if (produces === undefined || produces.length === 0 || accept === undefined || accepts(accept, produces)) return
    sendProblem(request, reply, {
      kind: 'not-acceptable',
      code: 'REQUEST.NOT_ACCEPTABLE',
      detail: `Accept: ${accept.slice(0, 200)} takes none of what this operation answers: ${produces.join(', ')}.`,
    })
    return reply
  })

  // Fastify answers 415 and 413 itself on any route that parses a body, so each such route declares them.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat()
    if (route.schema?.response === undefined || !methods.some((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)))
      return
    route.schema.response = { ...problemResponses(413, 415), ...(route.schema.response as object) }
  })

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const problem = classify(err, request.routeOptions.config.mediaTypes)
    if (problem === null) {
      request.log.error({ err }, 'unexpected error')
      return sendProblem(request, reply, {
        kind: 'internal-error',
        code: 'INTERNAL',
        detail: 'An unexpected error occurred.',
      })
    }
    const { status } = KINDS[problem.kind]
    if (status >= 500) request.log.warn({ err }, problem.detail)
    else request.log.info({ code: problem.code, status }, 'request refused')
    return sendProblem(request, reply, problem)
  })

  // Fastify's router answers a known path asked with a method it has no route for as not found. A twin of
  // the router, given every route, says which methods the path takes: 405 with Allow (RFC 9110 15.5.6).
  const { routerOptions } = app.initialConfig as { routerOptions?: FindMyWay.Config<FindMyWay.HTTPVersion.V1> }
  const paths = FindMyWay({
    ignoreTrailingSlash: routerOptions?.ignoreTrailingSlash ?? false,
    maxParamLength: routerOptions?.maxParamLength ?? 100,
  })
  const methods = new Set<string>()
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return
    for (const method of [route.method].flat()) {
      if (paths.hasRoute(method as FindMyWay.HTTPMethod, route.url)) continue
      paths.on(method as FindMyWay.HTTPMethod, route.url, () => undefined)
      methods.add(method)
    }
  })

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!
    const allowed = [...methods].filter((m) => paths.find(m as FindMyWay.HTTPMethod, path) !== null).sort()
    if (allowed.length === 0 || allowed.includes(request.method))
      return sendProblem(request, reply, {
        kind: 'not-found',
        code: 'ROUTE.NOT_FOUND',
        detail: `No route for ${request.method} ${path}.`,
      })
    reply.header('allow', allowed.join(', '))
    return sendProblem(request, reply, {
      kind: 'method-not-allowed',
      code: 'ROUTE.METHOD_NOT_ALLOWED',
      detail: `${path} takes ${allowed.join(', ')}, not ${request.method}.`,
    })
  })
}

export default fp(problemPlugin, { name: 'problem' })
