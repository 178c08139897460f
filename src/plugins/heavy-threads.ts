import { Worker } from 'node:worker_threads'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'

/**
 * The header by which a heavy-read thread learns the id the main thread gave the request (src/worker.ts):
 * honoured only by a thread's app, so the id in its logs and problems is the one the caller sees.
 */
export const THREAD_REQUEST_ID = 'x-spa-thread-request-id'

/** A request handed to a thread: heavy reads are GETs, so there is no body. */
export interface ThreadRequest {
  id: number
  url: string
  headers: Record<string, string | string[] | undefined>
  remoteAddress: string
}

/** A thread's answer: the response as its app made it, or why there is none. */
export type ThreadAnswer =
  | {
      id: number
      statusCode: number
      headers: Record<string, string | string[] | number | undefined>
      body: Uint8Array
    }
  | { id: number; failed: string }

/** Headers of the thread's response that belong to its own (injected) connection, not to the caller's. */
const HOP_BY_HOP = new Set(['content-length', 'connection', 'keep-alive', 'transfer-encoding', 'date'])

/** A request's headers less those that describe a body: a heavy read is handed on without one. */
const withoutBody = (headers: FastifyRequest['headers']) =>
  Object.fromEntries(
    Object.entries(headers).filter(([name]) => name !== 'content-length' && name !== 'transfer-encoding'),
  )

/** How long a thread that stopped before it was ready waits to be started again. */
const RESTART_PAUSE_MS = 5000

const overloaded = () =>
  Object.assign(new Error('The heavy-read thread is unavailable.'), { code: 'SERVICE.OVERLOADED' })

/**
 * One worker thread running its own copy of the app (src/worker.ts). It is ready once that app is; a
 * thread that fails or stops answering within the request timeout is ended, what it held is answered 503,
 * and a new one is started in its place.
 */
export class HeavyThread {
  /** The thread itself (the tests end it, to see another take its place). */
  worker!: Worker
  private readonly pending = new Map<
    number,
    { resolve: (answer: ThreadAnswer) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }
  >()
  private next = 0
  ready = false
  private closing = false
  /** Whether the current worker is running (not between one that stopped and the next). */
  private running = false

  constructor(
    private readonly entry: URL,
    private readonly config: Config,
    private readonly timeoutMs: number,
    private readonly log: FastifyInstance['log'],
  ) {
    this.start()
  }

  get load(): number {
    return this.pending.size
  }

  private start(): void {
    this.ready = false
    const worker = new Worker(this.entry, { workerData: this.config })
    this.worker = worker
    this.running = true
    worker.on('message', (message: 'ready' | ThreadAnswer) => {
      if (message === 'ready') {
        this.ready = true
        return
      }
      const waiting = this.pending.get(message.id)
      if (waiting === undefined) return
      this.pending.delete(message.id)
      clearTimeout(waiting.timer)
      waiting.resolve(message)
    })
    worker.on('error', (err) => this.log.error({ err }, 'heavy-read thread failed'))
    worker.on('exit', (code) => {
      if (worker !== this.worker) return
      const served = this.ready
      this.ready = false
      this.running = false
      this.failPending()
      if (this.closing) return
      this.log.warn({ code }, 'heavy-read thread stopped; starting another')
      // One that never got ready would fail again at once: it is tried again after a pause, not in a loop
      // (meanwhile the main thread answers).
      setTimeout(() => this.closing || this.start(), served ? 0 : RESTART_PAUSE_MS).unref()
    })
  }

  private failPending(): void {
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer)
      waiting.reject(overloaded())
    }
    this.pending.clear()
  }

  ask(request: Omit<ThreadRequest, 'id'>): Promise<ThreadAnswer> {
    const id = ++this.next
    return new Promise((resolve, reject) => {
      // A thread that holds a request past the request timeout is stuck (a read cannot take that long: its
      // statements are bounded by DB_STATEMENT_TIMEOUT_MS): end it; its exit answers what it held.
      const timer = setTimeout(() => {
        this.log.error({ timeoutMs: this.timeoutMs }, 'heavy-read thread stopped answering; ending it')
        void this.worker.terminate()
      }, this.timeoutMs)
      this.pending.set(id, { resolve, reject, timer })
      this.worker.postMessage({ id, ...request } satisfies ThreadRequest)
    })
  }

  async close(): Promise<void> {
    this.closing = true
    if (!this.running) return
    // The thread's app finishes what it holds and ends its pool, then the thread exits.
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()))
    this.worker.postMessage('close')
    await exited
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The heavy-read threads, and how many answers they have given (HEAVY_READ_THREADS). */
    heavyThreads: { threads: readonly HeavyThread[]; answered: { count: number } }
  }
}

/**
 * The thread's app's settings: the main thread's, less what the main thread has already done for the
 * request (admitted, limited and budgeted it).
 */
export function threadConfig(config: Config, databaseUrl: string): Config {
  return {
    ...config,
    databaseUrl,
    migrateOnStart: false,
    db: { ...config.db, poolMax: threadPoolMax(config) },
    // The main thread drops its copies when a partnership or a membership changes; a thread has none to
    // drop, so it reads them afresh (two small queries beside a read of tens of milliseconds).
    http: { ...config.http, partnershipCacheMs: 0 },
    auth: { ...config.auth, memberCacheMs: 0 },
    limits: {
      ...config.limits,
      heavyReadThreads: 0,
      heavyReadMax: 0,
      rateLimitMax: 0,
      rateLimitAddressMax: 0,
      // Blocking its own event loop is what a thread is for: it never sheds for it.
      maxEventLoopDelayMs: 0,
      maxRssBytes: 0,
    },
    webhooks: { ...config.webhooks, deliver: false },
  }
}

/** A thread's own connections: a quarter of the main pool's, at least two. */
export const threadPoolMax = (config: Config) => Math.max(2, Math.ceil(config.db.poolMax / 4))

/**
 * Heavy reads (routes marked `heavy`: whole evaluations, reports, peer comparisons, committee packs) are
 * answered by HEAVY_READ_THREADS worker threads, each with its own copy of the app and a small pool of its
 * own, so that the CPU one of them takes (parsing thousands of rows, statistics, an SVG or a PDF) never
 * holds the main thread's event loop, where every other partnership's requests are served. The main thread
 * still authenticates, limits and budgets the request (a refusal costs the thread nothing); the thread's
 * app checks access again from the same token, exactly as the main thread's would, and its answer is sent
 * as it made it. A heavy read that arrives while no thread is ready (starting, or replacing one that
 * failed) is answered on the main thread, as with HEAVY_READ_THREADS=0.
 */
async function heavyThreadsPlugin(
  app: FastifyInstance,
  opts: { config: Config; databaseUrl: string; entry: URL },
): Promise<void> {
  const threads: HeavyThread[] = []
  const answered = { count: 0 }
  app.decorate('heavyThreads', { threads, answered })
  const count = opts.config.limits.heavyReadThreads
  if (count === 0) return
  app.addHook('onReady', async () => {
    const config = threadConfig(opts.config, opts.databaseUrl)
    for (let i = 0; i < count; i++)
      threads.push(new HeavyThread(opts.entry, config, opts.config.http.requestTimeoutMs, app.log))
  })
  app.addHook('preClose', async () => {
    await Promise.all(threads.map((thread) => thread.close()))
  })
  const leastBusy = () =>
    threads
      .filter((thread) => thread.ready)
      .reduce<HeavyThread | undefined>((a, b) => (a && a.load <= b.load ? a : b), undefined)

  app.addHook('onRoute', (route) => {
    // A heavy write (issuing a round) stays here, where the request's body and its admission are.
    if (route.config?.heavy !== true || [route.method].flat().some((m) => m !== 'GET' && m !== 'HEAD')) return
    const inThisThread = route.handler
    route.handler = async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const thread = leastBusy()
      if (thread === undefined) return (inThisThread as RouteHandlerMethod).call(this, request, reply)
      const answer = await thread.ask({
        // A HEAD is asked as its GET: this thread's HEAD route sends the headers without the body.
        url: request.url,
        headers: { ...withoutBody(request.headers), [THREAD_REQUEST_ID]: request.id },
        remoteAddress: request.ip,
      })
      if ('failed' in answer) throw overloaded()
      answered.count += 1
      for (const [name, value] of Object.entries(answer.headers))
        if (value !== undefined && !HOP_BY_HOP.has(name)) reply.header(name, value)
      return reply
        .code(answer.statusCode)
        .send(Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength))
    }
  })
}

export default fp(heavyThreadsPlugin, { name: 'heavy-threads' })
