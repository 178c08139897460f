import { parse } from 'csv-parse/sync'
import t from 'tap'
import { neutralised, restored } from '../../src/http/csv.js'
import { alphaWithNi20, buildTestApp, partnershipClient, seedPartnerships, xmlProblems } from '../helper.js'

t.test(
  'a cell that starts like a formula is neutralised, and restored on the way back; numbers are left alone',
  async (t) => {
    for (const cell of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])
      t.equal(restored(neutralised(cell)), cell, JSON.stringify(cell))
    t.equal(neutralised('=1+1'), "'=1+1")
    for (const number of ['-3', '+4', '-3.000', '12.5'])
      t.equal(neutralised(number), number, `${number} stays a number`)
    t.equal(restored("'quoted on purpose"), "'quoted on purpose", 'an apostrophe before ordinary text is kept')
  },
)

t.test('CSV answers open right in Excel, cannot attack the reader, and an export re-imports unchanged', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const area = await post('areas', { name: 'Boston', type: 'district' })
  const priority = await post('priorities', { name: 'Violent crime', code: 'VC' })
  const indicator = await post('indicators', {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    priorityIds: [priority.id],
  })
  const attack = '=cmd|" /C calc"!A0'
  await post('measurements/bulk', [
    { indicator: indicator.id, area: area.id, period: '2010-05', value: 31, source: attack },
    { indicator: indicator.id, area: area.id, period: '2010-06', value: 3, source: 'Police £ feed' },
  ])
  await post('commentary', {
    indicatorId: indicator.id,
    areaId: area.id,
    period: '2010-06',
    body: '=HYPERLINK("http://evil.example","Read more")',
  })

  const exported = await call('GET', 'measurements/export', admin)
  t.ok(exported.body.startsWith('\ufeff'), 'the export starts with a byte order mark')
  const rows = parse(exported.body, { bom: true, columns: true }) as Array<Record<string, string>>
  t.same(
    rows.map((r) => [r.period, r.value, r.source]),
    [
      ['2010-05', '31', `'${attack}`],
      ['2010-06', '3', 'Police £ feed'],
    ],
    'the formula is neutralised; the pound sign is not touched',
  )

  const again = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/measurements/bulk',
    headers: { ...admin, 'content-type': 'text/csv' },
    payload: exported.body,
  })
  t.match(again.json(), { received: 2, unchanged: 2, refused: 0 }, 'the export re-imported unedited changes nothing')
  const stored = await call('GET', `measurements/${indicator.id}/${area.id}/2010-05`, admin)
  t.equal(stored.json().source, attack, 'and the source is stored as it was sent, not with the apostrophe')

  const report = await call('GET', 'reports/performance?period=2010-06&asOf=2010-07-31&format=csv', admin)
  t.ok(report.body.startsWith('\ufeff'), 'reports start with a byte order mark too')
  const line = (parse(report.body, { bom: true, columns: true }) as Array<Record<string, string>>)[0]!
  t.equal(line.commentary, `'=HYPERLINK("http://evil.example","Read more")`, 'commentary is neutralised')
  t.match(
    line,
    {
      priority_code: 'VC',
      priority_name: 'Violent crime',
      actual: '34',
      year_to_date: '34',
      previous_value: '31',
      travel_previous_period: /\w+/,
    },
    'priority code and name apart; year to date and the previous value; counts without decimals',
  )

  const accepted = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/reports/performance?period=2010-06&asOf=2010-07-31',
    headers: { ...admin, accept: 'text/csv' },
  })
  t.match(accepted.headers['content-type'], /^text\/csv/, 'Accept: text/csv works where format=csv does')
  const json = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/reports/performance?period=2010-06&asOf=2010-07-31',
    headers: { ...admin, accept: 'application/json, text/csv' },
  })
  t.match(json.headers['content-type'], /^application\/json/, 'JSON stays the answer when it is acceptable')
})

t.test('a 401 names the Bearer scheme; a 415 names the media types the route takes', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const none = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas' })
  t.equal(none.statusCode, 401)
  t.equal(none.headers['www-authenticate'], 'Bearer realm="safer-partnerships"')
  const bad = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/areas',
    headers: { authorization: 'Bearer nonsense' },
  })
  t.equal(bad.headers['www-authenticate'], 'Bearer realm="safer-partnerships", error="invalid_token"')

  const admin = await ctx.as('admin', 'alpha')
  const xml = { ...admin, 'content-type': 'application/xml' }
  const bulk = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/measurements/bulk',
    headers: xml,
    payload: '<x/>',
  })
  t.equal(bulk.statusCode, 415)
  t.match(bulk.json().detail, /Send the body as application\/json, or application\/x-ndjson, or text\/csv\.$/)
  const area = await ctx.app.inject({ method: 'POST', url: '/partnerships/alpha/areas', headers: xml, payload: '<x/>' })
  t.match(area.json(), { status: 415, detail: /Send the body as application\/json\.$/ })
})

t.test('conditional GET answers 304 for a current ETag; q finds references and codes as well as names', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const area = await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  const read = (ifNoneMatch: string) => call('GET', `areas/${area.id}`, { ...admin, 'if-none-match': ifNoneMatch })
  const same = await read('"1"')
  t.equal(same.statusCode, 304, 'the ETag held is current')
  t.equal(same.body, '', 'and no body is sent')
  t.equal(same.headers.etag, '"1"')
  t.equal((await read('W/"1", "7"')).statusCode, 304, 'compared weakly, among several')
  t.equal((await read('"0"')).statusCode, 200, 'an old ETag gets the record')

  await post('priorities', { name: 'Violent crime', code: 'VC' })
  await post('indicators', {
    reference: 'NI 16',
    name: 'Serious acquisitive crime',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  const found = async (url: string) => (await call('GET', url, admin)).json().items.map((i: { name: string }) => i.name)
  t.same(await found('indicators?q=NI%2016'), ['Serious acquisitive crime'], 'an indicator by its reference')
  t.same(await found('priorities?q=vc'), ['Violent crime'], 'a priority by its code')
  t.same(await found('areas?q=E0700'), ['Boston'], 'an area by its code')
  t.same(await found('areas?q=bost'), ['Boston'], 'and still by name')
})

t.test('CORS: off by default; with an allow-list, preflights answered and only listed origins allowed', async (t) => {
  const preflight = (origin: string) => ({
    method: 'OPTIONS' as const,
    url: '/partnerships/alpha/areas',
    headers: {
      origin,
      'access-control-request-method': 'PATCH',
      'access-control-request-headers': 'authorization,if-match',
    },
  })
  const closed = await buildTestApp(t)
  const none = await closed.app.inject(preflight('https://app.example.org'))
  t.equal(none.headers['access-control-allow-origin'], undefined, 'no CORS headers unless configured')

  const ctx = await buildTestApp(t, { CORS_ORIGINS: 'https://app.example.org, https://other.example.org:8443' })
  await seedPartnerships(ctx, 'alpha')
  const ok = await ctx.app.inject(preflight('https://app.example.org'))
  t.equal(ok.statusCode, 204, 'the preflight is answered before any token is asked for')
  t.equal(ok.headers['access-control-allow-origin'], 'https://app.example.org')
  t.match(ok.headers['access-control-allow-methods'], /PATCH/)
  t.match(ok.headers['access-control-allow-headers'], /if-match/)
  const stranger = await ctx.app.inject(preflight('https://evil.example.org'))
  t.equal(stranger.headers['access-control-allow-origin'], undefined, 'an origin not listed gets no allowance')
  const read = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/areas',
    headers: { ...(await ctx.as('viewer', 'alpha')), origin: 'https://other.example.org:8443' },
  })
  t.equal(read.statusCode, 200)
  t.equal(read.headers['access-control-allow-origin'], 'https://other.example.org:8443')
  t.match(read.headers['access-control-expose-headers'], /etag/, 'ETag and friends are readable by the app')
  t.match(read.headers['access-control-expose-headers'], /content-disposition/, "a CSV's file name too")
  t.match(ok.headers['access-control-allow-headers'], /content-disposition/, 'and an upload may name its file')
})

t.test('CORS_ORIGINS takes exact origins only', async (t) => {
  const { loadConfig } = await import('../../src/config.js')
  const base = { NODE_ENV: 'test', DATA_DIR: t.testdir({}) }
  t.throws(() => loadConfig({ ...base, CORS_ORIGINS: '*' }), /not an origin/)
  t.throws(() => loadConfig({ ...base, CORS_ORIGINS: 'https://app.example.org/' }), /write https:\/\/app\.example\.org/)
  t.same(loadConfig({ ...base, CORS_ORIGINS: 'https://a.example.org' }).http.corsOrigins, ['https://a.example.org'])
})

t.test('a bulk dry run checks and counts everything, and writes nothing', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const area = await post('areas', { name: 'Boston', type: 'district' })
  const indicator = await post('indicators', {
    reference: 'NI 20',
    name: 'Assaults',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  await post('measurements/bulk', [{ indicator: indicator.id, area: area.id, period: '2010-04', value: 9 }])
  const rows = [
    { indicator: indicator.id, area: area.id, period: '2010-04', value: 10 },
    { indicator: indicator.id, area: area.id, period: '2010-05', value: 14 },
    { indicator: indicator.id, area: area.id, period: '2010-06', value: -1 },
  ]
  const dry = await call('POST', 'measurements/bulk?dryRun=true&mode=partial', admin, rows)
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { received: 3, inserted: 1, updated: 1, unchanged: 0, refused: 1, dryRun: true })
  const refused = await call('POST', 'measurements/bulk?dryRun=true', admin, rows)
  t.equal(refused.statusCode, 422, 'all-or-nothing says the same as a real run would')
  const stored = (await call('GET', `measurements?indicatorId=${indicator.id}`, admin)).json().items
  t.same(
    stored.map((m: { period: string; value: string }) => [m.period, Number(m.value)]),
    [['2010-04', 9]],
    'nothing was written',
  )
  const keyed = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/measurements/bulk?dryRun=true',
    headers: { ...admin, 'idempotency-key': 'k1' },
    payload: rows,
  })
  t.equal(keyed.json().code, 'BATCH.DRY_RUN_KEY', 'a dry run takes no idempotency key')
})

t.test(
  'a nullable field sent with the wrong type gets one clear error, not one per branch of its schema',
  async (t) => {
    const ctx = await buildTestApp(t)
    await seedPartnerships(ctx, 'alpha')
    const admin = await ctx.as('admin', 'alpha')
    const { call, post } = partnershipClient(ctx, 'alpha', admin)
    const area = await post('areas', { name: 'Boston', type: 'district' })
    const bad = await call('PATCH', `areas/${area.id}`, { ...admin, 'if-match': '*' }, { code: 42 })
    t.equal(bad.statusCode, 400)
    t.same(bad.json().errors, [{ field: 'body.code', message: 'must be string, or be null' }])
    const two = await call('PATCH', `areas/${area.id}`, { ...admin, 'if-match': '*' }, { code: 42, parentId: 'x' })
    t.ok(two.json().errors.length <= 2, 'at most one error per field')
  },
)

t.test('a CSV saved from Excel re-imports: its "Apr-10" periods read as the months they were', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  await post('indicators', {
    reference: 'NI 20',
    name: 'Assaults',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  const saved = 'indicator,area,period,value\r\nNI 20,E07000136,Apr-10,31\r\nNI 20,E07000136,May-09,28\r\n'
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/measurements/bulk',
    headers: { ...admin, 'content-type': 'text/csv' },
    payload: saved,
  })
  t.match(res.json(), { received: 2, inserted: 2, refused: 0 })
  const periods = (await call('GET', 'measurements', admin)).json().items.map((m: { period: string }) => m.period)
  t.same([...periods].sort(), ['2009-05', '2010-04'])
})

t.test(
  'a period that does not fit the indicator is PERIOD.MISMATCH on the single PUT too, with the form expected',
  async (t) => {
    const ctx = await buildTestApp(t)
    await seedPartnerships(ctx, 'alpha')
    const admin = await ctx.as('admin', 'alpha')
    const { call, post } = partnershipClient(ctx, 'alpha', admin)
    const area = await post('areas', { name: 'Boston', type: 'district' })
    const indicator = await post('indicators', {
      reference: 'NI 20',
      name: 'Assaults',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
    })
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/partnerships/alpha/measurements/${indicator.id}/${area.id}/2010-Q2`,
      headers: admin,
      payload: { value: 3 },
    })
    t.equal(res.statusCode, 400)
    t.match(res.json(), {
      code: 'PERIOD.MISMATCH',
      detail: 'A monthly indicator is measured by month, not by quarter (2010-Q2).',
      errors: [{ field: 'params.period', message: 'must be a month' }],
    })
    const negative = await call('PUT', `measurements/${indicator.id}/${area.id}/2010-04`, admin, { value: -1 })
    t.equal(negative.statusCode, 400)
    t.match(negative.json().errors, [{ field: 'body.value' }], 'other refusals still name the field')
  },
)

t.test("measurements' from and to take periods as well as dates", async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const area = await post('areas', { name: 'Boston', type: 'district' })
  const indicator = await post('indicators', {
    reference: 'NI 20',
    name: 'Assaults',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  await post(
    'measurements/bulk',
    ['2010-03', '2010-04', '2010-05', '2011-03', '2011-04'].map((period) => ({
      indicator: indicator.id,
      area: area.id,
      period,
      value: 1,
    })),
  )
  const periods = async (query: string) =>
    (await call('GET', `measurements?${query}`, admin)).json().items.map((m: { period: string }) => m.period)
  t.same(await periods('from=2010-05&to=2010-05'), ['2010-05'], 'one month')
  t.same(await periods('from=FY2010-11&to=FY2010-11'), ['2010-04', '2010-05', '2011-03'], 'a financial year')
  t.same(await periods('from=2010-04-15&to=2011-03-01'), ['2010-05', '2011-03'], 'dates as before')
  const bad = await call('GET', 'measurements?from=2010-02-30', admin)
  t.equal(bad.statusCode, 400, 'a day that is not in the calendar is refused')
  t.equal(bad.json().errors[0].field, 'querystring.from')
})

t.test('"2010/11" is the financial year; "2010-11" is November, with a warning saying so', async (t) => {
  const ctx = await buildTestApp(t)
  const { admin } = await alphaWithNi20(ctx, '1000')
  const { call } = partnershipClient(ctx, 'alpha', admin)
  const year = (await call('GET', 'evaluation?period=2010%2F11&asOf=2011-06-30', admin)).json()
  t.match(year, { period: 'FY2010-11' })
  t.notOk('warnings' in year, 'no warning when the year is written as one')
  const month = (await call('GET', 'evaluation?period=2010-11&asOf=2011-06-30', admin)).json()
  t.match(month, {
    period: '2010-11',
    warnings: ['2010-11 was read as a month; for the financial year send FY2010-11 or 2010/11.'],
  })
  const report = (await call('GET', 'reports/exceptions?period=2010-11&asOf=2011-06-30', admin)).json()
  t.equal(report.warnings.length, 1, 'the reports warn too')
  t.notOk('warnings' in (await call('GET', 'evaluation?period=2010-10', admin)).json(), 'an ordinary month: none')

  // A CSV carries the warning on every row, so a copy opened in a spreadsheet keeps it.
  const csvOf = async (period: string) =>
    parse((await call('GET', `reports/performance?period=${period}&asOf=2011-06-30&format=csv`, admin)).body, {
      bom: true,
      columns: true,
    }) as Array<Record<string, string>>
  const rows = await csvOf('2010-11')
  t.match(rows, [{ indicator: 'NI 20', area: 'Boston', period: '2010-11' }])
  t.same(
    rows.map((r) => r.warnings),
    ['2010-11 was read as a month; for the financial year send FY2010-11 or 2010/11.'],
  )
  t.same(
    (await csvOf('2010-10')).map((r) => r.warnings),
    [''],
    'an ordinary month: the column is there, empty',
  )
})

t.test(
  'a series and its chart end at the latest figure, not today, and start at the first; an empty chart says so',
  async (t) => {
    const ctx = await buildTestApp(t)
    await seedPartnerships(ctx, 'alpha')
    const admin = await ctx.as('admin', 'alpha')
    const { call, post } = partnershipClient(ctx, 'alpha', admin)
    const area = await post('areas', { name: 'Boston', type: 'district' })
    const indicator = await post('indicators', {
      reference: 'NI 20',
      name: 'Assaults',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
    })
    const empty = await call('GET', `indicators/${indicator.id}/chart.svg?areaId=${area.id}`, admin)
    t.match(empty.body, /No data for these periods/, 'nothing to draw: said in the chart')
    await post('measurements/bulk', [
      { indicator: indicator.id, area: area.id, period: '2010-05', value: 31 },
      { indicator: indicator.id, area: area.id, period: '2010-06', value: 28 },
    ])
    const series = (await call('GET', `indicators/${indicator.id}/evaluation?areaId=${area.id}`, admin)).json()
    const periods = series.items.map((e: { evaluatedPeriod: string }) => e.evaluatedPeriod)
    t.same(periods, ['2010-05', '2010-06'], 'the window ends at the latest figure, and starts at the first')
    const year = (
      await call('GET', `indicators/${indicator.id}/evaluation?areaId=${area.id}&from=2009-07`, admin)
    ).json()
    t.equal(year.items.length, 12, 'from= is taken as asked, empty periods and all')
    const chart = await call('GET', `indicators/${indicator.id}/chart.svg?areaId=${area.id}`, admin)
    t.notMatch(chart.body, /No data/, 'a chart with figures draws them')
  },
)

t.test('decimals come back unpadded, and worked-out figures to the indicator’s places', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const area = await post('areas', { name: 'Peterborough', type: 'district' })
  const marac = await post('indicators', {
    reference: 'MARAC',
    name: 'Repeat MARAC cases',
    unit: 'percentage',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'ratio_of_sums',
    decimalPlaces: 1,
  })
  const target = await post('targets', {
    indicatorId: marac.id,
    areaId: area.id,
    period: 'FY2009-10',
    baselineValue: '27.000',
    targetValue: '27',
  })
  t.match(target, { baselineValue: '27', targetValue: '27', tolerancePercent: null }, 'not 27.000000')
  t.equal(marac.defaultTolerancePercent, '5', 'not 5.000')
  await post('measurements/bulk', [
    { indicator: 'MARAC', area: area.id, period: '2009-04', numerator: 9, denominator: 27 },
    { indicator: 'MARAC', area: area.id, period: '2009-05', numerator: 10, denominator: 27 },
  ])
  const stored = await call('GET', `measurements/${marac.id}/${area.id}/2009-05`, admin)
  t.equal(stored.json().value, '37.037037', 'a stored value keeps the places it was worked out to, unpadded')
  const evaluated = await call('GET', `evaluation?period=2009-05&asOf=2009-06-30`, admin)
  const e = evaluated.json().items[0].evaluation
  t.same(
    [e.actual.period, e.travel.previousPeriod.previous, e.travel.previousPeriod.current, e.comparison.actual],
    [37, 33.3, 37, 35.2],
    'figures worked out are to the indicator’s one place: never 37.037037 or 33.333333',
  )
})

t.test(
  'charts for committee papers: en-GB figures with units, month labels, a printable band, a clear label',
  async (t) => {
    const ctx = await buildTestApp(t)
    await seedPartnerships(ctx, 'alpha')
    const admin = await ctx.as('admin', 'alpha')
    const { call, post } = partnershipClient(ctx, 'alpha', admin)
    const area = await post('areas', { name: 'East Lindsey', type: 'district', code: 'E07000137' })
    const asb = await post('indicators', {
      reference: 'LOCAL ASB',
      name: 'ASB incidents reported to the police',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
    })
    // Seed 000: 7,547 in 2009/10, 3% less (7,321) for 2010/11; six months at about a twelfth of that.
    await post('targets', {
      indicatorId: asb.id,
      areaId: area.id,
      period: 'FY2010-11',
      baselineValue: 7547,
      changePercent: -3,
    })
    await post(
      'measurements/bulk',
      [640, 655, 702, 611, 598, 603].map((value, i) => ({
        indicator: 'LOCAL ASB',
        area: 'E07000137',
        period: `2010-${String(i + 4).padStart(2, '0')}`,
        value,
      })),
    )
    const chart = (await call('GET', `indicators/${asb.id}/chart.svg?areaId=${area.id}&from=2010-04&to=2011-03`, admin))
      .body
    t.same(xmlProblems(chart), [], 'well-formed')
    t.match(
      chart,
      />3,809 against 3,661</,
      'the latest year to date (640 + 655 + 702 + 611 + 598 + 603) against its target (7,321 x 6/12), with thousands separators',
    )
    t.match(chart, />AMBER</, 'and its RAG in words')
    t.match(chart, />Apr</, 'months by name')
    t.match(chart, />2010</, 'the year under the first month')
    t.match(chart, />Jan</)
    t.match(chart, />2011</, 'and under January')
    t.notMatch(chart, />2010-04</, 'no ISO months on the axis')
    t.match(chart, /stroke-dasharray="2 2"/, 'the edge of the tolerance band drawn as a dotted line')
    t.match(chart, /stroke="#424a53" stroke-width="1.4"/, 'in dark hatching that prints')
    t.match(chart, /Apr 2010 to Mar 2011/, 'the window in words')

    const marac = await post('indicators', {
      reference: 'MARAC',
      name: 'Repeat MARAC cases',
      unit: 'percentage',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'ratio_of_sums',
      decimalPlaces: 1,
    })
    await post('targets', { indicatorId: marac.id, areaId: area.id, period: 'FY2009-10', targetValue: 27 })
    await post('measurements/bulk', [
      { indicator: 'MARAC', area: 'E07000137', period: '2009-04', numerator: 9, denominator: 27 },
    ])
    const percent = (
      await call('GET', `indicators/${marac.id}/chart.svg?areaId=${area.id}&from=2009-04&to=2009-09`, admin)
    ).body
    t.match(percent, />33.3% against 27.0%</, 'a percentage to its place, with its unit')
    t.match(percent, />30%</, 'on the axis too')
  },
)
