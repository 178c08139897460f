import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { asTenant } from '../db/tenancy.js'
import { DomainError } from '../domain/errors.js'
import { claimIdempotencyKey, releaseIdempotencyKey, storeIdempotentAnswer } from './idempotency.repository.js'
import { problemResponses } from './problem.js'

/**
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header) on every POST of a partnership's that does
 * not handle the key itself (bulk and imports claim it inside their own transaction). The key is claimed
 * before the handler runs, in a transaction of its own, so a second request with it finds the claim at
 * once: while the first is running, 409; once it has answered, the same method, path and body replay
 * its answer, and another body is 422. The answer is stored as it is sent. An answer a retry could
 * change (5xx, 408, 409, 412, 428, 429) releases the key instead. Should the instance die between the
 * write's commit and storing its answer, the key stays claimed without an answer: retries get 409 until
 * it expires (24 hours), so the write is never made twice.
 */
declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: { key: string; hash: string; partnershipId: string; client: string }
  }
}

const RETRYABLE = new Set([408, 409, 412, 425, 428, 429])
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const

interface Stored {
  payload: string
  headers: Partial<Record<(typeof REPLAYED_HEADERS)[number], string>>
}

const KEY_SCHEMA = {
  type: 'string',
  minLength: 1,
  maxLength: 200,
  description:
    'Makes a retry safe: the same key, path and body replay the first answer; another body is 422; while the first is running, 409. Keys last 24 hours.',
}

function hashOf(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n`)
    .update(JSON.stringify(request.body ?? null))
    .digest('hex')
}

async function idempotencyPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('onRoute', (route) => {
    if (route.config?.access?.scope !== 'partnership') return
    if (![route.method].flat().includes('POST') || route.schema === undefined) return
    const headers = (route.schema.headers ?? { type: 'object', properties: {} }) as {
      properties?: Record<string, unknown>
    }
    if (headers.properties?.['idempotency-key'] !== undefined) return // handled by the route itself
    route.schema.headers = { ...headers, properties: { ...headers.properties, 'idempotency-key': KEY_SCHEMA } }
    if (route.schema.response !== undefined)
      route.schema.response = { ...problemResponses(409, 422), ...(route.schema.response as object) }
    const problems = route.config.problems ?? {}
    route.config.problems = {
      ...problems,
      409: [...(problems[409] ?? []), 'IDEMPOTENCY.IN_PROGRESS'],
      422: [...(problems[422] ?? []), 'IDEMPOTENCY.KEY_REUSED'],
    }
    const handler = route.handler
    route.handler = async function (request: FastifyRequest, reply: FastifyReply) {
      const key = request.headers['idempotency-key']
      if (typeof key !== 'string') return handler.call(this, request, reply)
      const claim = {
        key,
        hash: hashOf(request),
        partnershipId: request.partnership.id,
        client: request.principal.subject,
      }
      const found = await asTenant(claim.partnershipId, () =>
        app.db.transaction().execute((trx) => claimIdempotencyKey(trx, claim.partnershipId, claim.client, key)),
      )
      if (found.claimed) {
        request.idempotency = claim
        return handler.call(this, request, reply)
      }
      if (found.status === 0)
        throw new DomainError(
          'IDEMPOTENCY.IN_PROGRESS',
          'conflict',
          'A request with this Idempotency-Key has not finished: retry shortly for its answer.',
        )
      if (found.requestHash !== claim.hash)
        throw new DomainError(
          'IDEMPOTENCY.KEY_REUSED',
          'unprocessable',
          'This Idempotency-Key was used with a different request (path or body).',
        )
      const stored = found.response as Stored
      for (const name of REPLAYED_HEADERS)
        if (stored.headers[name] !== undefined) reply.header(name, stored.headers[name])
      return reply.status(found.status).send(stored.payload)
    }
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency
    if (claim === undefined) return payload
    request.idempotency = undefined
    const status = reply.statusCode
    await asTenant(claim.partnershipId, async () => {
      if (status >= 500 || RETRYABLE.has(status)) {
        await releaseIdempotencyKey(app.db, claim.partnershipId, claim.client, claim.key)
        return
      }
      const headers: Stored['headers'] = {}
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name)
        if (value !== undefined) headers[name] = String(value)
      }
      const answer: Stored = { payload: typeof payload === 'string' ? payload : String(payload ?? ''), headers }
      await storeIdempotentAnswer(app.db, claim.partnershipId, claim.client, claim.key, claim.hash, status, answer)
    })
    return payload
  })
}

// Registered inside the API's scope after access (app.ts): it needs the caller and the partnership.
export default fp(idempotencyPlugin, { name: 'idempotency', dependencies: ['access'] })
