/**
 * npm run bench:load
 *
 * autocannon (in its own process) against the service, three parts:
 * 1. Reading one indicator through the service (token verified, tenant checked, response serialised)
 *    side by side with a bare Fastify route doing one pg query for the same row, alternating rounds.
 * 2. Saturation on the main read and write routes: errors, 5xx and p99.
 * 3. Twice capacity, open loop: what share is shed (503/429 with Retry-After) and what is served,
 *    how fast /healthz answers meanwhile, and the process's peak RSS.
 * Uses DATABASE_URL when set, else a throwaway embedded Postgres. Options: --seconds N (per round).
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { parseArgs } from 'node:util'
import Fastify from 'fastify'
import { withBench } from './harness.js'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '32' } } })
const SECONDS = Number(values.seconds)
const CONNECTIONS = Number(values.connections)
const say = (line: string) => process.stdout.write(`${line}\n`)
const WORKER = path.resolve('bench/cannon.ts')

interface Result {
  requests: { average: number; total: number }
  latency: { p50: number; p99: number; max: number }
  errors: number
  timeouts: number
  non2xx: number
  '2xx': number
  '4xx': number
  '5xx': number
  statusCodeStats?: Record<string, { count: number }>
}

interface Load {
  headers?: Record<string, string>
  method?: 'GET' | 'PUT'
  body?: string
  rate?: number
  connections?: number
  seconds?: number
  paths?: string[]
}

function cannon(url: string, load: Load): Promise<Result> {
  const options = { url, connections: load.connections ?? CONNECTIONS, seconds: load.seconds ?? SECONDS, ...load }
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', WORKER], { maxBuffer: 1 << 24 }, (err, stdout) =>
      err ? reject(err) : resolve(JSON.parse(stdout) as Result))
    child.stdin!.end(JSON.stringify(options))
  })
}

const row = (label: string, r: Result) =>
  `${label.padEnd(34)} ${Math.round(r.requests.average).toString().padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  max ${r.latency.max} ms  ` +
  `sent ${r.requests.total}  2xx ${r['2xx']}  4xx ${r['4xx']}  5xx ${r['5xx']}  errors ${r.errors}  timeouts ${r.timeouts}`

await withBench('load', async ({ pool, address, admin, call }) => {
  const indicator = await call('POST', '/partnerships/bench/indicators', { reference: 'NI 16', name: 'Serious acquisitive crime', unit: 'count', polarity: 'lower_better', frequency: 'monthly', aggregation: 'sum' })
  const area = await call('POST', '/partnerships/bench/areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  const headers = { authorization: admin }

  // The bare route: the floor any real service is measured against.
  const bare = Fastify({ logger: false })
  bare.get('/bare/:id', async (request) => (await pool.query('select * from indicator where id = $1', [(request.params as { id: string }).id])).rows[0])
  const bareAddress = await bare.listen({ port: 0, host: '127.0.0.1' })

  let peakRss = 0
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100)
  try {
    const serviceUrl = `${address}/partnerships/bench/indicators/${indicator.id}`
    await cannon(serviceUrl, { headers, seconds: 2 }) // warm-up: JIT, pool connections, caches
    await cannon(`${bareAddress}/bare/${indicator.id}`, { seconds: 2 })
    say(`1. One indicator, service vs bare Fastify + pg (${CONNECTIONS} connections, ${SECONDS} s rounds)`)
    const ratios: number[] = []
    for (let round = 1; round <= 3; round++) {
      const b = await cannon(`${bareAddress}/bare/${indicator.id}`, {})
      const s = await cannon(serviceUrl, { headers })
      say(row(`  round ${round} bare`, b))
      say(row(`  round ${round} service`, s))
      ratios.push(s.requests.average / b.requests.average)
    }
    ratios.sort((a, b) => a - b)
    say(`  service / bare, median of 3 rounds: ${ratios[1]!.toFixed(2)} (goal >= 0.80)`)

    say('2. Saturation on the main routes')
    const reads = {
      'GET indicator': serviceUrl,
      'GET indicators (page of 100)': `${address}/partnerships/bench/indicators`,
      'GET measurements (page of 100)': `${address}/partnerships/bench/measurements?indicatorId=${indicator.id}`,
    }
    let capacity = 0
    for (const [label, url] of Object.entries(reads)) {
      const r = await cannon(url, { headers })
      if (label === 'GET indicator') capacity = r.requests.average
      say(row(`  ${label}`, r))
    }
    // A different measurement each time (1,200 months), as feeds do; one hot row would measure lock waits.
    const months = Array.from({ length: 1200 }, (_, i) => `${1950 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`)
    const put = await cannon(`${address}/`, {
      headers: { ...headers, 'content-type': 'application/json' },
      method: 'PUT',
      body: JSON.stringify({ value: 42 }),
      paths: months.map((m) => `/partnerships/bench/measurements/${indicator.id}/${area.id}/${m}`),
    })
    say(row('  PUT measurement', put))

    say(`3. Twice capacity: open loop at ${Math.round(2 * capacity)} req/s on GET indicator, /healthz probed every 100 ms`)
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
    const over = await cannon(serviceUrl, { headers, rate: Math.round(2 * capacity), connections: 256 })
    probing = false
    await probe
    health.sort((a, b) => a - b)
    say(row('  GET indicator at 2x', over))
    const codes = Object.entries(over.statusCodeStats ?? {}).map(([code, s]) => `${code}: ${s.count}`).join(', ')
    say(`  status codes: ${codes}`)
    say(`  /healthz during overload: ${health.length} probes, p50 ${health[Math.floor(health.length / 2)]!.toFixed(1)} ms, max ${health[health.length - 1]!.toFixed(1)} ms`)
    say(`Peak RSS of the service process (includes the bare server and this harness): ${Math.round(peakRss / 2 ** 20)} MiB`)
  } finally {
    clearInterval(sampler)
    await bare.close()
  }
  // One client drives all the load here, so its rate limit is set out of reach (the check still runs).
}, { RATE_LIMIT_MAX: '1000000000' })
