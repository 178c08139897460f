import AjvCompiler from '@fastify/ajv-compiler'
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import type { Config } from './config.js'
import accessPlugin from './plugins/access.js'
import heavyThreadsPlugin, { THREAD_REQUEST_ID } from './plugins/heavy-threads.js'
import idempotencyPlugin from './plugins/idempotency.js'
import authPlugin from './plugins/auth.js'
import dbPlugin from './plugins/db.js'
import problemPlugin, { answerClientError, sendProblem } from './plugins/problem.js'
import protectionPlugin from './plugins/protection.js'
import swaggerPlugin from './plugins/swagger.js'
import { Admission, admittingServer } from './plugins/admission.js'
import uploadsPlugin from './plugins/uploads.js'
import jobsPlugin from './modules/events/events.jobs.js'
import { eventRoutes } from './modules/events/events.routes.js'
import { publicRoutes } from './modules/public/public.routes.js'
import { periodNotation } from './plugins/period-notation.js'
import { egressPolicy } from './modules/webhooks/egress.js'
import { webhookRoutes } from './modules/webhooks/webhooks.routes.js'
import { DeliverySchema, EventSchema, WebhookSchema } from './modules/webhooks/webhooks.schemas.js'
import { AgencySchema } from './modules/agencies/agencies.schemas.js'
import agencyRoutes from './modules/agencies/agencies.routes.js'
import { AreaSchema } from './modules/areas/areas.schemas.js'
import areaRoutes from './modules/areas/areas.routes.js'
import { AuditEventSchema } from './modules/audit/audit.schemas.js'
import auditRoutes from './modules/audit/audit.routes.js'
import healthRoutes from './modules/health/health.routes.js'
import { MeasurementRowSchema, MeasurementSchema } from './modules/measurements/measurements.schemas.js'
import { FindingSchema, OutlierSchema } from './modules/findings/findings.schemas.js'
import findingRoutes from './modules/findings/findings.routes.js'
import returnsRoutes from './modules/returns/returns.routes.js'
import validationRoutes from './modules/validation/validation.routes.js'
import { ValidationRuleSchema, ViolationSchema } from './modules/validation/validation.schemas.js'
import measurementRoutes from './modules/measurements/measurements.routes.js'
import { TargetSchema } from './modules/targets/targets.schemas.js'
import targetRoutes from './modules/targets/targets.routes.js'
import { IndicatorSchema } from './modules/indicators/indicators.schemas.js'
import indicatorRoutes from './modules/indicators/indicators.routes.js'
import { ObjectiveSchema } from './modules/objectives/objectives.schemas.js'
import objectiveRoutes from './modules/objectives/objectives.routes.js'
import { PartnershipSchema } from './modules/partnerships/partnerships.schemas.js'
import partnershipRoutes from './modules/partnerships/partnerships.routes.js'
import { PrioritySchema } from './modules/priorities/priorities.schemas.js'
import priorityRoutes from './modules/priorities/priorities.routes.js'
import { ThemeSchema } from './modules/themes/themes.schemas.js'
import { CommentarySchema } from './modules/commentary/commentary.schemas.js'
import commentaryRoutes from './modules/commentary/commentary.routes.js'
import { EvaluationSchema, FlagSchema } from './modules/evaluation/evaluation.schemas.js'
import evaluationRoutes, { overviewRoutes } from './modules/evaluation/evaluation.routes.js'
import themeRoutes from './modules/themes/themes.routes.js'
import { GroupSchema, MemberSchema } from './modules/groups/groups.schemas.js'
import { groupRoutes, meRoutes, memberRoutes } from './modules/groups/groups.routes.js'
import { InvitationSchema, PartnershipMemberSchema } from './modules/members/members.schemas.js'
import { invitationRoutes, partnershipMemberRoutes } from './modules/members/members.routes.js'
import { ApiKeySchema } from './modules/keys/keys.schemas.js'
import { apiKeyRoutes } from './modules/keys/keys.routes.js'
import { RoundSchema } from './modules/rounds/rounds.schemas.js'
import { roundRoutes } from './modules/rounds/rounds.routes.js'
import { keyMemberships } from './modules/keys/keys.service.js'
import { membershipsOf } from './modules/members/members.service.js'
import { LinkedActionSchema, ActionSchema, MilestoneSchema, ProgressSchema } from './modules/actions/actions.schemas.js'
import { actionPlanRoutes, actionRoutes, milestoneRoutes, progressRoutes } from './modules/actions/actions.routes.js'
import { fundingRoutes } from './modules/funding/funding.routes.js'
import { riskRegisterRoutes } from './modules/risks/risks.routes.js'
import { feedRoutes } from './modules/feeds/feeds.routes.js'
import { benchmarkingRoutes } from './modules/benchmarking/benchmarking.routes.js'
import {
  PeerFigureRowSchema,
  PeerFigureSchema,
  PeerGroupSchema,
  PeerMemberSchema,
  PopulationRowSchema,
  PopulationSchema,
} from './modules/benchmarking/benchmarking.schemas.js'
import { FeedImportSchema, FeedMappingSchema } from './modules/feeds/feeds.schemas.js'
import { AssessmentSchema as RiskAssessmentSchema, RiskSchema } from './modules/risks/risks.schemas.js'
import {
  AllocationSchema,
  BidSchema,
  DecisionSchema,
  EvaluationSchema as FundingEvaluationSchema,
  PaymentSchema,
  StreamSchema,
} from './modules/funding/funding.schemas.js'

export const VERSION = '0.1.0'

const CORRELATION_ID = /^[\w.:-]{1,100}$/

declare module 'fastify' {
  interface FastifyInstance {
    /** The instance's admission control: how much it takes on at once, and whether it is refusing. */
    admission: Admission
  }
  interface FastifyContextConfig {
    /** The route bounds its own concurrency (bulk uploads): admission does not count it. */
    ownAdmission?: boolean
  }
  interface FastifyRequest {
    /** The x-request-id the client sent, if any: logged and audited beside the service's own id. */
    correlationId: string | undefined
  }
}

export interface AppOptions {
  config: Config
  pool: pg.Pool
  logger?: FastifyBaseLogger
  /** This app is a heavy-read thread's (src/worker.ts): it takes the request's id from the main thread. */
  thread?: true
}

/** The heavy-read thread's entry: the built file beside this one, or the source under tsx. */
const THREAD_ENTRY = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url)

const SHARED_SCHEMAS = [
  PartnershipSchema,
  AreaSchema,
  AgencySchema,
  PrioritySchema,
  ObjectiveSchema,
  ThemeSchema,
  IndicatorSchema,
  TargetSchema,
  MeasurementSchema,
  MeasurementRowSchema,
  OutlierSchema,
  FindingSchema,
  ValidationRuleSchema,
  ViolationSchema,
  CommentarySchema,
  PartnershipMemberSchema,
  InvitationSchema,
  ApiKeySchema,
  RoundSchema,
  GroupSchema,
  MemberSchema,
  ActionSchema,
  MilestoneSchema,
  ProgressSchema,
  LinkedActionSchema,
  StreamSchema,
  AllocationSchema,
  BidSchema,
  DecisionSchema,
  FundingEvaluationSchema,
  PaymentSchema,
  RiskSchema,
  RiskAssessmentSchema,
  FeedMappingSchema,
  FeedImportSchema,
  PopulationSchema,
  PopulationRowSchema,
  PeerGroupSchema,
  PeerMemberSchema,
  PeerFigureSchema,
  PeerFigureRowSchema,
  FlagSchema,
  EvaluationSchema,
  AuditEventSchema,
  WebhookSchema,
  DeliverySchema,
  EventSchema,
]

/**
 * Bodies are validated strictly: unknown fields are refused (additionalProperties: false is kept, not
 * stripped) and "42" is not a number. Query strings and path parameters are text, so they are coerced.
 */
function validatorFactory() {
  const pool = AjvCompiler()
  const common = { removeAdditional: false, useDefaults: true, allErrors: false } as const
  return (externalSchemas: Record<string, unknown>) => {
    const strict = pool(externalSchemas as never, { customOptions: { ...common, coerceTypes: false } })
    const coercing = pool(externalSchemas as never, { customOptions: { ...common, coerceTypes: 'array' } })
    return (route: { httpPart?: string; schema: unknown; method: string; url: string }) =>
      (route.httpPart === 'body' ? strict : coercing)(route as never)
  }
}

/**
 * Answers are serialised by fast-json-stringify, compiled per route and status; most of them are the same
 * few schemas (every problem answer is the Problem schema), so each distinct schema is compiled once and
 * shared. It was a serializer per route and status: some 1,500 compiled functions and 80 MB at start.
 */
function serializerFactory() {
  const select = SerializerSelector()
  return (externalSchemas: unknown, options: unknown) => {
    const compile = select(externalSchemas as never, options as never)
    const compiled = new Map<string, ReturnType<typeof compile>>()
    return (route: Parameters<typeof compile>[0]) => {
      const key = JSON.stringify(route.schema)
      let serialize = compiled.get(key)
      if (serialize === undefined) {
        serialize = compile(route)
        compiled.set(key, serialize)
      }
      return serialize
    }
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { config } = options
  const admission = new Admission({
    targetMs: config.limits.queueTargetMs,
    intervalMs: 100,
    // A short queue stays: with no request waiting, a connection idles between one request and the next.
    minInFlight: Math.min(Math.ceil(options.pool.options.max * 1.5), config.limits.maxInFlight),
    maxInFlight: config.limits.maxInFlight,
  })
  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    // The service names each request itself; an id the client sends is kept as its correlation id.
    genReqId: (req) => {
      const given = options.thread ? req.headers[THREAD_REQUEST_ID] : undefined
      return typeof given === 'string' ? given : randomUUID()
    },
    bodyLimit: config.http.bodyLimitBytes,
    requestTimeout: config.http.requestTimeoutMs,
    // In-flight requests finish on close; idle keep-alive sockets do not hold shutdown up.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Errors Fastify meets before routing answer as problems too: a path segment longer than any id names
    // nothing (404); a malformed percent-encoding is the client's (400).
    frameworkErrors: (err, request, reply) =>
      err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? sendProblem(request, reply, {
            kind: 'not-found',
            code: 'ROUTE.NOT_FOUND',
            detail: 'A path segment is longer than any identifier.',
          })
        : sendProblem(request, reply, { kind: 'bad-request', code: 'REQUEST.URL', detail: err.message }),
    schemaController: {
      compilersFactory: { buildValidator: validatorFactory() as never, buildSerializer: serializerFactory() as never },
    },
    // Node answers what it cannot parse as HTTP (a bad request line, headers too large, a request too slow)
    // before Fastify sees a request; those answers are problems too.
    clientErrorHandler: answerClientError,
    // What the instance cannot take now is refused before Fastify does any work on it.
    serverFactory: (handler) => {
      const server = admittingServer(admission, {
        connectionsCheckingInterval: Math.min(5000, config.http.requestTimeoutMs / 2),
      })(handler)
      // With a server factory these are the factory's to set (Fastify's defaults otherwise).
      server.requestTimeout = config.http.requestTimeoutMs
      server.keepAliveTimeout = 72_000
      return server
    },
  }).withTypeProvider<TypeBoxTypeProvider>()
  app.decorate('admission', admission)
  app.addHook('onClose', async () => admission.close())
  // Counted from the start of the work (the body read, the caller known) until the answer has gone. Bulk
  // uploads read their body in the handler and have their own bound (plugins/uploads.ts).
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.ownAdmission === true) return
    admission.enter()
    reply.raw.once('close', () => admission.done())
  })

  // JSON only: a text/plain body would otherwise reach validation as a string.
  app.removeContentTypeParser('text/plain')

  // External plugins, then the app's cross-cutting plugins, then routes.
  await app.register(helmet, { global: true, contentSecurityPolicy: false })
  // Browser apps on other origins, when the allow-list names them; preflights are answered before routing.
  if (config.http.corsOrigins.length > 0)
    await app.register(cors, {
      origin: config.http.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      // A feed import takes its file's name from Content-Disposition, as a browser's upload sends it.
      allowedHeaders: [
        'authorization',
        'content-type',
        'content-disposition',
        'if-match',
        'if-none-match',
        'idempotency-key',
        'x-request-id',
      ],
      exposedHeaders: [
        'etag',
        'location',
        'retry-after',
        'x-request-id',
        'x-correlation-id',
        'ratelimit',
        'ratelimit-policy',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
        'content-disposition',
        'idempotent-replayed',
        'allow',
      ],
      maxAge: 600,
    })
  await app.register(problemPlugin)
  await app.register(dbPlugin, { pool: options.pool, onCheckout: (ms) => admission.observeWait(ms) })
  await app.register(jobsPlugin, { config, userAgent: `safer-partnerships-api/${VERSION}` })
  await app.register(authPlugin, { auth: config.auth })
  await app.register(swaggerPlugin, { version: VERSION })
  for (const schema of SHARED_SCHEMAS) app.addSchema(schema)
  app.decorateRequest('correlationId', undefined)
  app.addHook('onRequest', async (request) => {
    const given = request.headers['x-request-id']
    if (typeof given === 'string' && CORRELATION_ID.test(given)) {
      request.correlationId = given
      request.log = request.log.child({ correlationId: given })
    }
  })
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (request.correlationId !== undefined) reply.header('x-correlation-id', request.correlationId)
  })

  await app.register(healthRoutes)
  await app.register(heavyThreadsPlugin, {
    config,
    databaseUrl: options.pool.options.connectionString!,
    entry: THREAD_ENTRY,
  })
  await app.register(async (api) => {
    await api.register(protectionPlugin, { limits: config.limits })
    await api.register(accessPlugin, {
      partnershipCacheMs: config.http.partnershipCacheMs,
      memberCacheMs: config.auth.memberCacheMs,
      trustTokenMemberships: config.auth.trustTokenMemberships,
      recordedMemberships: (db, principal, requestId) =>
        principal.apiKey === undefined ? membershipsOf(db, principal, requestId) : keyMemberships(db, principal.apiKey),
    })
    periodNotation(api)
    await api.register(idempotencyPlugin)
    await api.register(uploadsPlugin, { limits: config.limits })
    // A thread answers heavy reads only: the rest of its routes keep their handlers (never called there)
    // without schemas, so it compiles no validator or serialiser for them (some 100 MB of a second app).
    if (options.thread)
      api.addHook('onRoute', (route) => {
        if (route.config?.heavy !== true) route.schema = undefined
      })
    await api.register(partnershipRoutes, { prefix: '/partnerships' })
    const scoped = '/partnerships/:partnership'
    await api.register(areaRoutes, { prefix: `${scoped}/areas` })
    await api.register(agencyRoutes, { prefix: `${scoped}/agencies` })
    await api.register(priorityRoutes, { prefix: `${scoped}/priorities` })
    await api.register(objectiveRoutes, { prefix: `${scoped}/priorities/:priorityId/objectives` })
    await api.register(themeRoutes, { prefix: `${scoped}/themes` })
    await api.register(indicatorRoutes, { prefix: `${scoped}/indicators` })
    await api.register(targetRoutes, { prefix: `${scoped}/targets` })
    const upload = {
      bytes: config.http.bulkBodyLimitBytes,
      idleMs: config.http.bulkIdleTimeoutMs,
      minBytesPerSecond: config.http.bulkMinBytesPerSecond,
    }
    await api.register(measurementRoutes, {
      prefix: `${scoped}/measurements`,
      bulkBody: upload,
    })
    await api.register(findingRoutes, { prefix: `${scoped}/findings` })
    await api.register(returnsRoutes, { prefix: scoped })
    await api.register(validationRoutes, { prefix: `${scoped}/validation-rules` })
    await api.register(commentaryRoutes, { prefix: `${scoped}/commentary` })
    await api.register(partnershipMemberRoutes, { prefix: `${scoped}/members` })
    await api.register(invitationRoutes, { prefix: `${scoped}/invitations` })
    await api.register(apiKeyRoutes, { prefix: `${scoped}/api-keys` })
    await api.register(roundRoutes, { prefix: `${scoped}/rounds` })
    await api.register(groupRoutes, { prefix: `${scoped}/groups` })
    await api.register(memberRoutes, { prefix: `${scoped}/groups/:groupId/members` })
    await api.register(meRoutes, { prefix: scoped })
    await api.register(actionRoutes, { prefix: `${scoped}/actions` })
    await api.register(milestoneRoutes, { prefix: `${scoped}/actions/:actionId/milestones` })
    await api.register(progressRoutes, { prefix: `${scoped}/actions/:actionId/progress` })
    await api.register(actionPlanRoutes, { prefix: scoped })
    await api.register(fundingRoutes, { prefix: scoped })
    await api.register(riskRegisterRoutes, { prefix: scoped })
    await api.register(feedRoutes, { prefix: scoped, upload })
    await api.register(benchmarkingRoutes, { prefix: scoped, upload })
    await api.register(evaluationRoutes, { prefix: scoped })
    await api.register(overviewRoutes, { prefix: '/overview' })
    await api.register(auditRoutes, { prefix: `${scoped}/audit-events` })
    await api.register(webhookRoutes, {
      prefix: `${scoped}/webhooks`,
      policy: egressPolicy(config),
    })
    await api.register(eventRoutes, { prefix: `${scoped}/events` })
    await api.register(publicRoutes, { prefix: '/public/:partnership' })
  })
  return app
}
