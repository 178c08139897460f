import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import { setTimeout as pause } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { mergeCodes } from './contract.js'
import { problemResponses } from './problem.js'

/** How long a 429 waits before it is sent (see the onSend hook below). */
export const REFUSAL_PAUSE_MS = 50

const rateLimited = (message: string, code = 'RATE.LIMITED') =>
  Object.assign(new Error(message), { statusCode: 429, code })

type Limiter = ReturnType<FastifyInstance['createRateLimit']>
/** What a limiter answers once a key has gone past its count. */
type Refusal = Extract<Awaited<ReturnType<Limiter>>, { isAllowed: false }>

/**
 * Whose budget a heavy read spends: its partnership's; a read across partnerships (the side-by-side
 * overview) its caller's; a public view's (no token) the partnership's public budget, apart from its
 * members', so that anonymous readers cannot spend what the members need.
 */
function budgetOf(request: FastifyRequest): { key: string; who: string } {
  if (request.partnership !== null) return { key: request.partnership.id, who: request.partnership.slug }
  if (request.principal) return { key: `sub:${request.principal.subject}`, who: 'This caller' }
  const slug = (request.params as { partnership?: string }).partnership ?? ''
  return { key: `public:${slug}`, who: `The public view of ${slug}` }
}

/** A limiter of our own hooks: past its count, 429 with Retry-After and the detail given. */
async function refuseOver(
  limiter: Limiter,
  request: FastifyRequest,
  reply: FastifyReply,
  detail: (refusal: Refusal) => string,
  code?: string,
): Promise<void> {
  const verdict = await limiter(request)
  if (verdict.isAllowed || !verdict.isExceeded) return
  reply.header('retry-after', String(verdict.ttlInSeconds))
  throw rateLimited(detail(verdict), code)
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A read whose cost grows with the partnership's data (a whole evaluation, a report, a comparison of a
     * peer group): each partnership has HEAVY_READ_MAX of them per HEAVY_READ_WINDOW_MS on an instance.
     */
    heavy?: true
  }
}

/**
 * Keeps the service answering when asked for more than it can do. Registered in the API's scope, so
 * /healthz and /readyz are never shed or limited.
 *
 * - Load shedding: admission (plugins/admission.ts) refuses what the instance cannot take before Fastify
 *   sees it, and also while the event loop lags past MAX_EVENT_LOOP_DELAY_MS or RSS passes MAX_RSS_BYTES
 *   (measured here by @fastify/under-pressure, whose own hook refuses what reaches it meanwhile).
 * - Rate limits, with 429 problem+json and Retry-After: per address (RATE_LIMIT_ADDRESS_MAX) before any
 *   token is verified, so traffic with no token, a bad signature or a stranger's token is limited too,
 *   and then per client (the token's subject, RATE_LIMIT_MAX) with the IETF draft RateLimit headers.
 *   Counters are per instance: they protect each instance, and sharing them would cost a database round
 *   trip on every request.
 * - A budget of heavy reads per partnership (HEAVY_READ_MAX per HEAVY_READ_WINDOW_MS, 429 RATE.HEAVY):
 *   each is bounded (a peer group's cap, a page's size), but one that costs tens of milliseconds asked
 *   for in a loop would still hold the event loop for every other partnership's requests most of the time.
 */
async function protectionPlugin(app: FastifyInstance, opts: { limits: Config['limits'] }): Promise<void> {
  const { limits } = opts
  const limiting = limits.rateLimitMax > 0 || limits.rateLimitAddressMax > 0
  // Any API route may answer these two, so every one declares them in the contract.
  app.addHook('onRoute', (route) => {
    if (route.schema?.response === undefined) return
    // Declared whatever the budget, so the contract is the same however an instance is configured.
    const heavy = route.config?.heavy === true
    if (heavy) route.config!.problems = mergeCodes(route.config!.problems, { 429: ['RATE.HEAVY'] })
    route.schema.response = {
      ...problemResponses(...(limiting || heavy ? [429] : []), 503),
      ...(route.schema.response as object),
    }
  })
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxRssBytes: limits.maxRssBytes,
    // Sampled four times a second, so shedding starts and stops within a quarter second of the loop's lag
    // (the default, a second, kept refusing for up to a second after the app's own start-up work).
    sampleInterval: 250,
    // Answered by the problem handler (FST_UNDER_PRESSURE) with this Retry-After.
    retryAfter: 2,
  })
  app.admission.pressure = () => app.isUnderPressure()

  if (!limiting && limits.heavyReadMax === 0) return
  await app.register(rateLimit, {
    global: limits.rateLimitMax > 0,
    max: limits.rateLimitMax,
    timeWindow: limits.rateLimitWindowMs,
    enableDraftSpec: true,
    // Route-level hook, so it runs after authentication has named the caller.
    hook: 'onRequest',
    keyGenerator: (request) => (request.principal ? `sub:${request.principal.subject}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      rateLimited(`Rate limit of ${context.max} requests reached; retry in ${context.after}.`),
  })
  // A refused client that comes straight back instead of after Retry-After (a loop on two connections sent
  // 2,000-4,000 a second) takes the CPU that other partnerships' requests need: each refusal is answered
  // only after a pause, which slows such a loop to a few dozen a second. Every 429 is decided before
  // admission counts the request in flight, so the pause holds a socket and a timer, not a place.
  app.addHook('onSend', async (_request, reply) => {
    if (reply.statusCode === 429) await pause(REFUSAL_PAUSE_MS)
  })
  // The current IETF draft (draft-ietf-httpapi-ratelimit-headers) names the policy and the state in two
  // structured fields; the earlier three headers stay for clients written against them.
  const window = Math.round(limits.rateLimitWindowMs / 1000)
  app.addHook('onSend', async (_request, reply) => {
    const remaining = reply.getHeader('ratelimit-remaining')
    if (remaining === undefined) return
    reply.header('ratelimit-policy', `"client";q=${limits.rateLimitMax};w=${window}`)
    reply.header('ratelimit', `"client";r=${remaining};t=${reply.getHeader('ratelimit-reset') ?? window}`)
  })
  if (limits.heavyReadMax > 0) {
    const heavyReads = app.createRateLimit({
      max: limits.heavyReadMax,
      timeWindow: limits.heavyReadWindowMs,
      keyGenerator: (request) => `heavy:${budgetOf(request).key}`,
    })
    const budget = async (request: FastifyRequest, reply: FastifyReply) =>
      refuseOver(
        heavyReads,
        request,
        reply,
        (v) =>
          `${budgetOf(request).who} has asked for ${v.max} heavy reads (whole evaluations, reports, peer comparisons) in ${limits.heavyReadWindowMs / 1000} s, which is what one partnership (or one caller across partnerships) may ask of an instance; retry in ${v.ttlInSeconds} s.`,
        'RATE.HEAVY',
      )
    // A route's own onRequest runs after the instance's, so the access plugin has named the partnership (or
    // the caller); and before admission counts the request in flight, so a refusal holds no place there.
    app.addHook('onRoute', (route) => {
      if (route.config?.heavy === true) route.onRequest = [...[route.onRequest ?? []].flat(), budget]
    })
  }
  if (limits.rateLimitAddressMax === 0) return
  // An instance-level hook, added before the access plugin's: it runs before any token is verified.
  const byAddress = app.createRateLimit({
    max: limits.rateLimitAddressMax,
    timeWindow: limits.rateLimitWindowMs,
    keyGenerator: (request) => request.ip,
  })
  app.addHook('onRequest', (request, reply) =>
    refuseOver(
      byAddress,
      request,
      reply,
      (v) =>
        `This address sent more than ${v.max} requests in ${limits.rateLimitWindowMs / 1000} s; retry in ${v.ttlInSeconds} s.`,
    ),
  )
}

export default fp(protectionPlugin, { name: 'protection', dependencies: ['db', 'problem'] })
