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
 * at once is bounded per instance (a share of the pool stays free for everyone else) and per client (one
 * client's uploads do not take that share from the others). Counters are per instance, as the pool is.
 */
async function uploadsPlugin(
  app: FastifyInstance,
  opts: { limits: Pick<Config['limits'], 'bulkConcurrency' | 'bulkConcurrencyPerClient'> },
): Promise<void> {
  let running = 0
  const byClient = new Map<string, number>()
  app.decorate('admitUpload', (request: FastifyRequest) => {
    const client = request.principal.subject
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
    running += 1
    byClient.set(client, mine + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      running -= 1
      const left = (byClient.get(client) ?? 1) - 1
      if (left === 0) byClient.delete(client)
      else byClient.set(client, left)
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
