import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import t from 'tap'
import {
  buildTestApp,
  secondInstance,
  seedPartnerships,
  startService,
  testDatabase,
  type TestApp,
} from '../../helper.js'

/** Delivery on, with retries and leases short enough to watch. */
const DELIVERING = {
  WEBHOOK_DELIVERY: 'true',
  WEBHOOK_RETRY_SECONDS: '1,1',
  WEBHOOK_LEASE_SECONDS: '5',
  WEBHOOK_TIMEOUT_MS: '2000',
  JOB_POLL_SECONDS: '1',
}

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
}

/** A receiver on loopback that keeps what it was sent and answers `status` (503 while "down"). */
async function receiver(t: Parameters<typeof buildTestApp>[0]) {
  const state = { status: 204, received: [] as Received[], answered: [] as number[] }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      state.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() })
      state.answered.push(state.status)
      res.writeHead(state.status, { 'content-type': 'text/plain' }).end(state.status < 300 ? '' : 'down\u0000 for now')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return { state, url }
}

async function setup(t: Parameters<typeof buildTestApp>[0], env: Record<string, string> = DELIVERING) {
  const ctx = await buildTestApp(t, env)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const admin = await ctx.as('admin', 'alpha')
  const post = async (url: string, payload: object, headers = admin) =>
    ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers, payload })
  await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  await post('indicators', {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  return { ctx, admin, post }
}

/** A bulk upload of one NI 20 figure for Boston: one measurements.received event. */
const upload = (ctx: TestApp, headers: Record<string, string>, period: string, value: number | string) =>
  ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/measurements/bulk',
    headers,
    payload: [{ indicator: 'NI 20', area: 'E07000136', period, value }],
  })

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

t.test('a subscription: signed deliveries in order, held while the receiver is down, sent once each', async (t) => {
  const { ctx, admin, post } = await setup(t)
  const hook = await receiver(t)
  const created = await post('webhooks', {
    url: hook.url,
    eventTypes: ['measurements.received'],
    description: 'County data warehouse',
  })
  t.equal(created.statusCode, 201, created.body)
  const subscription = created.json()
  t.match(subscription.secret, /^whsec_/, 'the secret is shown once, on creation')
  const read = await ctx.app.inject({ url: `/partnerships/alpha/webhooks/${subscription.id}`, headers: admin })
  t.notOk('secret' in read.json(), 'and never again')

  t.equal((await upload(ctx, admin, '2010-04', 31)).statusCode, 200)
  await until('the first delivery', () => hook.state.received[0])
  const [first] = hook.state.received
  const signed = new Webhook(subscription.secret).verify(first!.body, {
    'webhook-id': String(first!.headers['webhook-id']),
    'webhook-timestamp': String(first!.headers['webhook-timestamp']),
    'webhook-signature': String(first!.headers['webhook-signature']),
  }) as { type: string; data: Record<string, unknown> }
  t.match(signed, { type: 'measurements.received', data: { inserted: 1, updated: 0, refused: 0 } })
  t.throws(
    () =>
      new Webhook(`whsec_${Buffer.from('another secret, 24 bytes').toString('base64')}`).verify(first!.body, {
        'webhook-id': String(first!.headers['webhook-id']),
        'webhook-timestamp': String(first!.headers['webhook-timestamp']),
        'webhook-signature': String(first!.headers['webhook-signature']),
      }),
    'the signature is the secret holder’s only',
  )

  // Down: the next event is retried, and the one after waits behind it.
  hook.state.status = 503
  t.equal((await upload(ctx, admin, '2010-05', 28)).statusCode, 200)
  t.equal((await upload(ctx, admin, '2010-06', 27)).statusCode, 200)
  await until('a refused attempt', () => (hook.state.answered.includes(503) ? true : undefined))
  hook.state.status = 204
  await until('both held events', () => (hook.state.answered.filter((s) => s === 204).length >= 3 ? true : undefined))
  await new Promise((r) => setTimeout(r, 1500))

  const delivered = hook.state.received.filter((_, i) => hook.state.answered[i] === 204)
  const periodsSent = delivered.map((r) => (JSON.parse(r.body) as { data: { inserted: number } }).data)
  t.equal(delivered.length, 3, 'each event is delivered once')
  t.equal(new Set(delivered.map((r) => r.headers['webhook-id'])).size, 3)
  const events = (await ctx.app.inject({ url: '/partnerships/alpha/events', headers: admin })).json()
  t.same(
    delivered.map((r) => r.headers['webhook-id']),
    events.items.filter((e: { type: string }) => e.type === 'measurements.received').map((e: { id: string }) => e.id),
    'in the order the events happened',
  )
  t.equal(periodsSent.length, 3)
  const retried = hook.state.received.filter((_, i) => hook.state.answered[i] === 503)
  t.ok(
    retried.every((r) => r.headers['webhook-id'] === delivered[1]!.headers['webhook-id']),
    'only the oldest waiting event is tried while the receiver is down',
  )

  const deliveries = await ctx.app.inject({
    url: `/partnerships/alpha/webhooks/${subscription.id}/deliveries`,
    headers: admin,
  })
  t.equal(deliveries.statusCode, 200)
  const [, second] = deliveries.json().items as Array<{ status: string; attemptCount: number; attempts: object[] }>
  t.match(second, { status: 'delivered' })
  t.ok(second!.attemptCount >= 2, 'the held one lists its failed attempts')
  t.match(second!.attempts[0], { status: 503, body: 'down for now', error: null })

  // Another partnership sees nothing of it.
  const beta = await ctx.as('admin', 'beta')
  t.equal(
    (await ctx.app.inject({ url: `/partnerships/beta/webhooks/${subscription.id}`, headers: beta })).statusCode,
    404,
  )
  t.same((await ctx.app.inject({ url: '/partnerships/beta/events', headers: beta })).json().items, [])
})

t.test('a write that is refused raises no event', async (t) => {
  const { ctx, admin } = await setup(t, {})
  const refused = await upload(ctx, admin, '2010-04', -1)
  t.equal(refused.statusCode, 422)
  const { rows } = await ctx.pool.query('select count(*)::int as n from outbox_event')
  t.equal(rows[0].n, 0, 'the rolled-back bulk write left no event behind')
  t.equal((await upload(ctx, admin, '2010-04', 31)).statusCode, 200)
  const feed = await ctx.app.inject({ url: '/partnerships/alpha/events', headers: await ctx.as('viewer', 'alpha') })
  t.equal(feed.json().items.length, 1)
})

t.test('the events feed: a cursor, types, and nothing new after the last', async (t) => {
  const { ctx, admin } = await setup(t, {})
  for (const [period, value] of [
    ['2010-04', 31],
    ['2010-05', 28],
    ['2010-06', 27],
  ] as const)
    await upload(ctx, admin, period, value)
  const viewer = await ctx.as('viewer', 'alpha')
  const feed = (q: string) => ctx.app.inject({ url: `/partnerships/alpha/events${q}`, headers: viewer })
  const page1 = (await feed('?limit=2')).json()
  t.equal(page1.items.length, 2)
  const page2 = (await feed(`?after=${page1.next}&limit=2`)).json()
  t.equal(page2.items.length, 1)
  t.not(page2.items[0].id, page1.items[1].id)
  const idle = (await feed(`?after=${page2.next}`)).json()
  t.same(idle, { items: [], next: page2.next }, 'nothing new: the cursor sent comes back')
  t.same((await feed('?type=bid.decided')).json().items, [])
  t.equal((await feed('?after=not-a-cursor')).statusCode, 400)
  t.equal((await feed('?type=made.up')).statusCode, 400)
})

t.test('receivers on private networks are refused (SSRF)', async (t) => {
  const { post } = await setup(t, {})
  for (const url of [
    'http://10.0.0.5/hook',
    'https://169.254.169.254/latest/meta-data/',
    'https://192.168.1.10/',
    'https://[fd00::1]/',
    'https://[::ffff:10.0.0.1]/',
    'ftp://example.org/',
    'https://user:pass@example.org/',
  ]) {
    const res = await post('webhooks', { url, eventTypes: ['bid.decided'] })
    t.equal(res.statusCode, 422, url)
    t.equal(res.json().code, 'WEBHOOK.URL', url)
  }
  const ctx2 = await buildTestApp(t, { WEBHOOK_ALLOW_LOOPBACK: 'false' })
  await seedPartnerships(ctx2, 'alpha')
  const loopback = await ctx2.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/webhooks',
    headers: await ctx2.as('admin', 'alpha'),
    payload: { url: 'https://127.0.0.1/hook', eventTypes: ['bid.decided'] },
  })
  t.equal(loopback.statusCode, 422, 'loopback is refused where it is not allowed')
})

t.test(
  'a receiver that never answers well: the delivery fails, the subscription is disabled, and redelivered',
  async (t) => {
    const { ctx, admin, post } = await setup(t)
    const hook = await receiver(t)
    hook.state.status = 500
    const subscription = (await post('webhooks', { url: hook.url, eventTypes: ['measurements.received'] })).json()
    await upload(ctx, admin, '2010-04', 31)
    const url = `/partnerships/alpha/webhooks/${subscription.id}`
    const disabled = await until('the subscription disabled', async () => {
      const body = (await ctx.app.inject({ url, headers: admin })).json()
      return body.enabled === false ? body : undefined
    })
    t.match(disabled.disabledReason, /failed 3 times/, 'once the first attempt and both retries failed')
    t.equal(hook.state.received.length, 3)
    const audit = await ctx.app.inject({
      url: `/partnerships/alpha/audit-events?resourceType=webhook&resourceId=${subscription.id}`,
      headers: admin,
    })
    t.ok(
      audit.json().items.some((e: { actor: string }) => e.actor === 'service:webhooks'),
      'the disabling is audited as the service',
    )
    const [failed] = (await ctx.app.inject({ url: `${url}/deliveries?status=failed`, headers: admin })).json().items
    t.match(failed, { status: 'failed', attemptCount: 3 })

    hook.state.status = 200
    const again = await ctx.app.inject({
      method: 'POST',
      url: `${url}/deliveries/${failed.id}/redeliver`,
      headers: admin,
    })
    t.equal(again.statusCode, 202)
    t.match(again.json(), { status: 'pending', attemptCount: 0 })
    const etag = (await ctx.app.inject({ url, headers: admin })).headers.etag as string
    const enabled = await ctx.app.inject({
      method: 'PATCH',
      url,
      headers: { ...admin, 'if-match': etag },
      payload: { enabled: true },
    })
    t.equal(enabled.statusCode, 200, enabled.body)
    t.match(enabled.json(), { enabled: true, disabledReason: null })
    await until('the redelivery', () => (hook.state.answered.includes(200) ? true : undefined))
    const ids = new Set(hook.state.received.map((r) => r.headers['webhook-id']))
    t.equal(ids.size, 1, 'a redelivery carries the same webhook-id')
    t.equal(
      (await ctx.app.inject({ method: 'POST', url: `${url}/deliveries/${subscription.id}/redeliver`, headers: admin }))
        .statusCode,
      404,
    )
  },
)

t.test('two instances deliver each event once between them', async (t) => {
  const { ctx, admin, post } = await setup(t)
  await secondInstance(t, ctx, DELIVERING)
  const hook = await receiver(t)
  await post('webhooks', { url: hook.url, eventTypes: ['measurements.received'] })
  for (let month = 1; month <= 9; month++) await upload(ctx, admin, `2011-0${month}`, month)
  await until('nine deliveries', () => (hook.state.received.length >= 9 ? true : undefined))
  await new Promise((r) => setTimeout(r, 2000))
  const ids = hook.state.received.map((r) => String(r.headers['webhook-id']))
  t.equal(ids.length, 9, 'nothing sent twice')
  // The writes' events only: the hourly sweep (7 past the hour) may raise others meanwhile.
  const events = (
    await ctx.app.inject({ url: '/partnerships/alpha/events?type=measurements.received', headers: admin })
  ).json()
  t.same(
    ids,
    events.items.map((e: { id: string }) => e.id),
    'in order',
  )
})

t.test('killed mid-delivery (SIGKILL): no event is lost, and the next instance sends it again', async (t) => {
  const url = await testDatabase(t)
  const dataDir = t.testdir({})
  const env = { ...DELIVERING, WEBHOOK_LEASE_SECONDS: '2', WEBHOOK_TIMEOUT_MS: '1000' }
  let service = await startService(t, url, dataDir, env)
  // The receiver takes the first delivery and never answers it; the one after answers.
  const received: string[] = []
  const waiting: http.ServerResponse[] = []
  const server = http.createServer((req, res) => {
    received.push(String(req.headers['webhook-id']))
    req.resume()
    if (received.length === 1) waiting.push(res)
    else res.writeHead(204).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    for (const res of waiting) res.destroy()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const call = async (auth: string, route: string, body: unknown) => {
    const res = await fetch(`${service.address}${route}`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`)
    return res.json() as Promise<{ id: string }>
  }
  await call(await service.bearer({ superadmin: true }), '/partnerships', { slug: 'alpha', name: 'alpha CSP' })
  const admin = await service.bearer({ memberships: [{ partnership: 'alpha', role: 'admin' }] })
  await call(admin, '/partnerships/alpha/areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  await call(admin, '/partnerships/alpha/indicators', {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  const hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  await call(admin, '/partnerships/alpha/webhooks', { url: hookUrl, eventTypes: ['measurements.received'] })
  await call(admin, '/partnerships/alpha/measurements/bulk', [
    { indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 31 },
  ])
  await until('the delivery under way', () => received[0])
  await service.kill('SIGKILL')
  service = await startService(t, url, dataDir, env)
  await until('the delivery sent again', () => received[1], 40_000)
  t.equal(received[1], received[0], 'the same event, with the same webhook-id: the receiver can tell')
  // Only the write's own events: the hourly sweep (7 past the hour) may raise others meanwhile.
  const deliveries = await fetch(`${service.address}/partnerships/alpha/events?type=measurements.received`, {
    headers: { authorization: admin },
  })
  t.equal(((await deliveries.json()) as { items: unknown[] }).items.length, 1, 'one event, not two')
})
