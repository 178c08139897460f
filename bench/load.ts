/**
 * npm run bench:load
 *
 * autocannon (in its own process) against the service, built and in its own process as deployed (its
 * heavy reads on their thread), in five parts:
 * 1. Reading one indicator through the service (token verified, tenant checked, response serialised)
 *    side by side with a bare Fastify route doing one pg query for the same row, three alternating
 *    rounds; the reads carry 500 callers' tokens in turn, so the service's caches work as with real load.
 * 2. Saturation on the main read and write routes: errors, 5xx and p99.
 * 3. Twice capacity (twice the median of part 1's service rounds), open loop (bench/open-loop.ts:
 *    requests leave at a steady rate whatever the answers), three rounds: each round's goodput (2xx per
 *    second against that capacity), the latency of the served requests, what was refused (503 with
 *    Retry-After), how fast /healthz answers meanwhile; and the process's peak RSS during them.
 * 4. A heavy neighbour: one viewer of the bench partnership loops over the contract's heaviest reads (a
 *    funnel plot and a comparison of a peer group at the member cap, the whole evaluation) on two
 *    connections, while another partnership reads one indicator at a steady 200 req/s; its p99 loaded
 *    against quiet, in three alternating rounds (goal: within 2x, the median of the rounds).
 * 5. Bulk writes with and without a webhook subscription taking their events (goal: within 10%).
 * Uses DATABASE_URL when set, else a throwaway embedded Postgres. Options: --seconds N (per round),
 * --part 4 or --part 5 (that part alone).
 */
import { execFile } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import Fastify from 'fastify'
import { DEFAULT_HEAVY_READ_MAX } from '../src/config.js'
import type { Db } from '../src/db/client.js'
import { MAX_PEER_MEMBERS } from '../src/modules/benchmarking/benchmarking.service.js'
import type { TokenClaims } from '../test/helper.js'
import { middle, peakRss, range, resetPeakRss, withBench } from './harness.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '32' },
    part: { type: 'string' },
  },
})
const SECONDS = Number(values.seconds)
/** Rounds of each alternating comparison: a figure is the median of them, printed with their range. */
const ROUNDS = 3
/** Distinct callers whose tokens the reads of parts 1 to 3 carry in turn. */
const CALLERS = 500
const CONNECTIONS = Number(values.connections)
/** Part 4's other partnership: about what the attack saw it serve before the heavy reads began (190/s). */
const VICTIM_RATE = 200
const say = (line: string) => process.stdout.write(`${line}\n`)
const WORKER = path.resolve('bench/cannon.ts')
const OPEN_LOOP = path.resolve('bench/open-loop.ts')

interface Result {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; max: number }
  errors: number
  timeouts: number
  non2xx: number
  '2xx': number
  '4xx': number
  '5xx': number
  duration: number
}

interface OpenLoopResult {
  sent: number
  unanswered: number
  errors: number
  statuses: Record<string, number>
  served: { perSecond: number; p50: number; p99: number; max: number }
}

function openLoop(
  url: string,
  load: {
    headers: Record<string, string>
    authorizations?: string[]
    rate: number
    seconds: number
    connections: number
  },
): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', OPEN_LOOP], { maxBuffer: 1 << 24 }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as OpenLoopResult),
    )
    child.stdin!.end(JSON.stringify({ url, ...load }))
  })
}

interface Load {
  headers?: Record<string, string>
  method?: 'GET' | 'PUT'
  body?: string
  rate?: number
  connections?: number
  seconds?: number
  paths?: string[]
  authorizations?: string[]
}

function cannon(url: string, load: Load): Promise<Result> {
  const options = { url, connections: load.connections ?? CONNECTIONS, seconds: load.seconds ?? SECONDS, ...load }
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', WORKER], { maxBuffer: 1 << 24 }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as Result),
    )
    child.stdin!.end(JSON.stringify(options))
  })
}

/** Part 4: another partnership's reads while one partnership's viewer runs the heaviest reads in a loop. */
async function heavyNeighbour(b: {
  address: string
  db: Db
  admin: string
  bearer: (claims: TokenClaims) => Promise<string>
  indicatorId: string
  areaId: string
}) {
  const send = async (method: string, route: string, auth: string, body?: string, type = 'application/json') => {
    const res = await fetch(`${b.address}${route}`, {
      method,
      headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': type }) },
      ...(body === undefined ? {} : { body }),
    })
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<{ id: string }>
  }
  // A peer group at the cap, every member with a population and a year of counts.
  const group = await send(
    'POST',
    '/partnerships/bench/peer-groups',
    b.admin,
    JSON.stringify({ name: 'Every district' }),
  )
  const { partnershipId } = await b.db
    .selectFrom('peerGroup')
    .select('partnershipId')
    .where('id', '=', group.id)
    .executeTakeFirstOrThrow()
  const codes = Array.from({ length: MAX_PEER_MEMBERS - 1 }, (_, i) => `Q${String(i).padStart(4, '0')}`)
  await b.db
    .insertInto('peerMember')
    .values(
      codes.map((code) => ({
        partnershipId,
        groupId: group.id,
        code,
        name: `District ${code}`,
        startsOn: '2000-01-01',
      })),
    )
    .execute()
  await send(
    'POST',
    `/partnerships/bench/peer-groups/${group.id}/members`,
    b.admin,
    JSON.stringify({ areaId: b.areaId, startsOn: '2000-01-01' }),
  )
  const people = [
    'code,year,population',
    'E07000136,2009,60000',
    ...codes.map((c, i) => `${c},2009,${80_000 + i * 97}`),
  ]
  await send('POST', '/partnerships/bench/populations/bulk', b.admin, people.join('\n'), 'text/csv')
  const counts = [
    'indicator,code,period,value',
    ...codes.map((c, i) => `NI 16,${c},FY2009-10,${900 + ((i * 37) % 900)}`),
  ]
  await send('POST', '/partnerships/bench/peer-figures/bulk', b.admin, counts.join('\n'), 'text/csv')
  // Boston's own months, so that the comparison and the evaluation have its figures whatever ran before.
  const months = Array.from({ length: 36 }, (_, i) => {
    const m = 3 + i
    return `${2007 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`
  })
  const own = ['indicator,area,period,value', ...months.map((m, i) => `NI 16,E07000136,${m},${70 + (i % 9)}`)]
  await send('POST', '/partnerships/bench/measurements/bulk', b.admin, own.join('\n'), 'text/csv')

  const superadmin = await b.bearer({ superadmin: true })
  await send('POST', '/partnerships', superadmin, JSON.stringify({ slug: 'other', name: 'Other CSP' }))
  const otherAdmin = await b.bearer({ memberships: [{ partnership: 'other', role: 'admin' }] })
  const theirs = await send(
    'POST',
    '/partnerships/other/indicators',
    otherAdmin,
    JSON.stringify({
      reference: 'NI 20',
      name: 'Assault with injury',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
    }),
  )
  const viewer = await b.bearer({ sub: 'heavy', memberships: [{ partnership: 'bench', role: 'viewer' }] })
  const at = `indicatorId=${b.indicatorId}&period=FY2009-10`
  const heavy = [
    `/partnerships/bench/peer-groups/${group.id}/funnel.svg?${at}`,
    `/partnerships/bench/peer-groups/${group.id}/comparison?${at}`,
    '/partnerships/bench/evaluation?period=2009-12',
  ]
  // The other partnership sends what an ordinary partnership does, at a steady rate whatever the answers
  // (open loop): a closed loop at saturation would only show how the CPU is split, not what a caller waits.
  const victimUrl = `${b.address}/partnerships/other/indicators/${theirs.id}`
  const victim = () =>
    openLoop(victimUrl, { headers: { authorization: otherAdmin }, rate: VICTIM_RATE, seconds: SECONDS, connections: 8 })
  say(
    `4. A heavy neighbour: ${heavy.length} heavy reads looped on 2 connections (group of ${MAX_PEER_MEMBERS}), another partnership's GET indicator at ${VICTIM_RATE} req/s`,
  )
  // Each heavy read alone: its time, and the longest a health check waited meanwhile (checks sent one
  // after another), which is about the longest the service's event loop was held: what another
  // partnership's request waits behind. Past the partnership's budget of heavy reads (HEAVY_READ_MAX per
  // window) it waits as Retry-After says, outside the timing.
  const heavyRead = async (route: string): Promise<number> => {
    for (;;) {
      const start = performance.now()
      const res = await fetch(`${b.address}${route}`, { headers: { authorization: viewer } })
      await res.arrayBuffer()
      if (res.ok) return performance.now() - start
      if (res.status !== 429) throw new Error(`${route}: ${res.status}`)
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)))
    }
  }
  const longestHealthCheck = async (during: Promise<unknown>) => {
    let done = false
    void during.finally(() => (done = true))
    let longest = 0
    while (!done) {
      const start = performance.now()
      await (await fetch(`${b.address}/healthz`)).arrayBuffer()
      longest = Math.max(longest, performance.now() - start)
    }
    return longest
  }
  for (const route of heavy) {
    await heavyRead(route) // warm-up
    const times: number[] = []
    const waits: number[] = []
    for (let i = 0; i < 5; i++) {
      const read = heavyRead(route)
      waits.push(await longestHealthCheck(read))
      times.push(await read)
    }
    say(
      `  ${route.split('?')[0]!.split('/').pop()!.padEnd(12)} alone: median ${middle(times).toFixed(1)} ms (${range(times)}); longest health check meanwhile ${middle(waits).toFixed(1)} ms (${range(waits)})`,
    )
  }
  // The budget's window starts afresh for the rounds.
  await new Promise((r) => setTimeout(r, 4000))
  await victim() // warm-up: the other partnership's first requests fill its caches
  const ratios: number[] = []
  for (let round = 1; round <= ROUNDS; round++) {
    const quiet = await victim()
    const [loaded, load] = await Promise.all([
      victim(),
      cannon(`${b.address}/`, { headers: { authorization: viewer }, connections: 2, paths: heavy }),
    ])
    say(served(`  round ${round} other, quiet`, quiet))
    say(served(`  round ${round} other, neighbour busy`, loaded))
    say(row(`  round ${round} the heavy reads`, load))
    ratios.push(loaded.served.p99 / Math.max(quiet.served.p99, 1))
  }
  say(
    `  other partnership's p99 loaded / quiet: median ${middle(ratios).toFixed(2)} of ${ROUNDS} rounds (${range(ratios)}) (goal <= 2)`,
  )
}

/**
 * Part 5: bulk writes (50 new figures a request, 2 at a time (a client's most uploads at once)) with no subscription and with one taking
 * every measurements.received event (a receiver on loopback answering 204), alternating rounds: what the
 * outbox costs the write path (goal: within 10%), and how many events the receiver got meanwhile.
 */
async function eventsOnWrites(b: { address: string; admin: string }) {
  let received = 0
  const receiver = http.createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      received++
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  let month = 0
  // 1,512 past months (1900 to 2025) over and over, each pass one higher: every row inserts or updates.
  const nextRows = () =>
    Array.from({ length: 50 }, () => {
      const m = month++
      const at = m % 1512
      return {
        indicator: 'NI 16',
        area: 'E07000136',
        period: `${1900 + Math.floor(at / 12)}-${String((at % 12) + 1).padStart(2, '0')}`,
        value: Math.floor(m / 1512),
      }
    })
  const round = async () => {
    let requests = 0
    const until = performance.now() + SECONDS * 1000
    const worker = async () => {
      while (performance.now() < until) {
        const res = await fetch(`${b.address}/partnerships/bench/measurements/bulk`, {
          method: 'POST',
          headers: { authorization: b.admin, 'content-type': 'application/json' },
          body: JSON.stringify(nextRows()),
        })
        if (!res.ok) throw new Error(`bulk: ${res.status} ${await res.text()}`)
        await res.arrayBuffer()
        requests++
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: 2 }, worker))
    return (requests * 50) / ((performance.now() - started) / 1000)
  }
  const subscribe = async () => {
    const res = await fetch(`${b.address}/partnerships/bench/webhooks`, {
      method: 'POST',
      headers: { authorization: b.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ url: hook, eventTypes: ['measurements.received'] }),
    })
    return ((await res.json()) as { id: string }).id
  }
  const unsubscribe = (id: string) =>
    fetch(`${b.address}/partnerships/bench/webhooks/${id}`, { method: 'DELETE', headers: { authorization: b.admin } })
  say(
    `5. Events on the write path: bulk writes of 50 new figures, 2 at a time (a client's most uploads at once), ${SECONDS} s rounds`,
  )
  try {
    await round() // warm-up
    const ratios: number[] = []
    for (let r = 1; r <= 3; r++) {
      const without = await round()
      const id = await subscribe()
      const before = received
      const withOne = await round()
      await unsubscribe(id)
      say(
        `  round ${r}: ${Math.round(without)} rows/s without a subscription, ${Math.round(withOne)} with one (${received - before} events received during it)`,
      )
      ratios.push(withOne / without)
    }
    ratios.sort((x, y) => x - y)
    say(`  with / without, median of 3 rounds: ${ratios[1]!.toFixed(2)} (goal >= 0.90)`)
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()))
  }
}

/** The other partnership's steady reads: how many were served, and how long each waited from when it was due. */
const served = (label: string, r: OpenLoopResult) =>
  `${label.padEnd(34)} ${Math.round(r.served.perSecond).toString().padStart(7)} served/s  p50 ${r.served.p50} ms  p99 ${r.served.p99} ms  max ${r.served.max} ms  ` +
  `sent ${r.sent}  statuses ${Object.entries(r.statuses)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ')}  errors ${r.errors}  unanswered ${r.unanswered}`

const row = (label: string, r: Result) =>
  `${label.padEnd(34)} ${Math.round(r.requests.average).toString().padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  max ${r.latency.max} ms  ` +
  `sent ${r.requests.total}  2xx ${r['2xx']}  4xx ${r['4xx']}  5xx ${r['5xx']}  errors ${r.errors}  timeouts ${r.timeouts}`

await withBench(
  'load',
  async ({ pool, db, address, admin, call, bearer, servicePid }) => {
    const indicator = await call('POST', '/partnerships/bench/indicators', {
      reference: 'NI 16',
      name: 'Serious acquisitive crime',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
    })
    const area = await call('POST', '/partnerships/bench/areas', {
      name: 'Boston',
      type: 'district',
      code: 'E07000136',
    })
    const headers = { authorization: admin }

    // The bare route: the floor any real service is measured against.
    const bare = Fastify({ logger: false })
    bare.get(
      '/bare/:id',
      async (request) =>
        (await pool.query('select * from indicator where id = $1', [(request.params as { id: string }).id])).rows[0],
    )
    const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' })

    try {
      if (values.part === '4')
        return await heavyNeighbour({ address, db, admin, bearer, indicatorId: indicator.id, areaId: area.id })
      if (values.part === '5') return await eventsOnWrites({ address, admin })
      const serviceUrl = `${address}/partnerships/bench/indicators/${indicator.id}`
      // Many callers, as a real load has: each request in turn carries one of these tokens, so the token and
      // membership caches work as they would, not on one subject that always hits.
      const authorizations = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          bearer({ sub: `reader-${i}`, memberships: [{ partnership: 'bench', role: 'viewer' }] }),
        ),
      )
      const readers = { authorizations }
      await cannon(serviceUrl, { ...readers, seconds: 2 }) // warm-up: JIT, pool connections, caches
      await cannon(`${bareAddress}/bare/${indicator.id}`, { seconds: 2 })
      say(
        `1. One indicator, service vs bare Fastify + pg (${CONNECTIONS} connections, ${SECONDS} s rounds, ${CALLERS} callers' tokens in turn)`,
      )
      const ratios: number[] = []
      const capacities: number[] = []
      for (let round = 1; round <= ROUNDS; round++) {
        const b = await cannon(`${bareAddress}/bare/${indicator.id}`, {})
        const s = await cannon(serviceUrl, readers)
        say(row(`  round ${round} bare`, b))
        say(row(`  round ${round} service`, s))
        // Served answers only: at saturation admission may refuse some, and a refusal is not a read.
        capacities.push(s['2xx'] / s.duration)
        ratios.push(s['2xx'] / s.duration / (b['2xx'] / b.duration))
      }
      say(
        `  service / bare (2xx per second): median ${middle(ratios).toFixed(2)} of ${ROUNDS} rounds (${range(ratios, 2)}) (goal >= 0.90)`,
      )
      // The saturation throughput the overload part doubles: the median of the rounds, not one run's noise.
      const capacity = middle(capacities)

      say('2. Saturation on the main routes')
      const reads = {
        'GET indicator': serviceUrl,
        'GET indicators (page of 100)': `${address}/partnerships/bench/indicators`,
        'GET measurements (page of 100)': `${address}/partnerships/bench/measurements?indicatorId=${indicator.id}&limit=100`,
      }
      for (const [label, url] of Object.entries(reads)) say(row(`  ${label}`, await cannon(url, readers)))
      // A different measurement each time (1,200 months), as feeds do; one hot row would measure lock waits.
      const months = Array.from(
        { length: 1200 },
        (_, i) => `${1900 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`,
      )
      const put = await cannon(`${address}/`, {
        headers: { ...headers, 'content-type': 'application/json' },
        method: 'PUT',
        body: JSON.stringify({ value: 42 }),
        paths: months.map((m) => `/partnerships/bench/measurements/${indicator.id}/${area.id}/${m}`),
      })
      say(row('  PUT measurement', put))

      say(
        `3. Twice capacity: open loop at ${Math.round(2 * capacity)} req/s on GET indicator (twice part 1's median of ${Math.round(capacity)} served/s), ${ROUNDS} rounds, /healthz probed every 100 ms`,
      )
      resetPeakRss(servicePid)
      const goodputs: number[] = []
      const p99s: number[] = []
      for (let round = 1; round <= ROUNDS; round++) {
        const health: number[] = []
        let probing = true
        const probe = (async () => {
          while (probing) {
            const start = performance.now()
            const res = await fetch(`${address}/healthz`)
            await res.arrayBuffer()
            health.push(performance.now() - start)
            await new Promise((r) => setTimeout(r, 100))
          }
        })()
        const over = await openLoop(serviceUrl, {
          headers: {},
          authorizations,
          rate: Math.round(2 * capacity),
          seconds: SECONDS,
          connections: 256,
        })
        probing = false
        await probe
        const codes = Object.entries(over.statuses)
          .map(([code, n]) => `${code}: ${n}`)
          .join(', ')
        goodputs.push(over.served.perSecond / capacity)
        p99s.push(over.served.p99)
        say(
          `  round ${round}: goodput ${Math.round(over.served.perSecond)} served/s = ${(over.served.perSecond / capacity).toFixed(2)} of capacity; served p99 ${over.served.p99} ms (p50 ${over.served.p50}, max ${over.served.max}) from when each was due; sent ${over.sent} (${codes}; errors ${over.errors}; unanswered ${over.unanswered}); /healthz p50 ${middle(health).toFixed(1)} ms, max ${Math.max(...health).toFixed(1)} ms`,
        )
      }
      say(
        `  goodput: median ${middle(goodputs).toFixed(2)} (${range(goodputs, 2)}) of capacity (goal >= 0.70 in every round); served p99 ${range(p99s, 0)} ms (goal < 250 in every round): ${goodputs.every((g) => g >= 0.7) && p99s.every((p) => p < 250) ? 'met' : 'not met'}`,
      )
      say(
        `Peak RSS of the service process during part 3 (built, with its heavy-read thread): ${peakRss(servicePid)} MiB`,
      )

      await heavyNeighbour({ address, db, admin, bearer, indicatorId: indicator.id, areaId: area.id })
      await eventsOnWrites({ address, admin })
    } finally {
      await bare.close()
    }
    // One client drives all the load here, so its rate limit is set out of reach (the check still runs).
  },
  // Part 4 runs with the heavy-read budget as deployed.
  {
    RATE_LIMIT_MAX: '1000000000',
    RATE_LIMIT_ADDRESS_MAX: '1000000000',
    HEAVY_READ_MAX: String(DEFAULT_HEAVY_READ_MAX),
  },
  { ownProcess: true, built: true },
)
