import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Readable } from 'node:stream'
import type { Config } from '../config.js'
import { DomainError } from '../domain/errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Admits a bulk upload or refuses it at once (503 when the instance runs its most, 429 when the client
     * does); the caller releases its place when the upload ends, however it ends.
     */
    admitUpload(request: FastifyRequest): () => void
  }
}

const RETRY_AFTER_SECONDS = 5

/**
 * A bulk upload may hold a database connection for as long as its body takes to arrive, so how many run
 * at once is bounded per instance (a share of the pool stays free for everyone else), per partnership
 * (half the instance's by default, so one partnership cannot take them all while another waits) and per
 * client. Counters are per instance, as the pool is; a body must also keep up a minimum rate (bulk-body.ts).
 */
async function uploadsPlugin(
  app: FastifyInstance,
  opts: {
    limits: Pick<Config['limits'], 'bulkConcurrency' | 'bulkConcurrencyPerClient' | 'bulkConcurrencyPerPartnership'>
  },
): Promise<void> {
  let running = 0
  const byClient = new Map<string, number>()
  const byPartnership = new Map<string, number>()
  const take = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1)
  const give = (counts: Map<string, number>, key: string) => {
    const left = (counts.get(key) ?? 1) - 1
    if (left === 0) counts.delete(key)
    else counts.set(key, left)
  }
  app.decorate('admitUpload', (request: FastifyRequest) => {
    const client = request.principal.subject
    const partnership = request.partnership.id
    const mine = byClient.get(client) ?? 0
    if (mine >= opts.limits.bulkConcurrencyPerClient) {
      throw new DomainError(
        'UPLOAD.CLIENT_BUSY',
        'too-many-requests',
        `You already have ${mine} uploads running; send the next when one has finished.`,
        undefined,
        RETRY_AFTER_SECONDS,
      )
    }
    if (running >= opts.limits.bulkConcurrency) {
      throw new DomainError(
        'UPLOAD.BUSY',
        'service-unavailable',
        'The service is taking as many uploads as it can; try again shortly.',
        undefined,
        RETRY_AFTER_SECONDS,
      )
    }
    // One partnership never holds every slot: another's upload always finds one.
    const ours = byPartnership.get(partnership) ?? 0
    if (ours >= opts.limits.bulkConcurrencyPerPartnership) {
      throw new DomainError(
        'UPLOAD.PARTNERSHIP_BUSY',
        'too-many-requests',
        `Your partnership already has ${ours} uploads running, its share of this instance; send the next when one has finished.`,
        undefined,
        RETRY_AFTER_SECONDS,
      )
    }
    running += 1
    take(byClient, client)
    take(byPartnership, partnership)
    let released = false
    return () => {
      if (released) return
      released = true
      running -= 1
      give(byClient, client)
      give(byPartnership, partnership)
    }
  })
}

export default fp(uploadsPlugin, { name: 'uploads' })

const streams = new WeakMap<FastifyRequest, Readable>()

/** Media types are case-insensitive (RFC 9110): TEXT/CSV is CSV. */
export const mediaTypeOf = (request: FastifyRequest): string =>
  (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()

/**
 * Makes the routes of a scope (one of their own) read their bodies as streams, for uploads too large to
 * hold: the parser refuses a declared length over `bytes` at once and hands Fastify a placeholder the
 * route's documented body schema accepts (an empty array for JSON, an empty string otherwise), keeping
 * the stream for the handler (`bodyStream`), which enforces the limit on what actually arrives.
 */
export function streamBodies(scope: FastifyInstance, mediaTypes: readonly string[], bytes: number): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser([...mediaTypes], (request, payload, done) => {
    if (Number(request.headers['content-length']) > bytes)
      return done(
        new DomainError('REQUEST.TOO_LARGE', 'payload-too-large', `The body is larger than ${bytes} bytes.`),
        undefined,
      )
    streams.set(request, payload)
    done(null, mediaTypeOf(request) === 'application/json' ? [] : '')
  })
}

/** The body of a request to a streamBodies route, as it arrives. */
export const bodyStream = (request: FastifyRequest): Readable => streams.get(request)!
