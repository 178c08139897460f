import t from 'tap'
import { startService } from '../helper.js'
import { faultDatabase, furnishOne } from './harness.js'

/**
 * Database faults under concurrent load (npm run test:faults): backends terminated, the server paused
 * (SIGSTOP) and resumed, stopped and restarted, while 16 clients read and write without pause.
 * Pass: the service never exits; every request ends within the configured timeout plus one second,
 * answering 2xx or 503 problem+json with Retry-After; full service within 5 s of the database's return;
 * afterwards no connection of the service is left idle in a transaction and the pool holds no more than
 * its size.
 */
const CONNECT_TIMEOUT_MS = 1000
const STATEMENT_TIMEOUT_MS = 2000
/** The longest a request may wait on the database: the client-side read timeout (statement + 1 s). */
const CONFIGURED_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 1000
const POOL_MAX = 8
const CLIENTS = 16

interface Outcome {
  start: number
  end: number
  status: number
  ok: boolean
  what: string
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test('database faults under load: terminated backends, a paused server, a restarted server', async (t) => {
  const db = await faultDatabase(t)
  const service = await startService(t, db.url, t.testdir({}), {
    DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
    DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS),
    DB_POOL_MAX: String(POOL_MAX),
  })
  let exitedEarly = false
  void service.exited.then(() => (exitedEarly = true))
  const { admin, indicator, area } = await furnishOne(service)

  const outcomes: Outcome[] = []
  let running = true
  let n = 0
  const client = async () => {
    while (running) {
      const i = n++
      const write = i % 3 === 0
      const period = `${2000 + ((i >> 4) % 20)}-${String((i % 12) + 1).padStart(2, '0')}`
      const url = write
        ? `${service.address}/partnerships/faults/measurements/${indicator}/${area}/${period}`
        : `${service.address}/partnerships/faults/indicators/${indicator}`
      const start = performance.now()
      let status = 0
      let ok = false
      try {
        const res = await fetch(url, {
          method: write ? 'PUT' : 'GET',
          headers: { authorization: admin, ...(write ? { 'content-type': 'application/json' } : {}) },
          ...(write ? { body: JSON.stringify({ value: i % 50 }) } : {}),
          signal: AbortSignal.timeout(CONFIGURED_TIMEOUT_MS + 10_000),
        })
        status = res.status
        const type = res.headers.get('content-type') ?? ''
        await res.arrayBuffer()
        ok =
          (status >= 200 && status < 300) ||
          (status === 503 && type.startsWith('application/problem+json') && res.headers.get('retry-after') !== null)
      } catch {
        status = -1 // no answer at all: a hang cut off by the client, or a dropped connection
      }
      outcomes.push({ start, end: performance.now(), status, ok, what: write ? 'PUT measurement' : 'GET indicator' })
    }
  }
  const clients = Array.from({ length: CLIENTS }, client)

  const faults: Array<{ name: string; began: number; back: number }> = []
  const t0 = performance.now()
  await sleep(2000)

  let began = performance.now()
  await db.query(
    `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'safer-partnerships-api'`,
  )
  await sleep(300)
  await db.query(
    `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'safer-partnerships-api'`,
  )
  faults.push({ name: 'backends terminated (twice)', began, back: performance.now() })
  await sleep(3000)

  began = performance.now()
  await db.signal('SIGSTOP')
  await sleep(4000)
  await db.signal('SIGCONT')
  faults.push({ name: 'server paused 4 s (SIGSTOP) and resumed', began, back: performance.now() })
  await sleep(5000)

  began = performance.now()
  await db.stop()
  await sleep(3000)
  await db.start()
  faults.push({ name: 'server stopped 3 s and restarted', began, back: performance.now() })
  await sleep(6000)

  running = false
  await Promise.all(clients)

  const slowest = outcomes.reduce((w, o) => (o.end - o.start > w.end - w.start ? o : w), outcomes[0]!)
  const worst = slowest.end - slowest.start
  const at = (ms: number) => `${((ms - t0) / 1000).toFixed(1)} s`
  t.comment(
    `faults: ${faults.map((f) => `${f.name} ${at(f.began)}-${at(f.back)}`).join('; ')}; slowest: ${slowest.what} -> ${slowest.status}, ${at(slowest.start)}-${at(slowest.end)}`,
  )
  const bad = outcomes.filter((o) => !o.ok)
  const counts = new Map<number, number>()
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1)
  t.comment(
    `requests ${outcomes.length}; statuses ${[...counts].map(([s, c]) => `${s === -1 ? 'no answer' : s} x${c}`).join(', ')}; worst latency ${worst.toFixed(0)} ms (limit ${CONFIGURED_TIMEOUT_MS + 1000} ms)`,
  )
  t.same(
    bad.slice(0, 5).map((o) => `${o.what} -> ${o.status}`),
    [],
    'every answer is 2xx or 503 problem+json with Retry-After',
  )
  t.ok(
    worst <= CONFIGURED_TIMEOUT_MS + 1000,
    `every request ended within the configured ${CONFIGURED_TIMEOUT_MS} ms + 1 s (worst ${worst.toFixed(0)} ms)`,
  )

  for (const [i, fault] of faults.entries()) {
    // Recovered when no request started after the database came back (and before the next fault) fails any more.
    const until = faults[i + 1]?.began ?? Infinity
    const lastFailure = outcomes
      .filter((o) => o.start >= fault.back && o.end < until && o.status !== 200 && o.status !== 201)
      .reduce((m, o) => Math.max(m, o.end), fault.back)
    const recovery = lastFailure - fault.back
    const servedAfter = outcomes.filter(
      (o) => o.start >= lastFailure && o.end < until && (o.status === 200 || o.status === 201),
    ).length
    t.ok(
      recovery <= 5000 && servedAfter > 0,
      `${fault.name}: full service ${recovery.toFixed(0)} ms after the database returned (${servedAfter} requests served after)`,
    )
  }

  t.notOk(exitedEarly, 'the service never exited')
  const sessions = await db.query<{ state: string; n: number }>(
    `select coalesce(state, '?') as state, count(*)::int as n from pg_stat_activity where application_name = 'safer-partnerships-api' group by 1`,
  )
  t.comment(`service sessions after the faults: ${JSON.stringify(sessions)}`)
  t.equal(
    sessions.filter((s) => s.state.startsWith('idle in transaction')).length,
    0,
    'no connection left idle in a transaction',
  )
  t.ok(sessions.reduce((sum, s) => sum + s.n, 0) <= POOL_MAX, 'the pool holds no more connections than its size')
  const ready = await fetch(`${service.address}/readyz`)
  t.equal(ready.status, 200, 'ready again without a restart')
  t.equal(await service.kill('SIGTERM'), 0, 'and still stops cleanly')
})
