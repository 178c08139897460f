import { parse } from 'csv-parse/sync'
import fs from 'node:fs'
import t from 'tap'
import { loadDemo } from '../../../src/modules/demo/demo.service.js'
import { BOSTON_LSOAS } from '../../../src/modules/demo/east-lincolnshire-lsoas.js'
import { buildTestApp } from '../../helper.js'

const TABLES = [
  'partnership',
  'area',
  'agency',
  'priority',
  'objective',
  'theme',
  'indicator',
  'target',
  'measurement',
  'measurementRevision',
  'partnershipGroup',
  'groupMember',
  'member',
  'actionItem',
  'actionMilestone',
  'fundingStream',
  'fundingAllocation',
  'risk',
  'riskAssessment',
  'feedMapping',
  'feedLocation',
  'population',
  'peerGroup',
  'peerMember',
  'peerFigure',
  'auditEvent',
] as const

t.test('the demo loads both partnerships, and loading it twice changes nothing', async (t) => {
  const ctx = await buildTestApp(t)
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        TABLES.map(async (table) => {
          const { n } = await ctx.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
          return [table, n]
        }),
      ),
    )
  t.match(
    await loadDemo(ctx.db),
    [
      {
        partnership: 'east-lincolnshire',
        indicators: 26,
        targets: 36,
        measurements: { inserted: 404 },
        actions: 33,
        peerGroups: 1,
        peerFigures: { inserted: 72 },
      },
      { partnership: 'peterborough', measurements: { inserted: 22 } },
      { partnership: 'charnwood', fundingStreams: 2 },
    ],
    'the load says what it loaded',
  )
  const first = await counts()
  t.match(first, {
    partnership: 3,
    area: 9,
    agency: 25,
    priority: 16,
    objective: 14,
    theme: 2,
    indicator: 57,
    target: 61,
    measurement: 429,
    measurementRevision: 0,
    partnershipGroup: 19,
    groupMember: 35,
    actionItem: 33,
    actionMilestone: 70,
    fundingStream: 2,
    fundingAllocation: 20,
    risk: 10,
    riskAssessment: 30,
    feedMapping: 1,
    feedLocation: 121,
    population: 16,
    peerGroup: 1,
    peerMember: 7,
    peerFigure: 72,
  })
  t.match(
    (await loadDemo(ctx.db))[0],
    { measurements: { inserted: 0, updated: 0, unchanged: 404 }, peerFigures: { inserted: 0, unchanged: 72 } },
    'and a second load finds it all there',
  )
  t.same(await counts(), first, 'a second run writes nothing, not even audit events')

  const headers = await ctx.as('viewer', 'east-lincolnshire')
  const priorities = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/east-lincolnshire/priorities?sort=name',
    headers,
  })
  t.same(
    priorities.json().items.map((p: { code: string }) => p.code),
    ['P3', 'P1', 'P4', 'P2'],
    'a viewer lists its priorities',
  )
  // Seed 003 section 4: "These are the priority areas of this Partnership Plan", and 8.7's satisfaction.
  const pbPriorities = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/peterborough/priorities?limit=50',
    headers: await ctx.as('viewer', 'peterborough'),
  })
  t.same(
    pbPriorities
      .json()
      .items.map((p: { name: string }) => p.name)
      .sort(),
    [
      'Anti Social Behaviour',
      'Domestic Abuse',
      'Integrated Offender Management',
      'Road Safety',
      'Satisfaction Levels',
      'Serious Acquisitive Crime',
      'Serious Sexual Violence',
      'Violent Crime',
    ],
    "Peterborough's eight priorities, as its plan lists them",
  )
  const districts = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/east-lincolnshire/areas?type=district',
    headers,
  })
  t.same(
    districts.json().items.map((a: { name: string; code: string }) => `${a.name} ${a.code}`),
    ['Boston E07000136', 'East Lindsey E07000137'],
  )

  const lookup = async (slug: string, reference: string) =>
    (
      await ctx.app.inject({
        method: 'GET',
        url: `/partnerships/${slug}/indicators?limit=200`,
        headers: await ctx.as('viewer', slug),
      })
    )
      .json()
      .items.find((i: { reference: string }) => i.reference === reference)
  const ni20 = await lookup('east-lincolnshire', 'NI 20')
  const targets = (
    await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/east-lincolnshire/targets?indicatorId=${ni20.id}`,
      headers,
    })
  ).json().items
  t.same(
    targets
      .map(
        (x: { baselineValue: string; targetValue: string }) => `${Number(x.baselineValue)} -> ${Number(x.targetValue)}`,
      )
      .sort(),
    ['374 -> 330', '763 -> 673'],
    'NI 20 targets by rule 1 (Boston 330, where the plan prints 331)',
  )
  const monitored = await lookup('east-lincolnshire', 'LOCAL UBWL')
  t.match(
    monitored,
    { polarity: 'monitor_only', frequency: 'quarterly' },
    '"monitored on a quarterly basis" indicators have no target',
  )
  const tbc = (
    await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/east-lincolnshire/targets?status=tbc&limit=200',
      headers,
    })
  ).json().items
  t.ok(tbc.length >= 10, 'TBC targets are kept as TBC')

  // Seed 000's action plans: the Sanctuary Scheme as the plan prints it.
  const ni32 = await lookup('east-lincolnshire', 'NI 32')
  const sanctuary = (
    await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/east-lincolnshire/actions?q=Sanctuary%20Scheme&asOf=2010-06-30',
      headers,
    })
  ).json().items
  t.match(
    sanctuary,
    [
      {
        reference: 'P2-4.1',
        title: 'Sanctuary Scheme (Target hardening for victims of Domestic Abuse)',
        starts: '2010-04',
        ends: '2011-03',
        timing: 'April 2010-March 2011',
        leadName: 'East Lincolnshire CSP',
        resources: [{ amountPence: 600000, source: 'DA SMB', secured: true, amountTbc: false }],
        indicatorIds: [ni32.id],
        outcomes: ['Reduction in repeat victims of Domestic Abuse'],
        status: 'not_started',
      },
    ],
    'the Sanctuary Scheme: £6,000 from the DA SMB, secured, linked to NI 32',
  )
  const p2 = (
    await ctx.app.inject({ method: 'GET', url: '/partnerships/east-lincolnshire/priorities?code=P2', headers })
  ).json().items[0]
  const plan = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/east-lincolnshire/priorities/${p2.id}/action-plan?asOf=2010-06-30&format=csv`,
    headers,
  })
  const rows = parse(plan.body, { bom: true }) as string[][]
  t.equal(rows.length, 11, 'the Violent Crime & Substance Misuse plan: ten actions')
  t.same(rows.find((r) => r[1] === 'P2-4.1')!.slice(4, 11), [
    'Q1-4: Monitor use of equipment',
    'April 2010-March 2011',
    'East Lincolnshire CSP',
    '',
    '£6,000 DA SMB - Secured',
    'Reduction in repeat victims of Domestic Abuse',
    'NI 32',
  ])
  t.same(
    rows.find((r) => r[1] === 'P2-1.2')!.slice(6, 9),
    [
      'TBC',
      'East Lindsey District Council\nLincolnshire Police\nLocal churches',
      'for training £3,500 (approx) - Not secured',
    ],
    'Skegness Street Pastors: lead TBC, £3,500 (approx) not yet secured',
  )

  // Seed 000's risk register, loaded through the services: the second matrix, and the movement to the third.
  const heat = (
    await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/east-lincolnshire/risks/heatmap?exposure=current&at=2010-06-30&compareTo=2010-05-31',
      headers,
    })
  ).json() as {
    cells: Array<{ likelihood: number; impact: number; references: string[] }>
    movement: Array<{ reference: string; direction: string }>
  }
  t.same(
    heat.cells
      .filter((c) => c.references.length > 0)
      .map((c) => `L${c.likelihood} I${c.impact}: ${c.references.join(',')}`),
    ['L2 I2: CSP2', 'L2 I3: CSP8,CSP9,CSP10', 'L2 I4: CSP1', 'L1 I1: CSP3,CSP5', 'L1 I2: CSP6,CSP7', 'L1 I3: CSP4'],
    'the third matrix',
  )
  t.same(
    heat.movement.filter((m) => m.direction !== 'none').map((m) => `${m.reference} ${m.direction}`),
    ['CSP2 down', 'CSP3 down'],
  )

  // Seed 002's two streams, allocated to the penny.
  const charnwood = await ctx.as('viewer', 'charnwood')
  const streams = (
    await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/charnwood/funding-streams?sort=name',
      headers: charnwood,
    })
  ).json().items
  interface Statement {
    stream: { name: string }
    ledger: { amountPence: number; allocatedPence: number; unallocatedPence: number }
    allocations: Array<{ description: string; contingency: boolean; ledger: { amountPence: number } }>
  }
  const statements: Statement[] = await Promise.all(
    streams.map(
      async (stream: { id: string }) =>
        (
          await ctx.app.inject({
            method: 'GET',
            url: `/partnerships/charnwood/funding-streams/${stream.id}/statement`,
            headers: charnwood,
          })
        ).json() as Statement,
    ),
  )
  t.same(
    statements.map((s) => [
      s.stream.name,
      s.ledger.amountPence,
      s.ledger.allocatedPence,
      s.ledger.unallocatedPence,
      s.allocations.length,
      s.allocations.filter((a) => a.contingency).map((a) => a.ledger.amountPence),
    ]),
    [
      ['Basic Command Unit (BCU) Fund', 1800000, 1800000, 0, 5, [800000]],
      ['Safer and Stronger Communities Fund', 9635100, 9635100, 0, 15, [1307600]],
    ],
    'SSCF £96,351.00 over fifteen lines with a £13,076 contingency; BCU £18,000.00 over five',
  )

  const pb = await ctx.as('viewer', 'peterborough')
  const ni47 = await lookup('peterborough', 'NI 47')
  const ksiTarget = (
    await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/peterborough/targets?indicatorId=${ni47.id}`,
      headers: pb,
    })
  ).json().items[0]
  t.match(
    ksiTarget,
    { period: '2009', periodStart: '2009-01-01', targetValue: '99', profile: { cumulative: true } },
    'NI 47 on the calendar year with its cumulative profile',
  )
  t.same(
    ksiTarget.profile.values.slice(0, 4).map((v: { value: string }) => v.value),
    ['9', '14', '23', '29'],
  )
  const ksi = (
    await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/peterborough/measurements?indicatorId=${ni47.id}`,
      headers: pb,
    })
  ).json().items
  t.same(
    ksi.map((m: { period: string; value: string }) => `${m.period} ${m.value}`),
    ['2009-01 9', '2009-02 4', '2009-03 12', '2009-04 5'],
    'monthly KSIs as seed 003 gives them',
  )
  const marac = await lookup('peterborough', 'MARAC RPT')
  const repeats = (
    await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/peterborough/measurements?indicatorId=${marac.id}`,
      headers: pb,
    })
  ).json().items
  t.same(
    repeats.slice(-2).map((m: { value: string }) => m.value),
    ['33.333333', '37.037037'],
    'MARAC repeats: 4 of 12, 10 of 27',
  )
  t.equal(repeats.length, 14, 'and the months from April 2008 that section 4.5.1 prints')
  const may = (
    await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/peterborough/evaluation?period=2009-05&asOf=2009-06-20&indicatorId=${marac.id}`,
      headers: pb,
    })
  ).json().items[0].evaluation
  t.match(
    may.comparison,
    { basis: 'rolling_12_months', actual: 39.8, target: 40.8 },
    'judged on the rolling twelve months, 88 of 221, as section 8.3 prints it',
  )
  t.match(
    fs.readFileSync('README.md', 'utf8'),
    `(88 of 221 cases: ${may.comparison.actual}% against the trajectory's ${may.comparison.target}%)`,
    "the README's walk-through says so",
  )
})

t.test(
  'East Lincolnshire’s half-year evaluation shows greens, ambers and reds, judged as the half closed',
  async (t) => {
    const ctx = await buildTestApp(t)
    await loadDemo(ctx.db)
    const headers = await ctx.as('viewer', 'east-lincolnshire')
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/east-lincolnshire/evaluation?period=2010-09',
      headers,
    })
    const { asOf, items } = res.json() as {
      asOf: string
      items: Array<{
        indicator: { reference: string }
        area: { code: string }
        evaluation: { rag: string; comparison: { actual: number; target: number } }
      }>
    }
    t.equal(asOf, '2010-09-30', 'a past period is judged on its last day, not today')
    for (const quarter of ['FY2010-11-Q2', '2010/11 Q2']) {
      const second = await ctx.app.inject({
        method: 'GET',
        url: `/partnerships/east-lincolnshire/evaluation?period=${encodeURIComponent(quarter)}`,
        headers,
      })
      t.equal(second.statusCode, 200, second.body)
      t.equal(second.json().period, 'FY2010-11-Q2', `${quarter}: the partnership's second quarter, July to September`)
    }
    const rags = new Map<string, number>()
    for (const item of items) rags.set(item.evaluation.rag, (rags.get(item.evaluation.rag) ?? 0) + 1)
    t.ok((rags.get('green') ?? 0) >= 3, `greens: ${rags.get('green')}`)
    t.ok((rags.get('amber') ?? 0) >= 3, `ambers: ${rags.get('amber')}`)
    t.ok((rags.get('red') ?? 0) >= 3, `reds: ${rags.get('red')}`)
    // The README's walk-through prints these counts: it says what the service answers, or this fails.
    const said = /# East Lincolnshire at the half year: (\d+) green, (\d+) amber, (\d+) red/.exec(
      fs.readFileSync('README.md', 'utf8'),
    )
    t.same(
      said?.slice(1).map(Number),
      ['green', 'amber', 'red'].map((rag) => rags.get(rag) ?? 0),
      "the README's walk-through counts",
    )
    const of = (reference: string, area: string) =>
      items.find((i) => i.indicator.reference === reference && i.area.code === area)!.evaluation
    // Surveys are judged on the 2008-09 result the plan prints: NI 21 Boston 21.3% against 32.8%.
    t.match(of('NI 21', 'E07000136'), { rag: 'red', comparison: { actual: 21.3, target: 32.8 } })
    t.match(of('NI 17', 'E07000137'), { rag: 'amber', comparison: { actual: 13.9, target: 13.4 } })
    // Criminal damage, Boston: 1349 in 2009/10 less 4% is 1295 for the year, 648 for its first half.
    t.match(of('LOCAL CD', 'E07000136'), { rag: 'green', comparison: { target: 648 } })

    // The split of 2009/10 adds up to the total the plan prints, month by month.
    const ni20 = items.find((i) => i.indicator.reference === 'NI 20')!
    const rows = await ctx.db
      .selectFrom('measurement')
      .innerJoin('area', 'area.id', 'measurement.areaId')
      .select((eb) => ['area.code', eb.fn.sum<string>('measurement.value').as('total')])
      .where('measurement.indicatorId', '=', (ni20 as unknown as { indicator: { id: string } }).indicator.id)
      .where('measurement.periodStart', '>=', '2009-04-01')
      .where('measurement.periodStart', '<', '2010-04-01')
      .groupBy('area.code')
      .orderBy('area.code')
      .execute()
    t.same(
      rows.map((r) => `${r.code} ${Number(r.total)}`),
      ['E07000136 374', 'E07000137 763'],
      'NI 20: the illustrative months add up to 374 and 763',
    )
  },
)

t.test('a police.uk month uploaded through the demo feed moves the indicators', async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  const viewer = await ctx.as('viewer', 'east-lincolnshire')
  const get = async (url: string) =>
    (await ctx.app.inject({ method: 'GET', url: `/partnerships/east-lincolnshire/${url}`, headers: viewer })).json()
  const police = (await get('agencies?q=Lincolnshire%20Police')).items.find(
    (a: { name: string }) => a.name === 'Lincolnshire Police',
  )
  const feed = await ctx.as('officer', 'east-lincolnshire', {
    sub: 'feed@lincs.police.uk',
    memberships: [{ partnership: 'east-lincolnshire', role: 'officer', agency: police.id }],
  })
  const mapping = (await get('feeds')).items[0]
  t.match(mapping, { kind: 'police_uk', locations: 121, areas: 2 }, "Boston's 39 LSOAs and East Lindsey's 82")
  const file = fs.readFileSync('test/fixtures/police-uk/2010-10-east-lincolnshire-synthetic.csv', 'utf8')
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/partnerships/east-lincolnshire/feeds/${mapping.id}/imports?fileName=2010-10-east-lincolnshire.csv`,
    headers: { ...feed, 'content-type': 'text/csv' },
    payload: file,
  })
  t.equal(res.statusCode, 201, res.body)
  const rows = parse(file, { columns: true, bom: true }) as Array<Record<string, string>>
  const boston = new Set(BOSTON_LSOAS as readonly string[])
  const asbBoston = rows.filter(
    (r) => r['Crime type'] === 'Anti-social behaviour' && boston.has(r['LSOA code']!),
  ).length
  t.match(res.json(), { months: ['2010-10'], inserted: 10, rowsRead: 3000 })
  const october = await get(`measurements/LOCAL%20ASB/E07000136/2010-10`)
  t.equal(october.value, String(asbBoston), `Boston's October ASB: ${asbBoston}, as counted directly`)
  t.equal(october.status, 'provisional', 'a feed sends provisional figures')
  const report = await get('reports/performance?period=2010-10')
  const asb = report.priorities
    .flatMap((p: { items: unknown[] }) => p.items)
    .find(
      (i: { indicator: { reference: string }; area: { code: string } }) =>
        i.indicator.reference === 'LOCAL ASB' && i.area.code === 'E07000136',
    )
  t.equal(asb.evaluation.actual.period, asbBoston, 'and the report of October shows it')
})

t.test("the demo's peer group: East Lindsey beside districts like it, the year and the year so far", async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  const viewer = await ctx.as('viewer', 'east-lincolnshire')
  const get = async (url: string) =>
    ctx.app.inject({ method: 'GET', url: `/partnerships/east-lincolnshire/${url}`, headers: viewer })
  const group = (await (await get('peer-groups')).json()).items[0]
  const ni16 = (await (await get('indicators?limit=200')).json()).items.find(
    (i: { reference: string }) => i.reference === 'NI 16',
  )
  const year = (await get(`peer-groups/${group.id}/comparison?indicatorId=${ni16.id}&period=FY2009-10`)).json()
  t.equal(year.members.length, 6, 'six members on 31 March 2010, Torridge among them')
  t.ok(year.members.some((m: { name: string }) => m.name === 'Torridge'))
  const lindsey = year.members.find((m: { ours: boolean }) => m.ours)
  // Its 1,152 offences (the plan's baseline) among about 138,400 people: 8.3 per 1,000.
  t.match(lindsey, { code: 'E07000137', count: 1152, population: 138_400 })
  t.equal(lindsey.rate.toFixed(2), '8.32')
  t.equal(lindsey.bands['95'], 'above', 'significantly above its group')
  const sofar = (await get(`peer-groups/${group.id}/comparison?indicatorId=${ni16.id}&period=2010-Q2`)).json()
  t.notOk(
    sofar.members.some((m: { name: string }) => m.name === 'Torridge'),
    'in 2010/11 the revised group: Torridge gone',
  )
  t.ok(sofar.members.some((m: { name: string }) => m.name === "King's Lynn and West Norfolk"))
  const evaluation = (await get(`evaluation?period=2010-09&indicatorId=${ni16.id}`)).json()
  const flags = evaluation.items
    .filter((i: { area: { code: string } }) => i.area.code === 'E07000137')
    .flatMap((i: { evaluation: { flags: Array<{ flag: string }> } }) => i.evaluation.flags.map((f) => f.flag))
  t.ok(flags.includes('peer_outlier'), "the half-year's evaluation says so")
  const funnel = await get(`peer-groups/${group.id}/funnel.svg?indicatorId=${ni16.id}&period=FY2009-10`)
  t.equal(funnel.statusCode, 200)
  t.match(funnel.body, /East Lindsey/)
})

t.test(
  "the demo's people are members of their partnership: the PMG chair signs in with no role in the token",
  async (t) => {
    const ctx = await buildTestApp(t, { TRUST_TOKEN_MEMBERSHIPS: 'false' })
    await loadDemo(ctx.db, ctx.config.auth.issuer)
    const chair = { authorization: `Bearer ${await ctx.token({ sub: 'pmg.chair@example.org' })}` }
    const me = await ctx.app.inject({ method: 'GET', url: '/partnerships/east-lincolnshire/me', headers: chair })
    t.equal(me.statusCode, 200, me.body)
    t.equal(me.json().role, 'viewer')
    t.ok(
      me
        .json()
        .groups.some(
          (g: { kind: string; offices: string[] }) => g.kind === 'performance' && g.offices.includes('chair'),
        ),
      'and chairs the Performance Management Group',
    )
    const other = await ctx.app.inject({ method: 'GET', url: '/partnerships/peterborough/me', headers: chair })
    t.equal(other.statusCode, 404, 'in her own partnership only')
  },
)

t.test(
  "Charnwood's performance beside its funding: seed 002's measures, targets and key diagnostic indicators",
  async (t) => {
    const ctx = await buildTestApp(t)
    await loadDemo(ctx.db)
    const headers = await ctx.as('viewer', 'charnwood')
    const evaluation = (
      await ctx.app.inject({ method: 'GET', url: '/partnerships/charnwood/evaluation?period=2010-09', headers })
    ).json()
    const item = (reference: string) =>
      evaluation.items.find((i: { indicator: { reference: string } }) => i.indicator.reference === reference)
    t.same(
      item('NI 16')
        .diagnostics.map((d: { reference: string }) => d.reference)
        .sort(),
      ['LOCAL BD', 'LOCAL ROB', 'LOCAL TFV', 'LOCAL TOV'],
      'serious acquisitive crime unpicked by its four key diagnostic indicators',
    )
    t.same(
      item('NI 20')
        .diagnostics.map((d: { reference: string }) => d.reference)
        .sort(),
      ['LOCAL ALSI', 'LOCAL AWI', 'LOCAL OHA'],
      'and assault with injury by its three',
    )
    t.equal(
      item('NI 17').evaluation.target.year,
      14,
      "NI 17: a 10% reduction on the 2008 Place Survey's 15.6% (14.04, to its one place)",
    )
    t.equal(item('NI 17').evaluation.actual.period, 15.6)
    t.equal(item('NI 40').evaluation.target.year, 417, 'NI 40: 417 in Charnwood')
    t.equal(item('NI 16').evaluation.target.status, 'tbc', 'a 3% reduction on a baseline the plan does not print')
    const streams = await ctx.app.inject({ method: 'GET', url: '/partnerships/charnwood/funding-streams', headers })
    t.equal(streams.json().items.length, 2, 'beside its two funding streams')
  },
)
