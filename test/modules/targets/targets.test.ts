import t from 'tap'
import { buildTestApp, seedPartnerships } from '../../helper.js'

t.test('targets: derived from baselines as seed 000 sets them, TBC, profiles, refusals', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const headers = await ctx.as('officer', 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const post = async (url: string, payload: object, h = headers) =>
    ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers: h, payload })
  const boston = (await post('areas', { name: 'Boston', type: 'district' }, admin)).json()
  const eastLindsey = (await post('areas', { name: 'East Lindsey', type: 'district' }, admin)).json()
  const ni20 = (
    await post('indicators', {
      reference: 'NI 20',
      name: 'Assault with less serious injury',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
    })
  ).json()
  const ni17 = (
    await post('indicators', {
      reference: 'NI 17',
      name: 'Perceptions of anti-social behaviour',
      unit: 'percentage',
      polarity: 'lower_better',
      frequency: 'annual',
      aggregation: 'latest',
      decimalPlaces: 1,
    })
  ).json()

  const derived = await post('targets', {
    indicatorId: ni20.id,
    areaId: boston.id,
    period: 'FY2010-11',
    baselineValue: '374',
    baselinePeriod: 'FY2009-10',
    changePercent: '-11.8',
  })
  t.equal(derived.statusCode, 201)
  t.match(derived.json(), {
    period: 'FY2010-11',
    periodStart: '2010-04-01',
    periodEnd: '2011-03-31',
    status: 'set',
    baselineValue: '374',
    changePercent: '-11.8',
    targetValue: '330',
    derivation:
      '11.8% reduction on a baseline of 374: 374 x (1 - 11.8/100) = 329.868, rounded to 0 decimal places: 330',
  })
  t.not(derived.json().targetValue, '331', 'the rule, not the printed 331 (seed 000), is stored')
  const el = await post('targets', {
    indicatorId: ni20.id,
    areaId: eastLindsey.id,
    period: 'FY2010-11',
    baselineValue: '763',
    changePercent: '-11.8',
  })
  t.equal(el.json().targetValue, '673', 'East Lindsey 763 at -11.8% is 673, as printed')
  t.equal(derived.json().judgedOn, 'year_to_date', 'judged on the year to date unless it says otherwise')
  const rolling = await ctx.app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/targets/${el.json().id}`,
    headers: { ...headers, 'if-match': el.headers.etag as string },
    payload: { judgedOn: 'rolling_12_months' },
  })
  t.equal(rolling.statusCode, 200, rolling.body)
  t.equal(rolling.json().judgedOn, 'rolling_12_months')
  const unknown = await post('targets', {
    indicatorId: ni20.id,
    areaId: eastLindsey.id,
    period: 'FY2011-12',
    targetValue: '600',
    judgedOn: 'quarter_to_date',
  })
  t.equal(unknown.statusCode, 400, 'a basis it does not know is refused')

  const stated = await post('targets', {
    indicatorId: ni17.id,
    areaId: boston.id,
    period: 'FY2010-11',
    baselineValue: '18',
    baselinePeriod: 'FY2008-09',
    targetValue: '17.3',
  })
  t.match(
    stated.json(),
    { targetValue: '17.3', changePercent: null, derivation: null },
    'a stated target keeps its figure',
  )

  const tbc = await post('targets', { indicatorId: ni20.id, areaId: boston.id, period: '2009', status: 'tbc' })
  t.equal(tbc.statusCode, 201, 'a TBC target on a calendar year')
  t.match(tbc.json(), { status: 'tbc', targetValue: null, periodStart: '2009-01-01' })

  const again = await post('targets', {
    indicatorId: ni20.id,
    areaId: boston.id,
    period: 'FY2010-11',
    targetValue: '300',
  })
  t.equal(again.statusCode, 409, 'one target per indicator, area and period')
  t.equal(again.json().code, 'TARGET.OVERLAP')
  // The clash named as a fact a client acts on (an extension member), not only in the prose.
  const clash = await ctx.app.inject({
    url: `/partnerships/alpha/targets/${again.json().conflictingId}`,
    headers,
  })
  t.match(clash.json(), { indicatorId: ni20.id, areaId: boston.id, period: 'FY2010-11' }, 'conflictingId is the target')
  // FY2009-10 (April 2009 to March 2010) and calendar 2010 both share months with targets already set.
  for (const period of ['2010', 'FY2009-10']) {
    const overlapping = await post('targets', { indicatorId: ni20.id, areaId: boston.id, period, targetValue: '300' })
    t.equal(overlapping.statusCode, 409, `${period} overlaps a year already targeted`)
    t.match(overlapping.json(), {
      code: 'TARGET.OVERLAP',
      detail: /already have a target for (FY2010-11|2009) \([0-9a-f-]{36}\), which overlaps/,
      errors: [{ field: 'body.period' }],
    })
  }
  const elsewhere = await post('targets', {
    indicatorId: ni20.id,
    areaId: eastLindsey.id,
    period: '2009',
    targetValue: '700',
  })
  t.equal(elsewhere.statusCode, 201, 'the same year for another area is no overlap')

  const url = `/partnerships/alpha/targets/${derived.json().id}`
  const rebased = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, 'if-match': '"1"' },
    payload: { baselineValue: '400' },
  })
  t.equal(rebased.json().targetValue, '353', 'a new baseline re-derives the target (400 x 0.882 = 352.8)')
  const overridden = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, 'if-match': '"2"' },
    payload: { targetValue: '331' },
  })
  t.match(
    overridden.json(),
    { targetValue: '331', changePercent: null, derivation: null },
    'a stated value replaces the rule',
  )
  const moved = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, 'if-match': '"3"' },
    payload: { period: 'FY2011-12' },
  })
  t.equal(moved.statusCode, 400, 'the period of a target is fixed')

  const profiled = await post('targets', {
    indicatorId: ni20.id,
    areaId: eastLindsey.id,
    period: 'FY2011-12',
    targetValue: '673',
    profile: {
      cumulative: true,
      values: [
        { period: '2011-05', value: '112' },
        { period: '2011-04', value: '56' },
      ],
    },
  })
  t.equal(profiled.statusCode, 201)
  t.same(
    profiled.json().profile.values.map((v: { period: string }) => v.period),
    ['2011-04', '2011-05'],
    'profile kept in period order',
  )

  const refusals: Array<[string, object, number, string]> = [
    [
      'a month as target period',
      { indicatorId: ni20.id, areaId: boston.id, period: '2010-04', targetValue: '1' },
      400,
      'body.period',
    ],
    [
      'a malformed period',
      { indicatorId: ni20.id, areaId: boston.id, period: 'FY2010-12', targetValue: '1' },
      400,
      'body.period',
    ],
    [
      'change without baseline',
      { indicatorId: ni20.id, areaId: boston.id, period: 'FY2012-13', changePercent: '-4' },
      422,
      'body.baselineValue',
    ],
    [
      'neither value nor change',
      { indicatorId: ni20.id, areaId: boston.id, period: 'FY2012-13' },
      422,
      'body.targetValue',
    ],
    [
      'value and change together',
      {
        indicatorId: ni20.id,
        areaId: boston.id,
        period: 'FY2012-13',
        baselineValue: '1',
        changePercent: '-4',
        targetValue: '5',
      },
      422,
      'body.changePercent',
    ],
    [
      'a profile month outside the year',
      {
        indicatorId: ni20.id,
        areaId: boston.id,
        period: 'FY2012-13',
        targetValue: '5',
        profile: { cumulative: false, values: [{ period: '2012-03', value: '1' }] },
      },
      422,
      'body.profile',
    ],
    [
      'a number with more decimal places than a figure holds',
      { indicatorId: ni20.id, areaId: boston.id, period: 'FY2012-13', targetValue: 5.1234567 },
      400,
      'body.targetValue',
    ],
    [
      'a number beyond what a JSON number carries exactly',
      {
        indicatorId: ni20.id,
        areaId: boston.id,
        period: 'FY2012-13',
        baselineValue: Number('12345678901234567'),
        changePercent: -4,
      },
      400,
      'body.baselineValue',
    ],
    [
      'an unknown indicator',
      { indicatorId: '00000000-0000-4000-8000-000000000000', areaId: boston.id, period: 'FY2012-13', targetValue: '5' },
      422,
      'body.indicatorId',
    ],
  ]
  for (const [name, payload, status, field] of refusals) {
    const res = await post('targets', payload)
    t.equal(res.statusCode, status, `${name}: ${status}`)
    t.equal(res.json().errors?.[0]?.field, field, `${name}: names ${field}`)
  }
  // Figures come as decimal strings or JSON numbers alike, as measurement values do.
  const numbers = await post('targets', {
    indicatorId: ni20.id,
    areaId: boston.id,
    period: 'FY2013-14',
    baselineValue: 374,
    changePercent: -11.8,
    tolerancePercent: 2.5,
    profile: { cumulative: true, values: [{ period: '2013-04', value: 27.5 }] },
  })
  t.equal(numbers.statusCode, 201, numbers.body)
  t.match(
    numbers.json(),
    { baselineValue: '374', changePercent: '-11.8', targetValue: '330', tolerancePercent: '2.5' },
    'JSON numbers are read as the figures they stand for, and derive alike',
  )
  t.equal(numbers.json().profile.values[0].value, '27.5')
  const listed = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/targets?indicatorId=${ni20.id}&status=tbc`,
    headers,
  })
  t.same(
    listed.json().items.map((x: { period: string }) => x.period),
    ['2009'],
  )
})
