import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { sql } from 'kysely'
import t from 'tap'
import { allPages, buildTestApp, seedPartnerships, type TestApp } from '../../helper.js'

async function setup(t: Parameters<typeof buildTestApp>[0], env: Record<string, string> = {}) {
  const ctx = await buildTestApp(t, env)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const admin = await ctx.as('admin', 'alpha')
  const officer = await ctx.as('officer', 'alpha')
  const post = async (url: string, payload: object, headers = admin) =>
    (await ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers, payload })).json()
  const police = await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' })
  const fire = await post('agencies', { name: 'Lincolnshire Fire and Rescue', role: 'responsible_authority' })
  const boston = await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  const eastLindsey = await post('areas', { name: 'East Lindsey', type: 'district', code: 'E07000137' })
  const ni20 = await post('indicators', {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    sourceAgencyId: police.id,
  })
  const arson = await post('indicators', {
    reference: 'NI 33(i)',
    name: 'Primary arson',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    sourceAgencyId: fire.id,
  })
  const marac = await post('indicators', {
    reference: 'MARAC',
    name: 'MARAC repeat rate',
    unit: 'percentage',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'ratio_of_sums',
    decimalPlaces: 1,
  })
  return { ctx, admin, officer, police, fire, boston, eastLindsey, ni20, arson, marac }
}

const bulk = (
  ctx: TestApp,
  headers: Record<string, string>,
  payload: string | object,
  contentType = 'application/json',
  query = '',
) =>
  ctx.app.inject({
    method: 'POST',
    url: `/partnerships/alpha/measurements/bulk${query}`,
    headers: { ...headers, 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  })

t.test('one measurement: create, re-send, revise, history, status', async (t) => {
  const { ctx, officer, boston, ni20, marac } = await setup(t)
  const url = `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04`
  const created = await ctx.app.inject({
    method: 'PUT',
    url,
    headers: officer,
    payload: { value: 31, source: 'Police monthly return' },
  })
  t.equal(created.statusCode, 201)
  t.match(created.json(), {
    period: '2010-04',
    periodStart: '2010-04-01',
    periodEnd: '2010-04-30',
    value: '31',
    status: 'provisional',
    revision: 1,
    sentBy: 'officer@alpha',
  })
  const same = await ctx.app.inject({ method: 'PUT', url, headers: officer, payload: { value: '31.0' } })
  t.equal(same.statusCode, 200, 're-sending the same value')
  t.equal(same.json().revision, 1, 'creates no revision')
  const revised = await ctx.app.inject({
    method: 'PUT',
    url,
    headers: await ctx.as('admin', 'alpha'),
    payload: { value: 29 },
  })
  t.match(revised.json(), { value: '29', revision: 2, sentBy: 'admin@alpha' })
  const history = await ctx.app.inject({ method: 'GET', url: `${url}/revisions`, headers: officer })
  t.same(
    history.json().items.map((r: { value: string; sentBy: string }) => `${r.value} by ${r.sentBy}`),
    ['29 by admin@alpha', '31 by officer@alpha'],
    'the old value is kept with who sent it',
  )

  const noIfMatch = await ctx.app.inject({ method: 'PATCH', url, headers: officer, payload: { status: 'validated' } })
  t.equal(noIfMatch.statusCode, 428)
  const validated = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...officer, 'if-match': revised.headers.etag as string },
    payload: { status: 'validated' },
  })
  t.equal(validated.statusCode, 200)
  t.equal(validated.json().status, 'validated')
  const back = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...officer, 'if-match': '*' },
    payload: { status: 'provisional' },
  })
  t.equal(back.statusCode, 422, 'status does not go back')
  const newValue = await ctx.app.inject({ method: 'PUT', url, headers: officer, payload: { value: 30 } })
  t.equal(newValue.json().status, 'provisional', 'a new value is provisional again')

  const ratio = await ctx.app.inject({
    method: 'PUT',
    url: `/partnerships/alpha/measurements/${marac.id}/${boston.id}/2008-04`,
    headers: officer,
    payload: { numerator: 79, denominator: 167 },
  })
  t.match(
    ratio.json(),
    { value: '47.305389', numerator: '79', denominator: '167' },
    'seed 003 MARAC: 79 of 167 is 47.3%',
  )

  const refusals: Array<[string, object, string, number, string]> = [
    ['negative count', { value: -3 }, '2010-05', 400, 'body.value'],
    ['fractional count', { value: 2.5 }, '2010-05', 400, 'body.value'],
    ['quarter for a monthly indicator', { value: 3 }, '2010-Q2', 400, 'params.period'],
    ['unknown field', { value: 3, colour: 'red' }, '2010-05', 400, 'body.colour'],
  ]
  for (const [name, payload, period, status, field] of refusals) {
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/${period}`,
      headers: officer,
      payload,
    })
    t.equal(res.statusCode, status, name)
    t.equal(res.json().errors?.[0]?.field, field, `${name} names ${field}`)
  }
  const absent = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2011-01`,
    headers: officer,
  })
  t.equal(absent.statusCode, 404)
})

t.test(
  'one measurement honours If-Match on PUT (412 when stale or absent) and If-None-Match on GET (304)',
  async (t) => {
    const { ctx, officer, boston, ni20 } = await setup(t)
    const url = `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-05`
    const put = (value: number, ifMatch?: string) =>
      ctx.app.inject({
        method: 'PUT',
        url,
        headers: { ...officer, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
        payload: { value },
      })
    t.equal((await put(40, '*')).statusCode, 412, 'If-Match: * where there is no figure yet')
    const created = await put(40)
    t.equal(created.statusCode, 201)
    const etag = created.headers.etag as string
    const stale = await put(41, '"99"')
    t.equal(stale.statusCode, 412, 'a stale ETag does not write')
    t.equal(stale.json().code, 'PRECONDITION.FAILED')
    t.equal((await ctx.app.inject({ method: 'GET', url, headers: officer })).json().value, '40', 'nothing written')
    const current = await put(42, etag)
    t.equal(current.statusCode, 200, 'the current ETag writes')
    t.equal(current.json().revision, 2)
    t.equal((await put(43, etag)).statusCode, 412, 'the ETag it replaced is stale now')
    const fresh = current.headers.etag as string
    const cached = await ctx.app.inject({ method: 'GET', url, headers: { ...officer, 'if-none-match': fresh } })
    t.equal(cached.statusCode, 304)
    t.equal(cached.body, '')
    const old = await ctx.app.inject({ method: 'GET', url, headers: { ...officer, 'if-none-match': etag } })
    t.equal(old.statusCode, 200, 'an old ETag reads the figure')
  },
)

t.test('a reversed range of measurements is 400, as everywhere else', async (t) => {
  const { ctx, officer } = await setup(t)
  for (const url of ['measurements?from=2011-01&to=2010-01', 'measurements/export?from=2011-01-01&to=2010-12-31']) {
    const res = await ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/${url}`, headers: officer })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().code, 'MEASUREMENT.RANGE')
  }
})

t.test('measurements sort latest first and are searched by source, a page at a time and as CSV', async (t) => {
  const { ctx, admin, boston, ni20 } = await setup(t)
  const months = ['2010-04', '2010-05', '2010-06', '2010-07', '2010-08']
  const sent = await bulk(
    ctx,
    admin,
    months.map((period, i) => ({
      indicator: ni20.id,
      area: boston.id,
      period,
      value: 30 + i,
      source: i % 2 === 0 ? 'Lincolnshire Police crime system' : 'Analyst spreadsheet',
    })),
  )
  t.equal(sent.statusCode, 200, sent.body)
  const walk = async (query: string) =>
    (await allPages<{ period: string }>(ctx.app, `/partnerships/alpha/measurements?limit=2&${query}`, admin)).map(
      (m) => m.period,
    )
  t.same(await walk(''), months, 'earliest first by default')
  t.same(await walk('sort=-period'), [...months].reverse(), 'sort=-period: latest first, across pages')
  t.same(await walk('q=POLICE'), ['2010-04', '2010-06', '2010-08'], 'q: the source contains it, any case')
  t.same(await walk('q=police&sort=-period&from=2010-05'), ['2010-08', '2010-06'], 'with the other filters')
  const csv = await ctx.app.inject({
    url: '/partnerships/alpha/measurements?sort=-period&q=spreadsheet',
    headers: { ...admin, accept: 'text/csv' },
  })
  t.same(
    csv.body
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((line) => /20\d\d-\d\d/.exec(line)?.[0]),
    ['2010-07', '2010-05'],
    'the CSV takes the same sort and search',
  )
})

t.test('a bulk row refused for its period is named like every other refused row', async (t) => {
  const { ctx, officer } = await setup(t)
  const res = await bulk(ctx, officer, 'indicator,area,period,value\nNI 20,E07000136,1850,3\n', 'text/csv')
  t.equal(res.statusCode, 422)
  t.match(res.json().errors, [{ field: 'rows.1.period', value: '1850', line: 2, message: /between 1900 and 2200/ }])
})

t.test('bulk: all-or-nothing, partial, counts, idempotent replay', async (t) => {
  const { ctx, officer, boston, eastLindsey, ni20 } = await setup(t)
  const good = [
    { indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 31 },
    { indicator: ni20.id, area: eastLindsey.id, period: '2010-04', value: 64 },
  ]
  const bad = [
    ...good,
    { indicator: 'NI 99', area: 'E07000136', period: '2010-04', value: 1 },
    { indicator: 'NI 20', area: 'E07000136', period: '2010-05', value: -1 },
    { indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 31 },
    { indicator: 'NI 20', area: 'E07000136', period: '2010-06', value: 1, colour: 'red' },
  ]
  const refused = await bulk(ctx, officer, bad)
  t.equal(refused.statusCode, 422, 'one bad row refuses the batch')
  t.match(refused.headers['content-type'], 'application/problem+json')
  t.same(
    refused.json().errors,
    [
      { field: 'rows.3.indicator', message: 'names no indicator of this partnership', value: 'NI 99', line: 1 },
      { field: 'rows.4.value', message: 'a count must be a whole number, 0 or more', value: '-1', line: 1 },
      { field: 'rows.5.period', message: 'repeats row 1 (same indicator, area and period)', value: '2010-04', line: 1 },
      { field: 'rows.6.colour', message: 'is not a known field', value: 'red', line: 1 },
    ],
    'every bad row, with its field, reason and the value refused (a JSON array on one line: all on line 1)',
  )
  const count = async () =>
    (
      await ctx.db
        .selectFrom('measurement')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n
  t.equal(await count(), 0, 'nothing was written')

  const partial = await bulk(ctx, officer, bad, 'application/json', '?mode=partial')
  t.equal(partial.statusCode, 200)
  t.match(partial.json(), { received: 6, inserted: 2, updated: 0, unchanged: 0, refused: 4, errorsTruncated: false })
  t.equal(partial.json().errors.length, 4, 'partial mode says which rows were refused')
  t.equal(await count(), 2)

  const resend = await bulk(
    ctx,
    officer,
    [{ ...good[0], value: 30 }, good[1], { indicator: 'NI 20', area: 'E07000136', period: '2010-05', value: 28 }],
    'application/json',
  )
  t.match(resend.json(), { received: 3, inserted: 1, updated: 1, unchanged: 1, refused: 0 })

  const keyed = { ...officer, 'idempotency-key': 'feed-2010-06' }
  const batch = [{ indicator: 'NI 20', area: 'E07000136', period: '2010-06', value: 25 }]
  const first = await bulk(ctx, keyed, batch)
  const revisionsBefore = (
    await ctx.db
      .selectFrom('measurementRevision')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n
  const replay = await bulk(ctx, keyed, batch)
  t.equal(replay.statusCode, first.statusCode)
  t.same(replay.json(), first.json(), 'a retry replays the first answer')
  t.equal(replay.headers['idempotent-replayed'], 'true')
  const revisionsAfter = (
    await ctx.db
      .selectFrom('measurementRevision')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n
  t.equal(revisionsAfter, revisionsBefore, 'and writes nothing twice')
  const reused = await bulk(ctx, keyed, [{ ...batch[0], value: 26 }])
  t.equal(reused.statusCode, 422, 'the same key with another body is refused')
  t.equal(reused.json().code, 'IDEMPOTENCY.KEY_REUSED')
  const otherClient = await bulk(ctx, { ...(await ctx.as('admin', 'alpha')), 'idempotency-key': 'feed-2010-06' }, [
    { ...batch[0], value: 26 },
  ])
  t.equal(otherClient.statusCode, 200, 'keys are scoped to the client')

  const notArray = await bulk(ctx, officer, { rows: [] })
  t.equal(notArray.statusCode, 400)
  const notJson = await bulk(ctx, officer, '[{"indicator":')
  t.equal(notJson.statusCode, 400)
  const wrongType = await bulk(ctx, officer, 'x', 'text/plain')
  t.equal(wrongType.statusCode, 415)
  void boston
})

t.test('bulk formats: NDJSON and CSV, and a lossless CSV round trip', async (t) => {
  const { ctx, officer, marac } = await setup(t)
  const ndjson = [
    '{"indicator":"NI 20","area":"E07000136","period":"2010-04","value":31}',
    '',
    '{"indicator":"NI 20","area":"E07000137","period":"2010-04","value":"64"}',
    'not json',
  ].join('\n')
  const nd = await bulk(ctx, officer, ndjson, 'application/x-ndjson', '?mode=partial')
  t.match(nd.json(), { received: 3, inserted: 2, refused: 1 })
  t.same(nd.json().errors, [{ field: 'rows.3', message: 'is not valid JSON', line: 4 }], 'blank lines counted')

  // A refused row names the line of the file it is on, the header being line 1, and the value refused.
  const badCsv =
    'indicator,area,period,value,source\n' +
    'NI 20,E07000136,2010-05,12,"police, by hand\nchecked"\n' +
    '\n' +
    'NI 20,E07000136,2010-06,12.5,\n' +
    'NI 99,E07000137,2010-06,3,\n'
  const lined = await bulk(ctx, officer, badCsv, 'text/csv')
  t.equal(lined.statusCode, 422)
  t.same(
    lined.json().errors,
    [
      { field: 'rows.2.value', message: 'a count must be a whole number, 0 or more', value: '12.5', line: 5 },
      { field: 'rows.3.indicator', message: 'names no indicator of this partnership', value: 'NI 99', line: 6 },
    ],
    'CSV: the line past a two-line cell and a blank line',
  )
  const pretty = await bulk(
    ctx,
    officer,
    JSON.stringify(
      [
        { indicator: 'NI 20', area: 'E07000136', period: '2010-05', value: 1 },
        { indicator: 'NI 20', area: 'E07000136', period: 'May 2010', value: 1 },
      ],
      null,
      2,
    ),
  )
  t.match(
    pretty.json().errors,
    [{ field: 'rows.2.period', value: 'May 2010', line: 8 }],
    'JSON: the line its element starts on',
  )

  const csv =
    'indicator,area,period,value,numerator,denominator,status,source\n' +
    'MARAC,E07000136,2008-04,,79,167,,MARAC coordinator\n' +
    '"NI 33(i)",E07000137,2010-04,7,,,validated,"Fire, monthly"\n'
  const imported = await bulk(ctx, officer, csv, 'text/csv')
  t.equal(imported.statusCode, 200, imported.body)
  t.match(imported.json(), { received: 2, inserted: 2 })

  const exported = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/measurements/export',
    headers: officer,
  })
  t.equal(exported.statusCode, 200)
  t.match(exported.headers['content-type'], 'text/csv')
  const lines = exported.body.trim().split('\n')
  t.ok(exported.body.startsWith('\ufeffindicator,'), 'a byte order mark, then the header')
  t.equal(lines[0], 'indicator,area,period,value,numerator,denominator,status,source,reason')
  t.ok(
    lines.includes('MARAC,E07000136,2008-04,47.305389,79,167,provisional,MARAC coordinator,'),
    'derived value exported with its numerator and denominator',
  )
  t.ok(lines.includes('NI 33(i),E07000137,2010-04,7,,,validated,"Fire, monthly",'), 'quoted fields survive')
  const roundTrip = await bulk(ctx, officer, exported.body, 'text/csv')
  t.match(
    roundTrip.json(),
    { received: 4, inserted: 0, updated: 0, unchanged: 4, refused: 0 },
    'importing the export changes nothing',
  )
  const again = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/measurements/export',
    headers: officer,
  })
  t.equal(again.body, exported.body, 'and exports the same bytes')
  for (const asked of [{ url: 'measurements?format=csv' }, { url: 'measurements', accept: 'text/csv' }]) {
    const listed = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/${asked.url}`,
      headers: { ...officer, ...(asked.accept === undefined ? {} : { accept: asked.accept }) },
    })
    t.equal(listed.body, exported.body, `the list answers the same CSV (${asked.accept ?? asked.url})`)
  }

  const badHeader = await bulk(
    ctx,
    officer,
    'indicator,area,period,value,colour\nNI 20,E07000136,2010-07,1,red\n',
    'text/csv',
  )
  t.equal(badHeader.statusCode, 400, 'an unknown CSV column is refused')
  const list = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/measurements?indicatorId=${marac.id}`,
    headers: officer,
  })
  t.equal(list.json().items.length, 1)
})

t.test('bulk bodies are read as a stream: rows across chunk boundaries, and the byte limit', async (t) => {
  const { ctx, officer } = await setup(t, { BULK_BODY_LIMIT_BYTES: '2048' })
  const sent = (text: string, size: number) => {
    const bytes = Buffer.from(text)
    const pieces: Buffer[] = []
    for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size))
    return Readable.from(pieces)
  }
  const post = (payload: Readable | string, contentType: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/measurements/bulk',
      headers: { ...officer, 'content-type': contentType },
      payload,
    })
  // 'é' is two bytes in UTF-8; 7-byte pieces split it and the lines between chunks.
  const ndjson =
    '{"indicator":"NI 20","area":"E07000136","period":"2010-04","value":31,"source":"Équipe"}\n{"indicator":"NI 20","area":"E07000137","period":"2010-04","value":64}'
  const nd = await post(sent(ndjson, 7), 'application/x-ndjson')
  t.match(nd.json(), { received: 2, inserted: 2, refused: 0 }, 'NDJSON in 7-byte pieces')
  const csv =
    'indicator,area,period,value,source\n"NI 20",E07000136,2010-05,30,"Équipe, ""monthly"""\nNI 20,E07000137,2010-05,60,\n'
  const imported = await post(sent(csv, 5), 'text/csv')
  t.match(imported.json(), { received: 2, inserted: 2, refused: 0 }, 'CSV in 5-byte pieces')
  const may = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/measurements?from=2010-05-01&to=2010-05-01',
    headers: officer,
  })
  t.same(
    may
      .json()
      .items.map((m: { source: string | null }) => m.source ?? '-')
      .sort(),
    ['-', 'Équipe, "monthly"'],
    'multi-byte text and quotes survive the splits',
  )

  const rows = Array.from(
    { length: 120 },
    (_, i) => `NI 20,E07000136,${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${i}`,
  )
  const big = `indicator,area,period,value\n${rows.join('\n')}\n`
  t.ok(Buffer.byteLength(big) > 2048)
  const streamed = await post(sent(big, 256), 'text/csv')
  t.equal(streamed.statusCode, 413, 'a streamed body over the limit is 413')
  t.equal(streamed.json().code, 'REQUEST.TOO_LARGE')
  await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = ctx.app.server.address() as AddressInfo
  const overHttp = await fetch(`http://127.0.0.1:${port}/partnerships/alpha/measurements/bulk`, {
    method: 'POST',
    headers: { ...officer, 'content-type': 'text/csv' },
    body: Readable.toWeb(sent(big, 256)) as ReadableStream,
    duplex: 'half',
  } as RequestInit)
  t.equal(overHttp.status, 413, 'over real HTTP (chunked) the client reads the 413, not a reset')
  t.equal(overHttp.headers.get('connection'), 'close')
  const declared = await post(big, 'text/csv')
  t.equal(declared.statusCode, 413, 'a declared Content-Length over the limit is refused before reading')
  t.match(declared.json(), { code: 'REQUEST.TOO_LARGE', limit: Number }, 'naming the limit, as one found reading')
  const after = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/measurements?from=2000-01-01&to=2009-12-01',
    headers: officer,
  })
  t.equal(after.json().items.length, 0, 'and nothing of it was written')
})

t.test(
  'bulk over several write chunks: a late bad row undoes the whole batch; concurrent retries write once',
  async (t) => {
    // Three uploads at once from one client: more than the default allows (tested below).
    const { ctx, admin, officer } = await setup(t, {
      BULK_CONCURRENCY_PER_CLIENT: '3',
      BULK_CONCURRENCY_PER_PARTNERSHIP: '3',
    })
    for (let i = 0; i < 40; i++) {
      await ctx.app.inject({
        method: 'POST',
        url: '/partnerships/alpha/areas',
        headers: admin,
        payload: { name: `Ward ${i}`, type: 'ward', code: `W${i}` },
      })
    }
    const lines = ['indicator,area,period,value']
    for (const indicator of ['NI 20', 'NI 33(i)'])
      for (let i = 0; i < 40; i++)
        for (let m = 0; m < 251; m++)
          lines.push(
            `${indicator},W${i},${1990 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')},${m % 7}`,
          )
    const good = lines.join('\n')
    const count = async () =>
      Number(
        (
          await sql<{
            count: number
          }>`select count(*) from measurement m join area a on a.id = m.area_id where a.code like 'W%'`.execute(ctx.db)
        ).rows[0]!.count,
      )

    const refused = await bulk(ctx, officer, `${good}\nNI 20,W0,1990-01-x,1\n`, 'text/csv')
    t.equal(refused.statusCode, 422, 'row 20,081 is bad')
    t.same(
      refused.json().errors.map((e: { field: string }) => e.field),
      ['rows.20081.period'],
    )
    t.equal(await count(), 0, 'the 20,080 good rows written before it were rolled back')

    const partial = await bulk(ctx, officer, `${good}\nNI 20,W0,1990-01-x,1\n`, 'text/csv', '?mode=partial')
    t.equal(partial.statusCode, 200, partial.body.slice(0, 500))
    t.match(partial.json(), { received: 20081, inserted: 20080, refused: 1 })
    t.equal(await count(), 20080)

    const keyed = { ...officer, 'idempotency-key': 'retry-storm' }
    const changed = good.replace(/,(\d)$/gm, (_, v: string) => `,${Number(v) + 1}`)
    const answers = await Promise.all([
      bulk(ctx, keyed, changed, 'text/csv'),
      bulk(ctx, keyed, changed, 'text/csv'),
      bulk(ctx, keyed, changed, 'text/csv'),
    ])
    t.same(
      answers.map((a) => a.statusCode),
      [200, 200, 200],
    )
    t.equal(
      answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length,
      2,
      'two of three concurrent sends are replays',
    )
    t.same(
      answers.map((a) => a.json().updated),
      [20080, 20080, 20080],
      'all three give the first answer',
    )
    const revisions = Number(
      (await sql<{ count: number }>`select count(*) from measurement_revision`.execute(ctx.db)).rows[0]!.count,
    )
    t.equal(revisions, 20080, 'and each value was replaced once')
  },
)

t.test("agency feed tokens write only their own indicators; other partnerships' things are absent", async (t) => {
  const { ctx, police, boston, ni20, arson } = await setup(t)
  const feed = await ctx.as('officer', 'alpha', {
    memberships: [{ partnership: 'alpha', role: 'officer', agency: police.id }],
    sub: 'police-feed',
  })
  const own = await ctx.app.inject({
    method: 'PUT',
    url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04`,
    headers: feed,
    payload: { value: 31 },
  })
  t.equal(own.statusCode, 201, 'the police feed writes NI 20, which the police supply')
  const other = await ctx.app.inject({
    method: 'PUT',
    url: `/partnerships/alpha/measurements/${arson.id}/${boston.id}/2010-04`,
    headers: feed,
    payload: { value: 3 },
  })
  t.equal(other.statusCode, 403, 'but not arson, which the fire service supplies')
  const batch = await bulk(ctx, feed, [
    { indicator: 'NI 20', area: 'E07000136', period: '2010-05', value: 1 },
    { indicator: 'NI 33(i)', area: 'E07000136', period: '2010-05', value: 1 },
  ])
  t.equal(batch.statusCode, 422)
  t.same(batch.json().errors, [
    { field: 'rows.2.indicator', message: 'is not supplied by your agency', value: 'NI 33(i)', line: 1 },
  ])
  const status = await ctx.app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04`,
    headers: { ...feed, 'if-match': '*' },
    payload: { status: 'validated' },
  })
  t.equal(status.statusCode, 403, 'a feed does not validate its own figures')
  const area = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers: feed,
    payload: { name: 'x', type: 'ward' },
  })
  t.equal(area.statusCode, 403, 'nor change anything else')

  const betaAdmin = await ctx.as('admin', 'beta')
  const betaArea = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/beta/areas',
      headers: betaAdmin,
      payload: { name: 'Beta', type: 'district', code: 'B1' },
    })
  ).json()
  const foreign = await bulk(ctx, await ctx.as('officer', 'alpha'), [
    { indicator: 'NI 20', area: betaArea.id, period: '2010-06', value: 1 },
    { indicator: 'NI 20', area: 'B1', period: '2010-06', value: 1 },
  ])
  t.same(
    foreign.json().errors.map((e: { message: string }) => e.message),
    ['names no area of this partnership', 'names no area of this partnership'],
    "another partnership's area, by id or code, reads as absent",
  )
  const betaView = await ctx.app.inject({ method: 'GET', url: '/partnerships/beta/measurements', headers: betaAdmin })
  t.same(betaView.json().items, [], "beta sees none of alpha's measurements")
})

t.test(
  'concurrent single-measurement writes of different values: every one is kept as a revision, none lost',
  async (t) => {
    const ctx = await buildTestApp(t)
    await seedPartnerships(ctx, 'alpha')
    const admin = await ctx.as('admin', 'alpha')
    const area = (
      await ctx.app.inject({
        method: 'POST',
        url: '/partnerships/alpha/areas',
        headers: admin,
        payload: { name: 'Boston', type: 'district' },
      })
    ).json()
    const indicator = (
      await ctx.app.inject({
        method: 'POST',
        url: '/partnerships/alpha/indicators',
        headers: admin,
        payload: {
          reference: 'NI 20',
          name: 'Assaults',
          unit: 'count',
          polarity: 'lower_better',
          frequency: 'monthly',
          aggregation: 'sum',
        },
      })
    ).json()
    const url = `/partnerships/alpha/measurements/${indicator.id}/${area.id}/2010-04`
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ctx.app.inject({ method: 'PUT', url, headers: admin, payload: { value: 100 + i } }),
      ),
    )
    t.same(
      answers.map((a) => a.statusCode).sort(),
      [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201],
      'one creates, eleven replace',
    )
    const history = await ctx.app.inject({ method: 'GET', url: `${url}/revisions`, headers: admin })
    t.same(
      history
        .json()
        .items.map((r: { value: string }) => Number(r.value))
        .sort((a: number, b: number) => a - b),
      Array.from({ length: 12 }, (_, i) => 100 + i),
      'all twelve values are in the history',
    )
    t.same(
      history.json().items.map((r: { revision: number }) => r.revision),
      Array.from({ length: 12 }, (_, i) => 12 - i),
      'revisions 12 down to 1, no gaps or repeats',
    )
  },
)

t.test('one measurement by the names a bulk row takes: indicator reference, area code, any period form', async (t) => {
  const { ctx, officer, boston, arson } = await setup(t)
  const named = `/partnerships/alpha/measurements/${encodeURIComponent('NI 33(i)')}/E07000136/2010-04`
  const put = await ctx.app.inject({ method: 'PUT', url: named, headers: officer, payload: { value: 4 } })
  t.equal(put.statusCode, 201, put.body)
  t.match(put.json(), { indicatorId: arson.id, areaId: boston.id, period: '2010-04', value: '4' })
  const byIds = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/measurements/${arson.id}/${boston.id}/2010-04`,
    headers: officer,
  })
  t.equal(byIds.json().id, put.json().id, 'the same measurement by its ids')
  const revised = await ctx.app.inject({ method: 'PUT', url: named, headers: officer, payload: { value: 5 } })
  t.equal(revised.json().revision, 2)
  const history = await ctx.app.inject({ method: 'GET', url: `${named}/revisions`, headers: officer })
  t.equal(history.json().items.length, 2, 'revisions by name')
  const status = await ctx.app.inject({
    method: 'PATCH',
    url: named,
    headers: { ...officer, 'if-match': revised.headers.etag as string },
    payload: { status: 'validated' },
  })
  t.equal(status.json().status, 'validated', 'PATCH by name')
  const yearly = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/measurements/NI%2033(i)/E07000136/${encodeURIComponent('2010/11')}`,
    headers: officer,
  })
  t.equal(yearly.statusCode, 404, 'a year form is read as the year, which this monthly indicator has no figure for')
  const beta = await ctx.as('officer', 'beta')
  for (const [url, headers] of [
    [`/partnerships/alpha/measurements/NI%2099/E07000136/2010-04`, officer],
    [`/partnerships/alpha/measurements/NI%2033(i)/E99999999/2010-04`, officer],
    [`/partnerships/beta/measurements/NI%2033(i)/E07000136/2010-04`, beta],
  ] as const) {
    const absent = await ctx.app.inject({ method: 'GET', url, headers })
    t.equal(absent.statusCode, 404, `${url}: absent`)
  }
  const deleted = await ctx.app.inject({
    method: 'DELETE',
    url: named,
    headers: { ...officer, 'if-match': status.headers.etag as string },
  })
  t.equal(deleted.statusCode, 204, 'DELETE by name')
})

t.test('an actual for a period that has not ended yet is refused: 422, in PUT and as its row in bulk', async (t) => {
  const { ctx, officer, boston, ni20 } = await setup(t)
  const now = new Date()
  const month = (offset: number) => {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))
    return d.toISOString().slice(0, 7)
  }
  const put = (period: string) =>
    ctx.app.inject({
      method: 'PUT',
      url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/${period}`,
      headers: officer,
      payload: { value: 31 },
    })
  for (const period of ['2031-01', month(0)]) {
    const res = await put(period)
    t.equal(res.statusCode, 422, `${period} has not ended`)
    t.equal(res.json().code, 'MEASUREMENT.PERIOD_NOT_ENDED')
    t.match(res.json().errors, [{ field: 'params.period', message: /has not ended yet: it ends on/ }])
  }
  t.equal((await put(month(-1))).statusCode, 201, 'last month has ended and is taken')

  const rows = [
    { indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 31 },
    { indicator: 'NI 20', area: 'E07000136', period: '2031-01', value: 3400 },
  ]
  const refused = await bulk(ctx, officer, rows)
  t.equal(refused.statusCode, 422)
  t.same(refused.json().errors, [
    {
      field: 'rows.2.period',
      message: `has not ended yet: it ends on 2031-01-31, and today is ${now.toISOString().slice(0, 10)}`,
      value: '2031-01',
      line: 1,
    },
  ])
  const partial = await bulk(ctx, officer, rows, 'application/json', '?mode=partial')
  t.match(partial.json(), { received: 2, inserted: 1, refused: 1 }, 'partial mode takes the rest')
  const ids = await ctx.db.selectFrom('measurement').select('period').orderBy('period').execute()
  t.same(
    ids.map((r) => r.period),
    ['2010-04', month(-1)],
    'nothing for a period still running was stored',
  )
})

t.test(
  "an agency feed's figure stands: a person replaces it only with a reason, and the evaluation says so",
  async (t) => {
    const { ctx, officer, police, boston, ni20 } = await setup(t)
    const feed = await ctx.as('officer', 'alpha', {
      memberships: [{ partnership: 'alpha', role: 'officer', agency: police.id }],
      sub: 'police-feed',
    })
    const put = (headers: Record<string, string>, payload: object) =>
      ctx.app.inject({
        method: 'PUT',
        url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04`,
        headers,
        payload,
      })
    const sent = await put(feed, { value: 344 })
    t.match(sent.json(), { agencyId: police.id, overriddenAgencyId: null, reason: null })
    t.equal((await put(officer, { value: 344 })).statusCode, 200, 'the same figure again needs no reason')
    const bare = await put(officer, { value: 3400 })
    t.equal(bare.statusCode, 422)
    t.equal(bare.json().code, 'MEASUREMENT.OVERRIDE_REASON')
    t.match(bare.json().errors, [{ field: 'body.reason', message: new RegExp(`agency ${police.id}'s feed`) }])
    const rows = (reason?: string) => [
      { indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 340, ...(reason ? { reason } : {}) },
    ]
    const refused = await bulk(ctx, officer, rows())
    t.equal(refused.statusCode, 422)
    t.match(refused.json().errors, [{ field: 'rows.1.reason', message: /is required/ }])
    const measurement = async () =>
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04`,
          headers: officer,
        })
      ).json()
    t.equal((await measurement()).value, '344', 'neither wrote anything')

    const replaced = await bulk(ctx, officer, rows('The force re-ran its extract: 4 duplicates removed'))
    t.equal(replaced.statusCode, 200, replaced.body)
    t.match(await measurement(), {
      value: '340',
      agencyId: null,
      overriddenAgencyId: police.id,
      reason: /duplicates removed/,
      sentBy: 'officer@alpha',
    })
    const corrected = await put(officer, { value: 341 })
    t.equal(corrected.statusCode, 200, 'a person corrects their own figure without another reason')
    t.match(corrected.json(), { overriddenAgencyId: police.id, reason: /duplicates removed/ })
    const revisions = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04/revisions`,
      headers: officer,
    })
    t.match(
      revisions.json().items.map((r: { value: string; agencyId: string | null }) => [r.value, r.agencyId]),
      [
        ['341', null],
        ['340', null],
        ['344', police.id],
      ],
      "the agency's figure kept in the history, with whose it was",
    )
    const evaluation = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/evaluation?period=2010-04&indicatorId=${ni20.id}&areaId=${boston.id}`,
      headers: officer,
    })
    t.match(evaluation.json().items[0].overridden, [
      { period: '2010-04', sentBy: 'officer@alpha', reason: /duplicates removed/, agencyId: police.id },
    ])
    const again = await put(feed, { value: 338 })
    t.match(
      again.json(),
      { agencyId: police.id, overriddenAgencyId: null, reason: null },
      "the feed's next figure stands again",
    )
  },
)
