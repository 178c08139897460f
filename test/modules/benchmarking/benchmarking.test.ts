import { parse } from 'csv-parse/sync'
import t from 'tap'
import { buildTestApp, partnershipClient, seedPartnerships, xmlProblems } from '../../helper.js'

/** An East Lindsey peer group as iQuanta drew one: six districts like it, revised for 2010/11. */
async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const officer = await ctx.as('officer', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', officer)
  const admin = await ctx.as('admin', 'alpha')
  const lindsey = await post('areas', { name: 'East Lindsey', type: 'district', code: 'E07000137' }, admin)
  const boston = await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' }, admin)
  const cd = await post('indicators', {
    reference: 'LOCAL CD',
    name: 'Criminal damage offences',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  // Seed 000: East Lindsey's 2,195 criminal damage offences in 2009/10, month by month.
  const months = [170, 180, 190, 205, 210, 185, 175, 165, 180, 170, 175, 190]
  await post(
    'measurements/bulk',
    months.map((value, i) => ({
      indicator: 'LOCAL CD',
      area: 'E07000137',
      period: `${i < 9 ? 2009 : 2010}-${String(((i + 3) % 12) + 1).padStart(2, '0')}`,
      value,
    })),
  )
  const bulk = (url: string, csv: string, headers = officer) =>
    ctx.app.inject({
      method: 'POST',
      url: `/partnerships/alpha/${url}`,
      headers: { ...headers, 'content-type': 'text/csv' },
      payload: csv,
    })
  return { ctx, officer, admin, call, post, bulk, lindsey, boston, cd }
}

const POPULATIONS = `code,year,population,source
E07000137,2009,140000,ONS mid-2009 (approximate)
E07000136,2009,60000,ONS mid-2009 (approximate)
P1,2009,100000,illustrative
P2,2009,120000,illustrative
P3,2009,90000,illustrative
P4,2009,110000,illustrative
P5,2009,130000,illustrative
P5,2010,131000,illustrative
P6,2010,95000,illustrative
`

t.test(
  'populations in bulk, a group whose membership changes, and a comparison of each year with its own members',
  async (t) => {
    const { call, post, bulk, cd, lindsey, officer } = await setup(t)
    const loaded = await bulk('populations/bulk', POPULATIONS)
    t.equal(loaded.statusCode, 200, loaded.body)
    t.match(loaded.json(), { received: 9, inserted: 9 })
    t.match(
      (await bulk('populations/bulk', POPULATIONS)).json(),
      { inserted: 0, updated: 0, unchanged: 9 },
      'idempotent',
    )
    const refused = await bulk('populations/bulk', 'code,year,population\nP7,2009,-3\n')
    t.equal(refused.statusCode, 422)
    t.match(refused.json().errors, [{ field: 'rows.1.population', value: '-3', line: 2 }])

    const group = await post('peer-groups', { name: 'East Lindsey MSG', source: 'Illustrative' })
    const member = (body: object) => post(`peer-groups/${group.id}/members`, body)
    await member({ areaId: lindsey.id, startsOn: '2009-04-01' })
    for (const [code, name] of [
      ['P1', 'Coastal One'],
      ['P2', 'Coastal Two'],
      ['P3', 'Coastal Three'],
      ['P4', 'Coastal Four'],
      ['P5', 'Coastal Five'],
    ])
      await member({ code, name, startsOn: '2009-04-01', ...(code === 'P4' ? { endsOn: '2010-03-31' } : {}) })
    // The group was revised for 2010/11: P4 left, P6 joined.
    await member({ code: 'P6', name: 'Coastal Six', startsOn: '2010-04-01' })
    const twice = await post(`peer-groups/${group.id}/members`, {
      code: 'P6',
      name: 'Coastal Six',
      startsOn: '2011-01-01',
    }).catch((err: Error) => err.message)
    t.match(twice, /409/, 'one code is in a group once on any day')

    const figures = `indicator,code,period,value,source
LOCAL CD,P1,FY2009-10,1200,iQuanta (illustrative)
LOCAL CD,P2,FY2009-10,1700,iQuanta (illustrative)
LOCAL CD,P3,FY2009-10,900,iQuanta (illustrative)
LOCAL CD,P4,FY2009-10,1300,iQuanta (illustrative)
LOCAL CD,P5,FY2009-10,1500,iQuanta (illustrative)
LOCAL CD,P6,FY2009-10,1000,iQuanta (illustrative)
`
    const sent = await bulk('peer-figures/bulk', figures)
    t.match(sent.json(), { received: 6, inserted: 6 }, sent.body)

    const compare = (period: string, format = '') =>
      call('GET', `peer-groups/${group.id}/comparison?indicatorId=${cd.id}&period=${period}${format}`, officer)
    const res = await compare('FY2009-10')
    t.equal(res.statusCode, 200, res.body)
    const c = res.json()
    t.equal(c.membersOn, '2010-03-31')
    t.same(
      c.members.map((m: { code: string }) => m.code).sort(),
      ['E07000137', 'P1', 'P2', 'P3', 'P4', 'P5'],
      "2009/10: the group as it stood on the year's last day, P4 still in it and P6 not yet",
    )
    t.same(
      c.missing,
      [],
      'every member has a population and figures covering the year (East Lindsey its twelve months)',
    )
    const total = 2195 + 1200 + 1700 + 900 + 1300 + 1500
    const people = 140_000 + 100_000 + 120_000 + 90_000 + 110_000 + 130_000
    t.ok(
      Math.abs(c.groupRate - (total / people) * 1000) < 1e-9,
      'group rate: the sum of counts over the sum of populations',
    )
    const el = c.members.find((m: { code: string }) => m.code === 'E07000137')
    t.match(el, { ours: true, count: 2195, population: 140_000, populationYear: 2009 })
    t.ok(Math.abs(el.rate - (2195 / 140_000) * 1000) < 1e-9, "East Lindsey's rate: 15.7 per 1,000")
    t.ok(Math.abs(el.expected - (140_000 * total) / people) < 1e-9)
    t.equal(el.bands['95'], 'above', 'significantly above its group at 95%...')
    t.equal(el.rank, 6, '...and last of six where lower is better')
    t.equal(el.quartile, 4)

    // 2010/11 uses the group as revised; P6 has no population for 2010/11 (2010 is there) but no figures.
    const next = (await compare('FY2010-11')).json()
    t.same(
      next.members.map((m: { code: string }) => m.code),
      [],
      'no member has figures for 2010/11 yet',
    )
    t.same(
      next.missing.map((m: { code: string }) => m.code).sort(),
      ['E07000137', 'P1', 'P2', 'P3', 'P5', 'P6'],
      '2010/11: P4 gone, P6 in: each listed with why it is left out',
    )

    const csv = await compare('FY2009-10', '&format=csv')
    t.ok(csv.body.startsWith('\ufeffcode,name,ours,count,population,rate'), 'CSV, a row per member')
    t.match(csv.body, /E07000137,East Lindsey,yes,2195,140000,15\.68/)
    // By code unless asked by rank: best first (lower is better here), East Lindsey last of six.
    const byCode = c.members.map((m: { code: string }) => m.code)
    t.same(byCode, [...byCode].sort(), 'by code by default')
    const ranked = (await compare('FY2009-10', '&sort=rank')).json().members as Array<{ code: string; rank: number }>
    t.same(
      ranked.map((m) => m.rank),
      [...ranked.map((m) => m.rank)].sort((a, b) => a - b),
      'sort=rank: best first',
    )
    t.equal(ranked[ranked.length - 1]!.code, 'E07000137')
    const rankedCsv = parse((await compare('FY2009-10', '&sort=rank&format=csv')).body, { bom: true }) as string[][]
    t.same(
      rankedCsv.slice(1).map((row) => row[0]),
      ranked.map((m) => m.code),
      'and the CSV in the same order',
    )

    const funnel = await call(
      'GET',
      `peer-groups/${group.id}/funnel.svg?indicatorId=${cd.id}&period=FY2009-10`,
      officer,
    )
    t.equal(funnel.statusCode, 200)
    t.same(xmlProblems(funnel.body), [], 'a well-formed SVG')
    t.match(funnel.body, /font-weight="bold"[^>]*>East Lindsey</, 'our area named in bold')
    t.match(funnel.body, /Coastal Three/)
    t.match(funnel.body, /stroke-dasharray="7 4"/, '95% limits dashed')
    t.match(funnel.body, /stroke-dasharray="2 3"/, '99.8% limits dotted')
  },
)

t.test('a rate of the population: counts sent, rates worked out for a month, a year to date, rolling 12', async (t) => {
  const { post, call, bulk, officer } = await setup(t)
  await bulk('populations/bulk', 'code,year,population\nE07000137,2009,120000\nE07000137,2010,125000\n')
  const rate = await post('indicators', {
    reference: 'CD RATE',
    name: 'Criminal damage per 1,000 people',
    unit: 'rate',
    ratePer: 1000,
    rateDenominator: 'population',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'ratio_of_sums',
    decimalPlaces: 2,
  })
  t.equal(rate.rateDenominator, 'population')
  const refused = await call('PUT', `measurements/CD%20RATE/E07000137/2009-04`, officer, {
    numerator: 10,
    denominator: 1000,
  })
  t.equal(refused.statusCode, 400, 'a rate of the population is sent as its count')
  const counts = Array.from({ length: 15 }, (_, i) => 100 + i)
  await post(
    'measurements/bulk',
    counts.map((value, i) => ({
      indicator: 'CD RATE',
      area: 'E07000137',
      period: `${i < 9 ? 2009 : 2010}-${String(((i + 3) % 12) + 1).padStart(2, '0')}`,
      value,
    })),
  )
  await post('targets', {
    indicatorId: rate.id,
    areaId: (await call('GET', 'areas?code=E07000137', officer)).json().items[0].id,
    period: 'FY2010-11',
    targetValue: '10',
  })
  const items = (await call('GET', 'evaluation?period=2010-06&indicatorId=' + rate.id, officer)).json().items
  const e = items[0].evaluation
  // June 2010: 114 offences in a month among 125,000 people (mid-2010) is 114 x 12 / 125,000 x 1,000 a year.
  t.equal(e.actual.period, Number((((114 * 12) / 125_000) * 1000).toFixed(2)), 'a month, as a yearly rate')
  // April to June 2010: 112 + 113 + 114 over a quarter of a year of 125,000 people.
  t.equal(e.actual.ytd, Number((((112 + 113 + 114) / (125_000 / 4)) * 1000).toFixed(2)), 'the year to date')
  // July 2009 to June 2010: 103 + ... + 114; each month's people are its calendar year's mid-year
  // estimate, so six months of mid-2009 and six of mid-2010.
  const twelve = counts.slice(3, 15).reduce((a, b) => a + b, 0)
  const people = (120_000 * 6 + 125_000 * 6) / 12
  t.equal(e.actual.rolling12, Number(((twelve / people) * 1000).toFixed(2)), 'rolling twelve months')
  t.equal(e.target.year, 10, 'judged against a target in the same units')
})

t.test(
  'an area significantly worse than its group raises peer_outlier in the evaluation and the exception report',
  async (t) => {
    const { post, call, bulk, cd, lindsey, boston, officer } = await setup(t)
    await bulk('populations/bulk', POPULATIONS)
    const group = await post('peer-groups', { name: 'East Lindsey MSG' })
    await post(`peer-groups/${group.id}/members`, { areaId: lindsey.id, startsOn: '2009-04-01' })
    for (const code of ['P1', 'P2', 'P3', 'P5'])
      await post(`peer-groups/${group.id}/members`, { code, name: `Peer ${code}`, startsOn: '2009-04-01' })
    // Their first six months of 2009/10, at about half East Lindsey's rate.
    const rows = ['indicator,code,period,value']
    for (const [code, monthly] of [
      ['P1', 50],
      ['P2', 60],
      ['P3', 45],
      ['P5', 65],
    ] as const)
      for (let m = 4; m <= 9; m++) rows.push(`LOCAL CD,${code},2009-${String(m).padStart(2, '0')},${monthly}`)
    t.match((await bulk('peer-figures/bulk', `${rows.join('\n')}\n`)).json(), { inserted: 24 })
    await post('targets', { indicatorId: cd.id, areaId: lindsey.id, period: 'FY2009-10', targetValue: '2107' })
    const evaluation = (await call('GET', `evaluation?period=2009-09&areaId=${lindsey.id}`, officer)).json()
    const flag = evaluation.items[0].evaluation.flags.find((f: { flag: string }) => f.flag === 'peer_outlier')
    t.match(flag, {
      direction: 'bad',
      figures: { group: 'East Lindsey MSG', count: 170 + 180 + 190 + 205 + 210 + 185, members: 5 },
    })
    t.match(flag.reason, /significantly worse than its peer group East Lindsey MSG/)
    const report = (await call('GET', 'reports/exceptions?period=2009-09', officer)).json()
    const listed = report.priorities
      .flatMap((p: { items: unknown[] }) => p.items)
      .find((i: { area: { id: string } }) => i.area.id === lindsey.id)
    t.ok(
      listed.evaluation.flags.some((f: { flag: string }) => f.flag === 'peer_outlier'),
      'in the exception report',
    )
    t.equal(listed.direction, 'bad')
    // Boston is in no group: no comparison, no flag.
    await post('measurements/bulk', [{ indicator: 'LOCAL CD', area: boston.id, period: '2009-09', value: 3 }])
    const bostonItem = (await call('GET', `evaluation?period=2009-09&areaId=${boston.id}`, officer)).json().items[0]
    t.notOk(bostonItem.evaluation.flags.some((f: { flag: string }) => f.flag === 'peer_outlier'))
  },
)

t.test("another partnership's groups do not exist for it", async (t) => {
  const { ctx, post, cd } = await setup(t)
  const group = await post('peer-groups', { name: 'East Lindsey MSG' })
  const beta = await ctx.as('viewer', 'beta')
  for (const url of [
    `peer-groups/${group.id}`,
    `peer-groups/${group.id}/comparison?indicatorId=${cd.id}&period=FY2009-10`,
    `peer-groups/${group.id}/members`,
  ]) {
    const res = await ctx.app.inject({ method: 'GET', url: `/partnerships/beta/${url}`, headers: beta })
    t.equal(res.statusCode, 404, url)
  }
})

t.test('a peer group is capped: the 1,001st member and a comparison of a larger group are 422', async (t) => {
  const { ctx, call, post, bulk, cd, lindsey, officer } = await setup(t)
  const group = await post('peer-groups', { name: 'Every district', source: 'Illustrative' })
  await post(`peer-groups/${group.id}/members`, { areaId: lindsey.id, startsOn: '2009-04-01' })
  const codes = Array.from({ length: 998 }, (_, i) => `Q${String(i).padStart(4, '0')}`)
  // Members straight into the table (the API would take a thousand requests); figures through the bulk path.
  const { partnershipId } = await ctx.db
    .selectFrom('peerGroup')
    .select('partnershipId')
    .where('id', '=', group.id)
    .executeTakeFirstOrThrow()
  const insert = (list: string[]) =>
    ctx.db
      .insertInto('peerMember')
      .values(
        list.map((code) => ({
          partnershipId,
          groupId: group.id,
          code,
          name: `District ${code}`,
          startsOn: '2009-04-01',
        })),
      )
      .execute()
  await insert(codes)
  const people = [
    'code,year,population',
    'E07000137,2009,140000',
    ...codes.map((c, i) => `${c},2009,${80_000 + i * 97}`),
  ]
  t.equal((await bulk('populations/bulk', people.join('\n'))).statusCode, 200)
  const counts = [
    'indicator,code,period,value',
    ...codes.map((c, i) => `LOCAL CD,${c},FY2009-10,${900 + ((i * 37) % 900)}`),
  ]
  t.equal((await bulk('peer-figures/bulk', counts.join('\n'))).statusCode, 200)

  const last = await call('POST', `peer-groups/${group.id}/members`, officer, {
    code: 'Q9999',
    name: 'The thousandth',
    startsOn: '2010-04-01',
  })
  t.equal(last.statusCode, 201, 'the thousandth member is taken')
  const over = await call('POST', `peer-groups/${group.id}/members`, officer, {
    code: 'Q9998',
    name: 'One too many',
    startsOn: '2010-04-01',
  })
  t.equal(over.statusCode, 422)
  t.match(over.json(), { code: 'PEER_GROUP.TOO_LARGE', detail: /at most 1,000 members/ })

  const at = `indicatorId=${cd.id}&period=FY2009-10`
  const compared = await call('GET', `peer-groups/${group.id}/comparison?${at}`, officer)
  t.equal(compared.statusCode, 200)
  t.equal(compared.json().members.length, 999, 'every member with figures for the year (the thousandth joined later)')
  const funnel = await call('GET', `peer-groups/${group.id}/funnel.svg?${at}`, officer)
  t.equal(funnel.statusCode, 200)
  t.same(xmlProblems(funnel.body), [], 'a well-formed SVG')
  t.match(funnel.body, /font-weight="bold"[^>]*>East Lindsey</, 'our area always named')
  t.match(funnel.body, /Named: 24 of 999/, 'past two dozen, the plot names ours and the peers furthest out')
  t.equal((funnel.body.match(/<circle /g) ?? []).length, 999 + 2, 'every member plotted (and two in the legend)')

  // A group kept from before the cap is refused at read, not computed.
  await insert(['Q9997', 'Q9996'])
  for (const path of ['comparison', 'funnel.svg']) {
    const res = await call('GET', `peer-groups/${group.id}/${path}?indicatorId=${cd.id}&period=FY2010-11`, officer)
    t.equal(res.statusCode, 422, path)
    t.match(res.json(), { code: 'PEER_GROUP.TOO_LARGE', detail: /1,002 members on 2011-03-31/ })
  }
})
