import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { sql } from 'kysely'
import t from 'tap'
import { buildTestApp, seedPartnerships, type TestApp } from '../../helper.js'

async function setup(t: Parameters<typeof buildTestApp>[0], env: Record<string, string>, poolMax = 4) {
  const ctx = await buildTestApp(t, env, poolMax)
  await seedPartnerships(ctx, 'alpha', 'beta')
  for (const slug of ['alpha', 'beta']) {
    const admin = await ctx.as('admin', slug)
    await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/areas`,
      headers: admin,
      payload: { name: 'Boston', type: 'district', code: 'E07000136' },
    })
    await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/indicators`,
      headers: admin,
      payload: {
        reference: 'NI 20',
        name: 'Assault with less serious injury',
        unit: 'count',
        polarity: 'lower_better',
        frequency: 'monthly',
        aggregation: 'sum',
      },
    })
  }
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = ctx.app.server.address() as AddressInfo
  return { ctx, port }
}

interface Upload {
  request: http.ClientRequest
  answer: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>
}

/** A bulk upload over real HTTP that sends `first` and then nothing more until told. */
function stalledUpload(port: number, authorization: string, first: string, slug = 'alpha'): Upload {
  const request = http.request({
    port,
    host: '127.0.0.1',
    method: 'POST',
    path: `/partnerships/${slug}/measurements/bulk`,
    headers: { authorization, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
  })
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    request.on('response', (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    request.on('error', reject)
  })
  request.flushHeaders()
  request.write(first)
  return { request, answer }
}

const checkedOut = (ctx: TestApp) => ctx.pool.totalCount - ctx.pool.idleCount
const rowsOf = (n: number, from = 0) =>
  Array.from(
    { length: n },
    (_, i) =>
      `NI 20,E07000136,${1900 + Math.floor((from + i) / 12)}-${String(((from + i) % 12) + 1).padStart(2, '0')},${i % 50}`,
  ).join('\n')

t.test('uploads that stall hold no database connection: other partnerships are served meanwhile', async (t) => {
  const { ctx, port } = await setup(t, {
    BULK_CONCURRENCY: '12',
    BULK_CONCURRENCY_PER_CLIENT: '12',
    BULK_CONCURRENCY_PER_PARTNERSHIP: '12',
    BULK_IDLE_TIMEOUT_MS: '5000',
  })
  const officer = `Bearer ${await ctx.token({ memberships: [{ partnership: 'alpha', role: 'officer' }], sub: 'slow-feed' })}`
  // Ten uploads, more than the pool's four connections, each sending its CSV header and then nothing.
  const stalled = Array.from({ length: 10 }, () => stalledUpload(port, officer, 'indicator,area,period,value\n'))
  // Each upload reads the partnership's names once, briefly; then none holds a connection while it waits.
  // Polled, not slept: on a loaded machine those reads take longer (the stall lasts five seconds).
  const settled = Date.now() + 3000
  while (checkedOut(ctx) > 0 && Date.now() < settled) await new Promise((r) => setTimeout(r, 50))
  t.equal(checkedOut(ctx), 0, 'no connection is held for a body that has not arrived')
  const beta = await ctx.as('viewer', 'beta')
  const reads: number[] = []
  for (let i = 0; i < 20; i++)
    reads.push((await fetch(`http://127.0.0.1:${port}/partnerships/beta/areas`, { headers: beta })).status)
  t.same(reads, Array(20).fill(200), 'reads of another partnership are all served')

  const answers = await Promise.all(stalled.map((u) => u.answer))
  t.same(
    answers.map((a) => a.status),
    Array(10).fill(408),
    'each stalled upload ends with 408 after the idle time',
  )
  t.match(answers[0]!.headers['content-type'], 'application/problem+json')
  t.equal(answers[0]!.headers.connection, 'close')
  t.equal(JSON.parse(answers[0]!.body).code, 'REQUEST.TIMEOUT')
})

t.test('an upload that stalls half-way is rolled back and gives its connection back', async (t) => {
  const { ctx, port } = await setup(t, { BULK_IDLE_TIMEOUT_MS: '1000' })
  const officer = `Bearer ${await ctx.token({ memberships: [{ partnership: 'alpha', role: 'officer' }], sub: 'half-feed' })}`
  // More than one write chunk (20,000 rows), so a transaction is open when the body stops.
  const upload = stalledUpload(port, officer, `indicator,area,period,value\n${rowsOf(25_000)}\n`)
  await new Promise((r) => setTimeout(r, 600))
  const answer = await upload.answer
  t.equal(answer.status, 408)
  t.equal(checkedOut(ctx), 0, 'the connection is back in the pool')
  const stored = Number((await sql<{ n: number }>`select count(*) as n from measurement`.execute(ctx.db)).rows[0]!.n)
  t.equal(stored, 0, 'nothing of the stalled batch was written')
})

t.test('uploads at once are capped per client (429) and per instance (503), with Retry-After', async (t) => {
  const { ctx, port } = await setup(t, {
    BULK_CONCURRENCY: '3',
    BULK_CONCURRENCY_PER_CLIENT: '2',
    BULK_CONCURRENCY_PER_PARTNERSHIP: '3',
    BULK_IDLE_TIMEOUT_MS: '1500',
  })
  const as = async (sub: string) =>
    `Bearer ${await ctx.token({ memberships: [{ partnership: 'alpha', role: 'officer' }], sub })}`
  const a = await as('feed-a')
  const running = [
    stalledUpload(port, a, 'indicator,area,period,value\n'),
    stalledUpload(port, a, 'indicator,area,period,value\n'),
  ]
  await new Promise((r) => setTimeout(r, 200))
  const third = await fetch(`http://127.0.0.1:${port}/partnerships/alpha/measurements/bulk`, {
    method: 'POST',
    headers: { authorization: a, 'content-type': 'text/csv' },
    body: 'indicator,area,period,value\n',
  })
  t.equal(third.status, 429, "a client's third upload at once")
  t.equal(third.headers.get('retry-after'), '5')
  t.equal(((await third.json()) as { code: string }).code, 'UPLOAD.CLIENT_BUSY')
  running.push(stalledUpload(port, await as('feed-b'), 'indicator,area,period,value\n'))
  await new Promise((r) => setTimeout(r, 200))
  const fourth = await fetch(`http://127.0.0.1:${port}/partnerships/alpha/measurements/bulk`, {
    method: 'POST',
    headers: { authorization: await as('feed-c'), 'content-type': 'text/csv' },
    body: 'indicator,area,period,value\n',
  })
  t.equal(fourth.status, 503, "the instance's fourth upload at once")
  t.equal(fourth.headers.get('retry-after'), '5')
  t.equal(((await fourth.json()) as { code: string }).code, 'UPLOAD.BUSY')
  await Promise.all(running.map((u) => u.answer))
  const after = await fetch(`http://127.0.0.1:${port}/partnerships/alpha/measurements/bulk`, {
    method: 'POST',
    headers: { authorization: a, 'content-type': 'text/csv' },
    body: `indicator,area,period,value\n${rowsOf(3)}\n`,
  })
  t.equal(after.status, 200, 'places are given back when uploads end')
})

t.test('one partnership never holds every upload slot; a trickling body is ended by the minimum rate', async (t) => {
  const { ctx, port } = await setup(t, {
    BULK_CONCURRENCY: '4',
    BULK_CONCURRENCY_PER_CLIENT: '2',
    BULK_IDLE_TIMEOUT_MS: '1000',
    BULK_MIN_BYTES_PER_SECOND: '1024',
  })
  const as = async (sub: string, slug = 'alpha') =>
    `Bearer ${await ctx.token({ memberships: [{ partnership: slug, role: 'officer' }], sub })}`
  const header = 'indicator,area,period,value\n'
  // Two feed tokens of one partnership, trickling a byte at a time.
  const held = [stalledUpload(port, await as('feed-a'), header), stalledUpload(port, await as('feed-b'), header)]
  const trickle = setInterval(() => {
    for (const u of held) u.request.write('\n')
  }, 300)
  t.teardown(() => clearInterval(trickle))
  await new Promise((r) => setTimeout(r, 200))
  const answers = held.map((u) => u.answer)
  const third = await fetch(`http://127.0.0.1:${port}/partnerships/alpha/measurements/bulk`, {
    method: 'POST',
    headers: { authorization: await as('feed-c'), 'content-type': 'text/csv' },
    body: header,
  })
  t.equal(third.status, 429, 'the partnership has its half of the slots')
  t.equal(((await third.json()) as { code: string }).code, 'UPLOAD.PARTNERSHIP_BUSY')
  const other = await fetch(`http://127.0.0.1:${port}/partnerships/beta/measurements/bulk`, {
    method: 'POST',
    headers: { authorization: await as('beta-feed', 'beta'), 'content-type': 'text/csv' },
    body: `${header}${rowsOf(2)}\n`,
  })
  t.equal(other.status, 200, 'another partnership is served meanwhile')
  // A byte every 300 ms never trips the 1 s idle limit, but is far under 1 KiB a second.
  const ended = await Promise.all(answers)
  clearInterval(trickle)
  t.same(
    ended.map((e) => e.status),
    [408, 408],
    'the trickling uploads end at the minimum rate',
  )
  t.match(JSON.parse(ended[0]!.body).detail, /slower than the 1024 an upload must keep up/)
})

t.test('a JSON array is read as it arrives: the row cap stops a huge array early', async (t) => {
  const { ctx, port } = await setup(t, {})
  const officer = await ctx.as('officer', 'alpha')
  // 32 MiB of empty rows: read whole, this took over a gigabyte of heap; streamed, the cap stops it.
  const piece = Buffer.from('{},'.repeat(21_845))
  const total = 32 * 1024 * 1024
  let pulled = 0
  const body = Readable.from(
    (function* () {
      yield Buffer.from('[')
      while (pulled < total) {
        pulled += piece.length
        yield piece
      }
      yield Buffer.from('{}]')
    })(),
  )
  const res = await fetch(`http://127.0.0.1:${port}/partnerships/alpha/measurements/bulk`, {
    method: 'POST',
    headers: { ...officer, 'content-type': 'application/json' },
    body: Readable.toWeb(body) as ReadableStream,
    duplex: 'half',
  } as RequestInit)
  t.equal(res.status, 413)
  t.equal(((await res.json()) as { code: string }).code, 'BATCH.TOO_LARGE')
  t.ok(pulled < 12 * 1024 * 1024, `stopped after ${(pulled / 2 ** 20).toFixed(1)} MiB of 32`)
})

t.test('bulk status follows the publication workflow', async (t) => {
  const { ctx } = await setup(t, {})
  const admin = await ctx.as('admin', 'alpha')
  const police = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/agencies',
      headers: admin,
      payload: { name: 'Lincolnshire Police', role: 'responsible_authority' },
    })
  ).json()
  const ni21 = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/indicators',
      headers: admin,
      payload: {
        reference: 'NI 21',
        name: 'Dealing with ASB',
        unit: 'count',
        polarity: 'lower_better',
        frequency: 'monthly',
        aggregation: 'sum',
        sourceAgencyId: police.id,
      },
    })
  ).json()
  const officer = await ctx.as('officer', 'alpha')
  const feed = await ctx.as('officer', 'alpha', {
    memberships: [{ partnership: 'alpha', role: 'officer', agency: police.id }],
    sub: 'police-feed',
  })
  const send = (headers: Record<string, string>, rows: object[], query = '') =>
    ctx.app.inject({
      method: 'POST',
      url: `/partnerships/alpha/measurements/bulk${query}`,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(rows),
    })
  const statusOf = async (period: string) =>
    await ctx.db
      .selectFrom('measurement')
      .select(['status', 'value'])
      .where('period', '=', period)
      .where('indicatorId', '=', ni21.id)
      .executeTakeFirst()

  const published = await send(feed, [
    { indicator: 'NI 21', area: 'E07000136', period: '2010-04', value: 5, status: 'published' },
  ])
  t.equal(published.statusCode, 422, 'a feed may not publish')
  t.same(published.json().errors, [
    {
      field: 'rows.1.status',
      message: 'an agency feed sends provisional figures; an officer validates and publishes them',
      value: 'published',
      line: 1,
    },
  ])
  t.equal(await statusOf('2010-04'), undefined, 'and nothing was stored')

  t.equal(
    (await send(feed, [{ indicator: 'NI 21', area: 'E07000136', period: '2010-04', value: 5, status: 'provisional' }]))
      .statusCode,
    200,
  )
  t.equal(
    (
      await send(officer, [{ indicator: 'NI 21', area: 'E07000136', period: '2010-04', value: 5, status: 'published' }])
    ).json().updated,
    1,
    'an officer publishes an unchanged value',
  )
  t.same(await statusOf('2010-04'), { status: 'published', value: '5' })
  const resent = await send(feed, [
    { indicator: 'NI 21', area: 'E07000136', period: '2010-04', value: 5, status: 'provisional' },
  ])
  t.match(resent.json(), { unchanged: 1, refused: 0 }, 'the feed re-sending the same figure changes nothing')
  t.same(await statusOf('2010-04'), { status: 'published', value: '5' }, 'and leaves it published')
  t.equal(
    (await send(feed, [{ indicator: 'NI 21', area: 'E07000136', period: '2010-04', value: 6 }])).json().updated,
    1,
  )
  t.same(
    await statusOf('2010-04'),
    { status: 'provisional', value: '6' },
    'a changed value from the feed is provisional again',
  )

  await send(officer, [{ indicator: 'NI 21', area: 'E07000136', period: '2010-05', value: 7, status: 'published' }])
  t.same(await statusOf('2010-05'), { status: 'published', value: '7' }, 'an officer may write and publish in one row')
  const back = await send(officer, [
    { indicator: 'NI 21', area: 'E07000136', period: '2010-05', value: 7, status: 'validated' },
    { indicator: 'NI 21', area: 'E07000136', period: '2010-06', value: 1 },
  ])
  t.equal(back.statusCode, 422, 'moving an unchanged value back refuses the batch')
  t.same(back.json().errors, [
    { field: 'rows.1.status', message: 'must not go back from published; send a corrected value instead' },
  ])
  t.equal(await statusOf('2010-06'), undefined, 'all or nothing')
  const partial = await send(
    officer,
    [
      { indicator: 'NI 21', area: 'E07000136', period: '2010-05', value: 7, status: 'provisional' },
      { indicator: 'NI 21', area: 'E07000136', period: '2010-06', value: 1 },
    ],
    '?mode=partial',
  )
  t.match(
    partial.json(),
    { received: 2, inserted: 1, updated: 0, unchanged: 0, refused: 1 },
    'partial: the backward row is refused, the other written',
  )
  t.same(await statusOf('2010-05'), { status: 'published', value: '7' })
})

t.test('overlapping batches written at once do not deadlock', async (t) => {
  const { ctx } = await setup(t, { BULK_CONCURRENCY_PER_CLIENT: '4', BULK_CONCURRENCY_PER_PARTNERSHIP: '4' }, 6)
  const officer = await ctx.as('officer', 'alpha')
  const post = (csv: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/measurements/bulk',
      headers: { ...officer, 'content-type': 'text/csv' },
      payload: csv,
    })
  const lines = rowsOf(1500).split('\n')
  t.equal((await post(`indicator,area,period,value\n${lines.join('\n')}\n`)).statusCode, 200)
  const statuses: number[] = []
  for (let round = 1; round <= 4; round++) {
    // The same rows, changed, in opposite orders: written as sent, each batch locked the other's next row.
    const changed = lines.map((l) => l.replace(/,(\d+)$/, (_, v: string) => `,${Number(v) + round}`))
    const forward = `indicator,area,period,value\n${changed.join('\n')}\n`
    const backward = `indicator,area,period,value\n${[...changed].reverse().join('\n')}\n`
    const answers = await Promise.all([post(forward), post(backward)])
    statuses.push(...answers.map((a) => a.statusCode))
  }
  t.same(statuses, Array(8).fill(200), 'every batch is written')
})

t.test('gzip bodies are read on the bulk path, other encodings refused (415), binary never echoed', async (t) => {
  const { gzipSync } = await import('node:zlib')
  const { ctx } = await setup(t, {})
  const officer = await ctx.as('admin', 'alpha')
  const send = (url: string, payload: Buffer | string, encoding?: string, type = 'text/csv') =>
    ctx.app.inject({
      method: 'POST',
      url: `/partnerships/alpha/${url}`,
      headers: {
        ...officer,
        'content-type': type,
        ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
      },
      payload,
    })
  const csv = `indicator,area,period,value\n${rowsOf(5)}\n`
  const zipped = await send('measurements/bulk', gzipSync(csv), 'gzip')
  t.equal(zipped.statusCode, 200, zipped.body)
  t.match(zipped.json(), { received: 5, inserted: 5 })
  const broken = await send('measurements/bulk', Buffer.from(csv), 'gzip')
  t.equal(broken.statusCode, 400, 'a body that says gzip and is not')
  t.match(broken.json(), { code: 'BATCH.MALFORMED', detail: /cannot be unpacked/ })
  const brotli = await send('measurements/bulk', Buffer.from(csv), 'br')
  t.equal(brotli.statusCode, 415)
  t.equal(brotli.json().code, 'REQUEST.ENCODING')
  const json = await send(
    'areas',
    gzipSync(JSON.stringify({ name: 'X', type: 'ward', code: 'X1' })),
    'gzip',
    'application/json',
  )
  t.equal(json.statusCode, 415, 'a JSON write is read as sent: gzip is refused, not parsed as garbage')
  t.equal(json.json().code, 'REQUEST.ENCODING')
})

t.test('a large body refused in its first rows is read to its end, so the client reads the answer', async (t) => {
  const { ctx, port } = await setup(t, {})
  const officer = await ctx.as('officer', 'alpha')
  // 32 MiB of CSV whose first row opens a quote that never closes.
  const chunk = Buffer.alloc(1 << 20, 'a')
  const start = 'indicator,area,period,value\nNI 20,"'
  const length = String(start.length + 32 * chunk.length)
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request({
      port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/partnerships/alpha/measurements/bulk',
      headers: { ...officer, 'content-type': 'text/csv', 'content-length': length },
    })
    request.on('response', (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, body }))
    })
    request.on('error', reject)
    request.write(start)
    let sent = 0
    const more = () => {
      while (sent < 32) {
        sent += 1
        if (!request.write(chunk)) return void request.once('drain', more)
      }
      request.end()
    }
    more()
  })
  t.equal(answer.status, 400, 'the answer arrives, not a reset')
  t.match(JSON.parse(answer.body), { code: 'BATCH.MALFORMED' })

  // As a client that sends its whole body before it reads anything (curl, most scripts): it reads the
  // answer only once the last byte has gone. Were the connection closed with the rest unread, the next
  // write would meet a reset and the answer would be lost with the socket.
  const whole = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.pause()
    socket.on('error', reject)
    const head = [
      'POST /partnerships/alpha/measurements/bulk HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: ${officer.authorization}`,
      'Content-Type: text/csv',
      `Content-Length: ${length}`,
      '',
      start,
    ].join('\r\n')
    socket.write(head)
    let sent = 0
    const more = () => {
      while (sent < 32) {
        sent += 1
        if (!socket.write(chunk)) return void socket.once('drain', more)
      }
      let read = ''
      socket.on('data', (c: Buffer) => (read += c.toString('latin1')))
      // The answer, once the connection has been left idle (the body read to its end, nothing more asked).
      socket.on('end', () => resolve(read))
      socket.setTimeout(2000, () => {
        socket.destroy()
        resolve(read)
      })
      socket.resume()
    }
    more()
  })
  t.match(whole, /^HTTP\/1\.1 400 /, 'a client that reads only after sending gets the answer too')
  t.match(whole, /BATCH\.MALFORMED/)
})
