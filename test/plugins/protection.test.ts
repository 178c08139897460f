import type { AddressInfo } from 'node:net'
import t from 'tap'
import { Admission } from '../../src/plugins/admission.js'
import { REFUSAL_PAUSE_MS } from '../../src/plugins/protection.js'
import { loadConfig } from '../../src/config.js'
import { buildTestApp, seedPartnerships } from '../helper.js'

t.test('per-client rate limits answer 429 problem+json with the draft RateLimit headers and Retry-After', async (t) => {
  const ctx = await buildTestApp(t, { RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '60000' })
  await seedPartnerships(ctx, 'alpha')
  const first = await ctx.as('viewer')
  const statuses: number[] = []
  let last
  for (let i = 0; i < 4; i++) {
    last = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers: first })
    statuses.push(last.statusCode)
  }
  t.same(statuses, [200, 200, 200, 429], 'the fourth request in the window is refused')
  t.match(last!.headers['content-type'], 'application/problem+json')
  t.equal(last!.json().code, 'RATE.LIMITED')
  t.equal(last!.headers['ratelimit-limit'], '3')
  t.equal(last!.headers['ratelimit-remaining'], '0')
  t.ok(Number(last!.headers['retry-after']) > 0, 'says when to come back')

  const other = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/areas',
    headers: await ctx.as('officer'),
  })
  t.equal(other.statusCode, 200, 'another client has its own allowance')
  t.equal(other.headers['ratelimit-remaining'], '2')
  t.equal(other.headers['ratelimit-policy'], '"client";q=3;w=60', 'the current draft: the policy')
  t.match(other.headers.ratelimit, /^"client";r=2;t=\d+$/, 'and the state')
  t.equal((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'health is never limited')
})

t.test("a partnership's heavy reads have a budget per window: 429 RATE.HEAVY past it, others unaffected", async (t) => {
  const ctx = await buildTestApp(t, { HEAVY_READ_MAX: '2', HEAVY_READ_WINDOW_MS: '60000' })
  await seedPartnerships(ctx, 'alpha', 'beta')
  const get = async (url: string, slug = 'alpha', sub = 'a') =>
    ctx.app.inject({ method: 'GET', url, headers: await ctx.as('viewer', slug, { sub }) })
  const whole = '/partnerships/alpha/evaluation?period=2010-09'
  const statuses = [
    (await get(whole)).statusCode,
    (await get('/partnerships/alpha/reports/exceptions?period=2010-09', 'alpha', 'b')).statusCode,
  ]
  const refused = await get(whole, 'alpha', 'c')
  statuses.push(refused.statusCode)
  t.same(statuses, [200, 200, 429], "the budget is the partnership's, whoever asks and whichever heavy read")
  t.match(refused.headers['content-type'], 'application/problem+json')
  t.match(refused.json(), { code: 'RATE.HEAVY', detail: /alpha has asked for 2 heavy reads .* in 60 s/ })
  t.ok(Number(refused.headers['retry-after']) > 0, 'says when to come back')
  t.equal((await get('/partnerships/alpha/areas')).statusCode, 200, 'its other reads are not heavy')
  t.equal((await get('/partnerships/beta/evaluation?period=2010-09', 'beta')).statusCode, 200, 'beta has its own')
})

t.test('a refusal is answered after a pause, holding no place of admission meanwhile', async (t) => {
  const ctx = await buildTestApp(t, { HEAVY_READ_MAX: '1', HEAVY_READ_WINDOW_MS: '60000' })
  await seedPartnerships(ctx, 'alpha')
  const headers = await ctx.as('viewer', 'alpha')
  const whole = { method: 'GET' as const, url: '/partnerships/alpha/evaluation?period=2010-09', headers }
  t.equal((await ctx.app.inject(whole)).statusCode, 200)
  const started = performance.now()
  const answer = ctx.app.inject(whole)
  await new Promise((resolve) => setTimeout(resolve, REFUSAL_PAUSE_MS / 2))
  t.equal(ctx.app.admission.inFlight, 0, 'the refused read is not counted in flight while it waits')
  const refused = await answer
  t.equal(refused.statusCode, 429)
  t.equal(refused.json().code, 'RATE.HEAVY')
  // A lower bound only: a slow machine answers later, never sooner.
  t.ok(performance.now() - started >= REFUSAL_PAUSE_MS - 1, `answered no sooner than ${REFUSAL_PAUSE_MS} ms`)
})

t.test('requests without a valid token are rate-limited by address before any verification', async (t) => {
  const ctx = await buildTestApp(t, { RATE_LIMIT_ADDRESS_MAX: '3', RATE_LIMIT_MAX: '100' })
  await seedPartnerships(ctx, 'alpha')
  const attempts = [
    {},
    { authorization: 'Bearer not.a.token' },
    await ctx.as('viewer', 'beta'),
    { authorization: 'Bearer not.a.token' },
  ]
  const statuses = []
  const from = { remoteAddress: '10.0.0.1' }
  for (const headers of attempts)
    statuses.push(
      (await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers, ...from })).statusCode,
    )
  t.same(
    statuses,
    [401, 401, 404, 429],
    "no token, a bad one and a stranger's all count; the fourth from the address is refused",
  )
  const refused = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/areas',
    headers: await ctx.as('viewer'),
    ...from,
  })
  t.equal(refused.statusCode, 429, 'before the token is even looked at')
  t.equal(refused.json().code, 'RATE.LIMITED')
  t.ok(Number(refused.headers['retry-after']) > 0)
  const other = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/areas',
    headers: await ctx.as('viewer'),
    remoteAddress: '10.0.0.9',
  })
  t.equal(other.statusCode, 200, 'another address has its own allowance')
})

t.test(
  'admission: the instance works on at most its limit at once; more is refused at the door with 503; health stays up, readiness says so',
  async (t) => {
    const ctx = await buildTestApp(t, { MAX_IN_FLIGHT: '1' }, 1)
    await seedPartnerships(ctx, 'alpha')
    const headers = await ctx.as('viewer')
    await ctx.app.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
    const get = (path: string) => fetch(`${base}${path}`, { headers })
    t.equal(ctx.app.admission.limit, 1)
    t.equal((await get('/partnerships/alpha/areas')).status, 200) // the partnership is now cached

    const held = await ctx.pool.connect() // the pool's only connection
    const working = get('/partnerships/alpha/areas') // admitted, waits for the connection
    while (ctx.app.admission.inFlight < 1) await new Promise((r) => setTimeout(r, 5))
    const shed = await get('/partnerships/alpha/areas')
    t.equal(shed.status, 503)
    t.match(shed.headers.get('content-type'), 'application/problem+json')
    t.equal(shed.headers.get('retry-after'), '2')
    t.match(await shed.json(), {
      status: 503,
      code: 'SERVICE.OVERLOADED',
      type: 'urn:safer-partnerships:problem:service-unavailable',
    })
    t.equal((await get('/healthz')).status, 200, 'liveness is never refused')
    ctx.app.admission.tick()
    t.equal((await get('/readyz')).status, 503, 'readiness says not ready while the instance refuses load')

    held.release()
    t.equal((await working).status, 200, 'what was admitted is served')
    while (ctx.app.admission.inFlight > 0) await new Promise((r) => setTimeout(r, 5))
    ctx.app.admission.tick()
    t.equal((await get('/readyz')).status, 200, 'ready again')
    t.equal((await get('/partnerships/alpha/areas')).status, 200, 'and new requests are served')
  },
)

t.test('admission: the limit follows the queue delay', async (t) => {
  const admission = new Admission({ targetMs: 5, intervalMs: 60_000, minInFlight: 10, maxInFlight: 100 })
  t.teardown(() => admission.close())
  t.equal(admission.limit, 100, 'starts at its maximum: nothing is refused before a queue has stood')
  for (let i = 0; i < 40; i++) admission.enter()
  admission.observeWait(2)
  admission.observeWait(30)
  admission.tick()
  t.equal(admission.limit, 100, 'a burst (one request waited long, another did not) changes nothing')
  admission.observeWait(8)
  admission.observeWait(30)
  admission.tick()
  t.equal(
    admission.limit,
    36,
    'a standing queue (every wait above the target) brings it to nine tenths of what was in flight',
  )
  for (let i = 0; i < 40; i++) admission.done()
  for (let i = 0; i < 50; i++) {
    admission.observeWait(50)
    admission.tick()
  }
  t.equal(admission.limit, 10, 'never below the pool')
  for (let i = 0; i < 10; i++) admission.enter()
  t.notOk(admission.accepts(), 'full: refused')
  admission.tick()
  t.equal(admission.limit, 11, 'reached with a short queue: it rises by a tenth (at least one)')
  t.ok(admission.shedding, 'and it says it refused')
  for (let i = 0; i < 10; i++) admission.done()
  admission.tick()
  t.notOk(admission.shedding)
  t.equal(admission.limit, 11, 'not reached: it stays')
})

t.test('every API operation declares 429 and 503 in the contract', async (t) => {
  const ctx = await buildTestApp(t)
  const doc = ctx.app.swagger() as unknown as {
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
  }
  let operations = 0
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!path.startsWith('/partnerships')) continue
    for (const [method, op] of Object.entries(item)) {
      operations++
      t.ok(op.responses['429'] && op.responses['503'], `${method.toUpperCase()} ${path}`)
    }
  }
  t.ok(operations > 50, `${operations} operations checked`)
})

t.test('a blocked event loop sheds API requests (on by default) while health checks answer', async (t) => {
  t.equal(loadConfig({ NODE_ENV: 'test' }).limits.maxEventLoopDelayMs, 200, 'on by default, at 200 ms')
  const ctx = await buildTestApp(t, { MAX_EVENT_LOOP_DELAY_MS: '100' })
  // Building the app holds the loop too: wait until a sample has passed it.
  for (let i = 0; i < 50 && ctx.app.admission.pressure(); i++) await new Promise((r) => setTimeout(r, 100))
  await seedPartnerships(ctx, 'alpha')
  const viewer = await ctx.as('viewer', 'alpha')
  // Work that holds the loop, as one request drawing thousands of points once did, until a sample sees it.
  let shed: { statusCode: number; json(): { code: string } } | undefined
  for (let i = 0; i < 20 && shed === undefined; i++) {
    const until = Date.now() + 400
    while (Date.now() < until);
    await new Promise((r) => setTimeout(r, 5))
    const res = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers: viewer })
    if (res.statusCode === 503) shed = res
  }
  t.ok(shed, 'an API request is refused while the loop lags')
  t.equal(shed?.json().code, 'SERVICE.OVERLOADED')
  t.equal((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'liveness still answers')
})
