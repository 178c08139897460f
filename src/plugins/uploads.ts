import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { Config } from '../config.js'
import { DomainError } from '../domain/errors.js'
import { tooLarge } from '../http/bulk-body.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route reads its body as a stream (streamBodies): it decodes gzip itself. */
    streamsBody?: boolean
  }
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
  refuseEncodedBodies(app)
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
        { retryAfter: RETRY_AFTER_SECONDS },
      )
    }
    if (running >= opts.limits.bulkConcurrency) {
      throw new DomainError(
        'UPLOAD.BUSY',
        'service-unavailable',
        'The service is taking as many uploads as it can; try again shortly.',
        undefined,
        { retryAfter: RETRY_AFTER_SECONDS },
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
        { retryAfter: RETRY_AFTER_SECONDS },
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
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, streamsBody: true }
  })
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser([...mediaTypes], (request, payload, done) => {
    if (Number(request.headers['content-length']) > bytes) return done(tooLarge(bytes), undefined)
    // Feeds send big files: a gzipped one is read as it arrives, and its limit applies to what it unpacks to.
    const encoding = contentEncoding(request)
    if (encoding === 'gzip') {
      const gunzip = createGunzip()
      gunzip.on('error', () => {})
      streams.set(request, payload.pipe(gunzip))
    } else streams.set(request, payload)
    done(null, mediaTypeOf(request) === 'application/json' ? [] : '')
  })
  // A body refused early (a stray quote in its first rows) is still arriving: read and drop the rest, for a
  // bounded time, so the client can finish sending and read the answer rather than meet a reset.
  scope.addHook('onResponse', async (request) => {
    const raw = request.raw
    if (raw.readableEnded || raw.destroyed) return
    const timer = setTimeout(() => raw.destroy(), DRAIN_MS)
    timer.unref()
    raw.once('end', () => clearTimeout(timer))
    // Read and dropped: the body's reader left a 'readable' listener behind, and while one is there
    // resume() does nothing (the socket stayed paused and the client's next write met a reset).
    const drop = () => {
      while (raw.read() !== null);
    }
    raw.on('readable', drop)
    drop()
  })
}

/** How long a refused body's rest is read and dropped before the connection is closed. */
const DRAIN_MS = 10_000

/** The request's Content-Encoding: none (identity), gzip, or one the service does not read (415). */
function contentEncoding(request: FastifyRequest): 'identity' | 'gzip' {
  const sent = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  if (sent === 'identity' || sent === '') return 'identity'
  if (sent === 'gzip' || sent === 'x-gzip') return 'gzip'
  throw unreadableEncoding(sent)
}

const unreadableEncoding = (sent: string) =>
  new DomainError(
    'REQUEST.ENCODING',
    'unsupported-media-type',
    `The body is sent with Content-Encoding ${sent}: bulk writes and imports read gzip; everything else is sent as it is.`,
    [{ field: 'headers.content-encoding', message: 'must be gzip (bulk writes and imports) or absent' }],
  )

/**
 * Any other route reads its body whole, as it is sent: an encoded body is refused (415) before it is
 * parsed, rather than read as garbled JSON.
 */
function refuseEncodedBodies(scope: FastifyInstance): void {
  scope.addHook('onRequest', async (request) => {
    const sent = request.headers['content-encoding']
    if (sent === undefined || request.routeOptions.config.streamsBody === true) return
    const text = sent.trim().toLowerCase()
    if (text !== '' && text !== 'identity') throw unreadableEncoding(text)
  })
}

/** The body of a request to a streamBodies route, as it arrives. */
export const bodyStream = (request: FastifyRequest): Readable => streams.get(request)!
