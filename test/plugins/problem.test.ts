import net, { type AddressInfo } from 'node:net'
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createPool } from '../../src/db/client.js'
import { loadOrCreateDevKey } from '../../src/plugins/keys.js'
import { fillPath } from '../contract/fixtures.js'
import { ABSENT, buildTestApp, furnish, seedPartnerships, signWith } from '../helper.js'

t.test('an unexpected error is a 500 problem without internals', async (t) => {
  const ctx = await buildTestApp(t)
  // A route that fails the way a bug would, leaking a secret in its message.
  const app = await buildApp({ config: ctx.config, pool: ctx.pool })
  app.get('/boom', { config: { access: { scope: 'public' } } }, async () => {
    throw new Error('password=hunter2 at postgres://admin:secret@db')
  })
  await app.ready()
  t.teardown(() => app.close())
  const boom = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'r-2' } })
  t.equal(boom.statusCode, 500)
  t.match(boom.headers['content-type'], 'application/problem+json')
  t.equal(boom.json().requestId, boom.headers['x-request-id'], 'the request id lets support find the log line')
  t.not(boom.json().requestId, 'r-2', "and is the service's own, not the one the client sent")
  t.equal(boom.headers['x-correlation-id'], 'r-2', 'which comes back as the correlation id')
  t.notMatch(boom.body, /hunter2|secret|postgres:/, 'no internals in the answer')
})

t.test('an unreachable database answers 503 with Retry-After, never hangs', async (t) => {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: t.testdir({}),
    DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    WEBHOOK_DELIVERY: 'false',
    // Building the app holds the loop: shedding on that would answer before the database is asked.
    MAX_EVENT_LOOP_DELAY_MS: '0',
  })
  const pool = createPool({
    connectionString: config.databaseUrl!,
    max: 2,
    connectTimeoutMs: 500,
    statementTimeoutMs: 1000,
  })
  const app = await buildApp({ config, pool })
  t.teardown(async () => {
    await app.close()
    await pool.end()
  })
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.headers['retry-after'], '5')
  t.match(ready.headers['content-type'], 'application/problem+json')
  t.equal(
    (await app.inject({ method: 'GET', url: '/healthz' })).statusCode,
    200,
    'liveness does not depend on the database',
  )
  const token = await signWith(await loadOrCreateDevKey(config.auth.devKeyFile), config, {
    memberships: [{ partnership: 'alpha', role: 'viewer' }],
  })
  const data = await app.inject({
    method: 'GET',
    url: '/partnerships/alpha/areas',
    headers: { authorization: `Bearer ${token}` },
  })
  t.equal(data.statusCode, 503, 'a data route answers 503 too')
  t.equal(data.headers['retry-after'], '5')
  t.equal(data.json().code, 'DATABASE.UNAVAILABLE')
})

t.test('a deadlock or serialization failure is 503 with Retry-After, never 500', async (t) => {
  const ctx = await buildTestApp(t)
  const app = await buildApp({ config: ctx.config, pool: ctx.pool })
  for (const code of ['40P01', '40001']) {
    app.get(`/crossed/${code}`, { config: { access: { scope: 'public' } } }, async () => {
      throw Object.assign(new Error('deadlock detected'), { code })
    })
  }
  await app.ready()
  t.teardown(() => app.close())
  for (const code of ['40P01', '40001']) {
    const res = await app.inject({ method: 'GET', url: `/crossed/${code}` })
    t.equal(res.statusCode, 503, code)
    t.equal(res.headers['retry-after'], '1')
    t.equal(res.json().code, 'DATABASE.CONFLICT')
  }
})

t.test('a duplicate names its fields in words', async (t) => {
  const { constraintProblem } = await import('../../src/modules/resource/resource.service.js')
  const many = constraintProblem(
    { code: '23505', constraint: 'target_partnership_id_indicator_id_area_id_period_key' },
    'target',
    'target',
    'write',
  )!
  t.equal(many.message, 'Another target already has this indicator, area and period.')
  t.same(
    many.errors?.map((e) => e.field),
    ['body.indicatorId', 'body.areaId', 'body.period'],
  )
  const one = constraintProblem({ code: '23505', constraint: 'area_partnership_id_code_key' }, 'area', 'area', 'write')!
  t.equal(one.message, 'Another area already has this code.')
})

t.test('what Node refuses before Fastify sees a request is answered as problem+json', async (t) => {
  const ctx = await buildTestApp(t)
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = ctx.app.server.address() as AddressInfo
  const raw = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end(text))
      let answer = ''
      socket.on('data', (c) => (answer += c))
      socket.on('end', () => resolve(answer))
      socket.on('error', reject)
    })
  const garbage = await raw('NOT HTTP AT ALL\r\n\r\n')
  t.match(garbage, /^HTTP\/1.1 400 /)
  t.match(garbage, /content-type: application\/problem\+json/i)
  t.match(JSON.parse(garbage.split('\r\n\r\n')[1]!), {
    status: 400,
    code: 'REQUEST.MALFORMED',
    type: 'urn:safer-partnerships:problem:bad-request',
  })
  const huge = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.match(huge, /^HTTP\/1.1 431 /)
  t.match(JSON.parse(huge.split('\r\n\r\n')[1]!), { status: 431, code: 'REQUEST.HEADERS_TOO_LARGE' })
})

t.test('a known path asked with a method it does not take is 405 with Allow; an unknown path stays 404', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const headers = await ctx.as('admin', 'alpha')
  const put = await ctx.app.inject({ method: 'PUT', url: '/partnerships/alpha/areas', headers, payload: {} })
  t.equal(put.statusCode, 405)
  t.equal(put.headers.allow, 'GET, HEAD, POST', 'the methods the collection takes')
  t.match(put.headers['content-type'], /^application\/problem\+json/)
  t.match(put.json(), { status: 405, code: 'ROUTE.METHOD_NOT_ALLOWED', detail: /takes GET, HEAD, POST, not PUT/ })
  const record = await ctx.app.inject({
    method: 'POST',
    url: `/partnerships/alpha/areas/${ABSENT}`,
    headers,
    payload: {},
  })
  t.equal(record.statusCode, 405, 'a path with an id in it too')
  t.match(record.headers.allow, /\bDELETE\b.*\bGET\b.*\bPATCH\b/)
  const unknown = await ctx.app.inject({ method: 'PUT', url: '/partnerships/alpha/nothing-here', headers })
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'ROUTE.NOT_FOUND')
  t.equal(unknown.headers.allow, undefined)
})

t.test('an Accept the operation cannot answer is 406; every type an operation declares is answered', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const ids = await furnish(ctx, 'alpha')
  const headers = await ctx.as('admin', 'alpha')
  const get = (url: string, accept: string) =>
    ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/${url}`, headers: { ...headers, accept } })
  const gif = await get('areas', 'image/gif')
  t.equal(gif.statusCode, 406)
  t.match(gif.json(), { code: 'REQUEST.NOT_ACCEPTABLE', detail: /application\/json/ })
  t.equal((await get('areas', 'text/csv;q=0, application/*')).statusCode, 200, 'a wildcard of the type takes JSON')
  t.equal((await get('areas', 'application/json;q=0')).statusCode, 406, 'q=0 refuses')
  t.equal((await get('areas', 'text/html, */*;q=0.8')).statusCode, 200, 'what a browser sends')
  const probe = await ctx.app.inject({ method: 'GET', url: '/healthz', headers: { accept: 'text/plain' } })
  t.equal(probe.statusCode, 200, "a load balancer's probe is answered whatever it accepts")
  const chart = `indicators/${ids.indicator}/chart.svg?areaId=${ids.area}&from=2010-04&to=2010-09`
  t.equal((await get(chart, 'application/json')).statusCode, 406, 'an SVG is not JSON')
  t.equal((await get(chart, 'image/*')).statusCode, 200)
  // Every GET of the contract, asked for each media type its 2xx answer declares, is not refused for it.
  const spec = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>
  }
  let asked = 0
  for (const [path, methods] of Object.entries(spec.paths)) {
    const op = methods.get
    if (op === undefined) continue
    const url = fillPath(path, 'alpha', ids)
    const types = Object.entries(op.responses)
      .filter(([status]) => status.startsWith('2'))
      .flatMap(([, r]) => Object.keys(r.content ?? { 'application/json': null }))
    for (const type of types) {
      asked += 1
      const res = await ctx.app.inject({ method: 'GET', url, headers: { ...headers, accept: type } })
      t.not(res.statusCode, 406, `GET ${path} with Accept: ${type}`)
    }
  }
  t.ok(asked > 100, `${asked} operations and types asked`)
})
