import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { problemResponses } from './problem.js'

/**
 * Keeps the service answering when asked for more than it can do. Registered in the API's scope, so
 * /healthz and /readyz are never shed or limited.
 *
 * - Load shedding: while the pool has more requests waiting for a connection than DB_QUEUE_MAX (work
 *   that would only time out), or the event loop lags past MAX_EVENT_LOOP_DELAY_MS, or RSS passes
 *   MAX_RSS_BYTES, new requests get 503 problem+json with Retry-After before any work is done.
 * - Rate limits per client (the token's subject; the address for requests without one), with the IETF
 *   draft RateLimit headers and 429 problem+json with Retry-After. Counters are per instance: they
 *   protect each instance, and sharing them would cost a database round trip on every request.
 */
async function protectionPlugin(app: FastifyInstance, opts: { limits: Config['limits'] }): Promise<void> {
  const { limits } = opts
  // Any API route may answer these two, so every one declares them in the contract.
  app.addHook('onRoute', (route) => {
    if (route.schema?.response === undefined) return
    route.schema.response = { ...problemResponses(...(limits.rateLimitMax === 0 ? [] : [429]), 503), ...(route.schema.response as object) }
  })
  // The pool's queue is the first thing to grow when the database is the bottleneck. It is checked on
  // every request rather than sampled: a sampled flag refuses everything until the next sample, and
  // measured at twice capacity that served a fifth of what the service can do.
  app.addHook('onRequest', async () => {
    if (app.pool.waitingCount > limits.dbQueueMax) throw Object.assign(new Error('database queue full'), { code: 'SERVICE.OVERLOADED' })
  })
  await app.register(underPressure, {
    maxEventLoopDelay: limits.maxEventLoopDelayMs,
    maxRssBytes: limits.maxRssBytes,
    // Answered by the problem handler (FST_UNDER_PRESSURE) with this Retry-After.
    retryAfter: 2,
  })

  if (limits.rateLimitMax === 0) return
  await app.register(rateLimit, {
    max: limits.rateLimitMax,
    timeWindow: limits.rateLimitWindowMs,
    enableDraftSpec: true,
    // Route-level hook, so it runs after authentication has named the caller.
    hook: 'onRequest',
    keyGenerator: (request) => (request.principal ? `sub:${request.principal.subject}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Rate limit of ${context.max} requests reached; retry in ${context.after}.`), { statusCode: context.statusCode, code: 'RATE.LIMITED' }),
  })
}

export default fp(protectionPlugin, { name: 'protection', dependencies: ['db', 'problem'] })
