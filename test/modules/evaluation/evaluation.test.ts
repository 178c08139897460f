import t from 'tap'
import Value from 'typebox/value'
import {
  EvaluationSchema,
  FlagSchema,
  PartnershipEvaluationSchema,
  ReportSchema,
} from '../../../src/modules/evaluation/evaluation.schemas.js'
import { loadDemo } from '../../../src/modules/demo/demo.service.js'
import { buildTestApp, xmlProblems } from '../../helper.js'

async function demo(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  const viewer = await ctx.as('viewer', 'peterborough')
  const get = (url: string, headers = viewer) =>
    ctx.app.inject({ method: 'GET', url: `/partnerships/peterborough${url}`, headers })
  const id = async (table: 'indicator' | 'area', where: string) => {
    const p = await ctx.db
      .selectFrom('partnership')
      .select('id')
      .where('slug', '=', 'peterborough')
      .executeTakeFirstOrThrow()
    const row =
      table === 'indicator'
        ? await ctx.db
            .selectFrom('indicator')
            .select('id')
            .where('partnershipId', '=', p.id)
            .where('reference', '=', where)
            .executeTakeFirstOrThrow()
        : await ctx.db
            .selectFrom('area')
            .select('id')
            .where('partnershipId', '=', p.id)
            .where('code', '=', where)
            .executeTakeFirstOrThrow()
    return row.id
  }
  return { ctx, viewer, get, ni47: await id('indicator', 'NI 47'), pb: await id('area', 'E06000031') }
}

t.test('Peterborough KSI months evaluate as DOMAIN.md rule 7 states: green, green, red, amber', async (t) => {
  const { get, ni47, pb } = await demo(t)
  const series = await get(`/indicators/${ni47}/evaluation?areaId=${pb}&from=2009-01&to=2009-04&asOf=2009-06-01`)
  t.equal(series.statusCode, 200, series.body)
  t.same(
    series.json().items.map((e: { rag: string }) => e.rag),
    ['green', 'green', 'red', 'amber'],
  )
  t.same(
    series
      .json()
      .items.map(
        (e: { comparison: { actual: number; target: number } }) => `${e.comparison.actual}/${e.comparison.target}`,
      ),
    ['9/9', '13/14', '25/23', '30/29'],
  )

  const all = await get('/evaluation?period=2009-03&asOf=2009-06-01')
  // The route serializes with JSON.stringify for speed, so nothing but this test holds it to its schema.
  const context = { Evaluation: EvaluationSchema, EvaluationFlag: FlagSchema }
  t.ok(
    Value.Check(context, PartnershipEvaluationSchema, all.json()),
    JSON.stringify([...Value.Errors(context, PartnershipEvaluationSchema, all.json())].slice(0, 3)),
  )
  t.same(
    all
      .json()
      .items.map((i: { indicator: { reference: string } }) => i.indicator.reference)
      .sort(),
    ['MARAC RPT', 'NI 40', 'NI 47', 'NI 48'],
    'the indicators with a target or data around March 2009',
  )
  const march = await get('/evaluation?period=2009-03&asOf=2009-06-01&rag=red')
  t.equal(march.statusCode, 200, march.body)
  t.same(
    march.json().items.map((i: { indicator: { reference: string } }) => i.indicator.reference),
    ['NI 47'],
    'only NI 47 is red in March 2009',
  )

  const tbc = await get('/evaluation?period=2009-03&asOf=2009-06-01&flag=no_target')
  t.same(
    tbc.json().items.map((i: { indicator: { reference: string } }) => i.indicator.reference),
    ['NI 48'],
    'filter by flag',
  )
  const roadSafety = all
    .json()
    .items.find((i: { indicator: { reference: string } }) => i.indicator.reference === 'NI 47').indicator.priorityIds[0]
  const byPriority = await get(`/evaluation?period=2009-03&asOf=2009-06-01&priorityId=${roadSafety}`)
  t.same(
    byPriority
      .json()
      .items.map((i: { indicator: { reference: string } }) => i.indicator.reference)
      .sort(),
    ['NI 47', 'NI 48'],
    'filter by priority: road safety',
  )
  t.same(
    (await get(`/evaluation?period=2009-03&asOf=2009-06-01&areaId=${pb}&rag=grey`))
      .json()
      .items.map((i: { indicator: { reference: string } }) => i.indicator.reference),
    ['MARAC RPT', 'NI 111', 'NI 16', 'NI 17', 'NI 20', 'NI 21', 'NI 26', 'NI 30', 'NI 33', 'NI 40', 'NI 48'],
    'asked for an area, every indicator is evaluated there: all grey in March 2009 but NI 47',
  )
  const exceptions = await get('/reports/exceptions?period=2009-03&asOf=2009-06-01')
  t.equal(exceptions.statusCode, 200, exceptions.body)
  const items = exceptions.json().priorities.flatMap((g: { items: unknown[] }) => g.items) as Array<{
    indicator: { reference: string }
    direction: string
    evaluation: { flags: Array<{ flag: string }> }
    actions: unknown[]
  }>
  const ksi = items.find((i) => i.indicator.reference === 'NI 47')!
  t.match(ksi, { direction: 'bad', actions: [] })
  t.ok(ksi.evaluation.flags.some((f) => f.flag === 'off_target'))
  t.ok(
    items.some((i) => i.indicator.reference === 'NI 48' && i.evaluation.flags.some((f) => f.flag === 'no_target')),
    'NI 48 (TBC) is an exception too',
  )
  const directions = exceptions
    .json()
    .priorities.map((g: { items: Array<{ direction: string }> }) => g.items.map((i) => i.direction).join(','))
  for (const d of directions) t.notMatch(d, /good,bad/, 'bad before good within each priority')

  t.ok(Value.Check(context, ReportSchema, exceptions.json()))
  const csv = await get('/reports/exceptions?period=2009-03&asOf=2009-06-01&format=csv')
  t.match(csv.headers['content-type'], 'text/csv')
  const lines = csv.body.trim().split('\n')
  t.match(lines[0], /^priority_code,priority_name,direction,indicator,indicator_name,area,area_code,period/)
  t.ok(
    lines.some((l) => l.includes('NI 47') && l.includes(',25,23,2,8.7,red,off_target')),
    'the CSV carries the figures',
  )
})

t.test('commentary: author from the token, latest shown in the reports', async (t) => {
  const { ctx, get, ni47, pb } = await demo(t)
  const officer = await ctx.as('officer', 'peterborough')
  const post = (body: object, headers = officer) =>
    ctx.app.inject({ method: 'POST', url: '/partnerships/peterborough/commentary', headers, payload: body })
  const first = await post({ indicatorId: ni47, areaId: pb, period: '2009-02', body: 'On profile.' })
  t.equal(first.statusCode, 201, first.body)
  t.equal(first.json().author, 'officer@peterborough')
  const second = await post({
    indicatorId: ni47,
    areaId: pb,
    period: '2009-03',
    body: 'March above profile: two serious collisions on the A47.',
  })
  t.equal(second.statusCode, 201)
  t.equal(
    (await post({ indicatorId: ni47, areaId: pb, period: '2009-03', body: 'x', author: 'someone else' })).statusCode,
    400,
    'the author cannot be sent',
  )
  t.equal(
    (await post({ indicatorId: ni47, areaId: pb, period: '2009-3', body: 'x' })).statusCode,
    400,
    'a malformed period is refused',
  )
  t.equal(
    (
      await post(
        { indicatorId: ni47, areaId: pb, period: '2009-03', body: 'x' },
        await ctx.as('viewer', 'peterborough'),
      )
    ).statusCode,
    403,
    'viewers read, not write',
  )
  const report = await get('/reports/performance?period=2009-Q1&asOf=2009-06-01')
  t.equal(report.statusCode, 200, report.body)
  const ksi = report
    .json()
    .priorities.flatMap((g: { items: unknown[] }) => g.items)
    .find((i: { indicator: { reference: string } }) => i.indicator.reference === 'NI 47')
  t.match(ksi.commentary, {
    body: 'March above profile: two serious collisions on the A47.',
    author: 'officer@peterborough',
    period: '2009-03',
  })
  const feb = await get('/reports/performance?period=2009-02&asOf=2009-06-01')
  const febKsi = feb
    .json()
    .priorities.flatMap((g: { items: unknown[] }) => g.items)
    .find((i: { indicator: { reference: string } }) => i.indicator.reference === 'NI 47')
  t.equal(febKsi.commentary.body, 'On profile.', 'a report shows the latest comment up to its period, not a later one')
  const other = await ctx.as('viewer', 'east-lincolnshire')
  t.equal(
    (
      await ctx.app.inject({
        method: 'GET',
        url: `/partnerships/peterborough/commentary/${second.json().id}`,
        headers: other,
      })
    ).statusCode,
    404,
    'another partnership sees nothing',
  )
})

t.test('the trend chart is SVG with the RAG of the latest point in words', async (t) => {
  const { ctx, get, ni47, pb } = await demo(t)
  const chart = await get(`/indicators/${ni47}/chart.svg?areaId=${pb}&from=2009-01&to=2009-12&asOf=2009-06-01`)
  t.equal(chart.statusCode, 200, chart.body)
  t.match(chart.headers['content-type'], 'image/svg+xml')
  t.match(chart.body, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  t.match(chart.body, />AMBER</, 'April, the latest point, is labelled AMBER')
  t.match(chart.body, /stroke-dasharray="8 5"/, 'the target is dashed')
  t.match(chart.body, /<title id="title">NI 47: People killed or seriously injured/)
  t.same(xmlProblems(chart.body), [], 'well-formed XML')

  // Names come from users: control characters (which XML cannot carry) and markup must not break the SVG.
  const officer = await ctx.as('officer', 'peterborough')
  await ctx.app.inject({
    method: 'PATCH',
    url: `/partnerships/peterborough/indicators/${ni47}`,
    headers: { ...officer, 'if-match': '*' },
    payload: { name: 'KSI \u0001\u0008 <b>"&\u001f' },
  })
  const hostile = await get(`/indicators/${ni47}/chart.svg?areaId=${pb}&from=2009-01&to=2009-12&asOf=2009-06-01`)
  t.equal(hostile.statusCode, 200)
  t.same(xmlProblems(hostile.body), [], 'still well-formed XML')
  t.match(hostile.body, /NI 47: KSI {2}&lt;b&gt;&quot;&amp;/)
})

t.test('bad input and other tenants', async (t) => {
  const { ctx, get, ni47, pb } = await demo(t)
  t.equal((await get('/evaluation?period=2009-13')).statusCode, 400)
  t.equal((await get('/evaluation')).statusCode, 400, 'period is required')
  t.equal(
    (await get(`/indicators/${ni47}/evaluation?areaId=${pb}&from=2009-06&to=2009-01`)).statusCode,
    400,
    'a backwards range',
  )
  t.equal(
    (await get(`/indicators/${ni47}/evaluation?areaId=${pb}&from=1990-01&to=2009-01`)).statusCode,
    400,
    'too long a range',
  )
  const elHeaders = await ctx.as('viewer', 'east-lincolnshire')
  t.equal(
    (
      await ctx.app.inject({
        method: 'GET',
        url: `/partnerships/east-lincolnshire/indicators/${ni47}/evaluation?areaId=${pb}`,
        headers: elHeaders,
      })
    ).statusCode,
    404,
    "another partnership's indicator reads as absent",
  )
  t.equal((await get('/reports/exceptions?period=2009-03', elHeaders)).statusCode, 404, 'a non-member gets 404')
})

t.test(
  'an area with no figures of its own is evaluated from its children (East Lincolnshire from Boston and East Lindsey)',
  async (t) => {
    const { ctx } = await demo(t)
    const officer = await ctx.as('officer', 'east-lincolnshire')
    const viewer = await ctx.as('viewer', 'east-lincolnshire')
    const p = await ctx.db
      .selectFrom('partnership')
      .select('id')
      .where('slug', '=', 'east-lincolnshire')
      .executeTakeFirstOrThrow()
    const ids = async (table: 'area' | 'indicator', column: 'code' | 'reference', value: string) =>
      (
        await ctx.db
          .selectFrom(table)
          .select('id')
          .where('partnershipId', '=', p.id)
          .where(column, '=', value)
          .executeTakeFirstOrThrow()
      ).id
    const [ni20, parent, boston] = [
      await ids('indicator', 'reference', 'NI 20'),
      await ids('area', 'code', 'EAST-LINCS'),
      await ids('area', 'code', 'E07000136'),
    ]
    // The demo's illustrative NI 20 months would mix with the figures below: this test brings its own.
    await ctx.db.deleteFrom('measurement').where('indicatorId', '=', ni20).execute()
    const rows = [
      'indicator,area,period,value',
      'NI 20,E07000136,2010-04,30',
      'NI 20,E07000137,2010-04,60',
      'NI 20,E07000136,2010-05,25',
      'NI 20,E07000137,2010-05,55',
      'NI 20,E07000136,2010-06,28',
    ].join('\n')
    const loaded = await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/east-lincolnshire/measurements/bulk',
      headers: { ...officer, 'content-type': 'text/csv' },
      payload: rows,
    })
    t.equal(loaded.statusCode, 200, loaded.body)
    const series = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/east-lincolnshire/indicators/${ni20}/evaluation?areaId=${parent}&from=2010-04&to=2010-06&asOf=2010-12-01`,
      headers: viewer,
    })
    t.equal(series.statusCode, 200, series.body)
    t.equal(series.json().rolledUp, true)
    t.same(
      series.json().items.map((e: { actual: { period: number | null } }) => e.actual.period),
      [90, 80, null],
      'April 30 + 60, May 25 + 55; June is missing for East Lindsey, so for the whole',
    )
    t.match(series.json().items[2], { rag: 'grey', flags: [{ flag: 'missing_data' }] })
    const own = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/east-lincolnshire/indicators/${ni20}/evaluation?areaId=${boston}&from=2010-04&to=2010-06&asOf=2010-12-01`,
      headers: viewer,
    })
    t.match(own.json(), { rolledUp: false })
    t.match(
      own.json().items[2],
      { actual: { ytd: 83 }, target: { year: 330, period: 83, basis: 'pro_rata' }, rag: 'green' },
      'Boston: 83 against 330 x 3/12 = 82.5, shown as 83',
    )
  },
)
