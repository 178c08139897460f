import http from 'node:http'
import { PROBLEM_TYPE_BASE } from './problem.js'

export interface AdmissionOptions {
  /** The queue delay (time waited for a database connection) the instance aims to stay under. */
  targetMs: number
  /** How often the limit is reconsidered: the queue delay is judged on its minimum over this time. */
  intervalMs: number
  /** The limit never falls below this (one and a half times the pool: every connection stays busy). */
  minInFlight: number
  /** Nor rises above this. */
  maxInFlight: number
}

/**
 * Admission by queue delay. The instance works on at most `limit` requests at once and refuses the rest at
 * the door with a 503 written straight to the socket, before routing, token checks or any other work: a
 * refusal costs about a fifth of a served read. The limit adapts to the time requests wait for a database
 * connection, as CoDel does: when in an interval every request waited longer than the target (the minimum
 * wait was above it: the queue stood, it was not a burst), the limit falls to nine tenths of what was in
 * flight, never below one and a half times the pool's size; when the limit was reached and the queue did not stand, it rises
 * by a tenth, never above MAX_IN_FLIGHT (twice the pool by default: beyond that, on two cores, requests
 * only wait longer for the CPU; README "Overload" has the measurements). It starts at its maximum, so
 * nothing is refused before a queue has stood. (Refusing by the pool's queue length, each refusal going
 * through Fastify, starved the queue of the CPU it needed to drain.)
 */
export class Admission {
  limit: number
  inFlight = 0
  /** Whether anything was refused in the last interval: /readyz then says not ready. */
  shedding = false
  /** Other reasons to refuse everything (memory, event-loop delay), from @fastify/under-pressure. */
  pressure: () => boolean = () => false
  private minWait = Infinity
  private reachedLimit = false
  /** The most requests in flight at once during this interval. */
  private peak = 0
  private refused = 0
  private readonly timer: NodeJS.Timeout

  constructor(private readonly options: AdmissionOptions) {
    // No refusal before there is evidence of a standing queue.
    this.limit = options.maxInFlight
    this.timer = setInterval(() => this.tick(), options.intervalMs)
    this.timer.unref()
  }

  /** Whether a request arriving now may come in. */
  accepts(): boolean {
    if (this.inFlight < this.limit && !this.pressure()) return true
    this.refused += 1
    return false
  }

  /**
   * A request starts its work: counted from here (its body read, its caller known) until it is answered,
   * so a client that sends a body slowly holds no place of the limit.
   */
  enter(): void {
    this.inFlight += 1
    if (this.inFlight > this.peak) this.peak = this.inFlight
    if (this.inFlight >= this.limit) this.reachedLimit = true
  }

  done(): void {
    this.inFlight -= 1
  }

  /** How long a request waited for a database connection. */
  observeWait(ms: number): void {
    if (ms < this.minWait) this.minWait = ms
  }

  /** Reconsiders the limit at the end of an interval. */
  tick(): void {
    const { targetMs, minInFlight, maxInFlight } = this.options
    const standing = this.minWait !== Infinity && this.minWait > targetMs
    // Below what was actually in flight: a limit far above it would take many intervals to come down.
    if (standing) this.limit = Math.max(minInFlight, Math.floor(Math.min(this.limit, this.peak) * 0.9))
    else if (this.reachedLimit)
      this.limit = Math.min(maxInFlight, this.limit + Math.max(1, Math.round(this.limit * 0.1)))
    this.shedding = this.refused > 0 || this.pressure()
    this.minWait = Infinity
    this.reachedLimit = false
    this.peak = this.inFlight
    this.refused = 0
  }

  close(): void {
    clearInterval(this.timer)
  }
}

const EXEMPT = /^\/(healthz|readyz)(\?|$)/
// Built once: a refusal must cost as little as can be (no request id, no path in it).
const OVERLOADED = Buffer.from(
  JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}service-unavailable`,
    title: 'Service unavailable',
    status: 503,
    detail: 'The service is over capacity; try again shortly.',
    code: 'SERVICE.OVERLOADED',
  }),
)
const OVERLOADED_HEADERS = [
  'content-type',
  'application/problem+json',
  'content-length',
  String(OVERLOADED.length),
  'retry-after',
  '2',
]
/**
 * A refusal is answered after this long: a client that retries at once instead of after Retry-After
 * would otherwise spin on refusals and take the CPU the admitted requests need (README, Overload).
 * Waiting costs a timer and an open socket, no work.
 */
const REFUSAL_DELAY_MS = 10

function refuse(res: http.ServerResponse): void {
  if (res.destroyed) return
  res.writeHead(503, OVERLOADED_HEADERS)
  res.end(OVERLOADED)
}

/**
 * Wraps Fastify's request handler (Fastify's serverFactory): a request the instance cannot take now is
 * answered here, as problem+json with Retry-After. Health checks are never refused.
 */
export function admittingServer(admission: Admission, httpOptions: http.ServerOptions) {
  return (handler: http.RequestListener) =>
    http.createServer(httpOptions, (req, res) => {
      if (!EXEMPT.test(req.url ?? '') && !admission.accepts()) {
        setTimeout(refuse, REFUSAL_DELAY_MS, res)
        return
      }
      handler(req, res)
    })
}
