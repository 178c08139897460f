import t from 'tap'
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

  const other = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers: await ctx.as('officer') })
  t.equal(other.statusCode, 200, 'another client has its own allowance')
  t.equal(other.headers['ratelimit-remaining'], '2')
  t.equal((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'health is never limited')
})

t.test('with the database queue full, new requests are shed with 503 and Retry-After; queued ones finish; health stays up', async (t) => {
  const ctx = await buildTestApp(t, { DB_QUEUE_MAX: '1' }, 1)
  await seedPartnerships(ctx, 'alpha')
  const headers = await ctx.as('viewer')
  await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers }) // the partnership is now cached

  const held = await ctx.pool.connect() // the pool's only connection
  const queued = [0, 1].map(() => ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers }))
  while (ctx.pool.waitingCount < 2) await new Promise((r) => setTimeout(r, 5))
  const shed = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers })
  t.equal(shed.statusCode, 503)
  t.match(shed.headers['content-type'], 'application/problem+json')
  t.equal(shed.json().code, 'SERVICE.OVERLOADED')
  t.equal(shed.headers['retry-after'], '2')
  t.equal((await ctx.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'liveness is not shed')

  held.release()
  t.same((await Promise.all(queued)).map((r) => r.statusCode), [200, 200], 'what was already queued is served')
  t.equal((await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers })).statusCode, 200, 'and then new requests again')
})

t.test('every API operation declares 429 and 503 in the contract', async (t) => {
  const ctx = await buildTestApp(t)
  const doc = ctx.app.swagger() as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
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
