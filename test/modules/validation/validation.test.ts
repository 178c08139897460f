import t from 'tap'
import { buildTestApp, partnershipClient, seedPartnerships } from '../../helper.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const county = await post('areas', { name: 'Lincolnshire', type: 'county', code: 'E10000019' })
  const boston = await post('areas', { name: 'Boston', type: 'district', code: 'E07000136', parentId: county.id })
  const count = { unit: 'count', polarity: 'lower_better', frequency: 'monthly', aggregation: 'sum' }
  const ni33 = await post('indicators', { ...count, reference: 'NI 33', name: 'Arson' })
  const primary = await post('indicators', { ...count, reference: 'NI 33(i)', name: 'Primary arson' })
  const secondary = await post('indicators', { ...count, reference: 'NI 33(ii)', name: 'Secondary arson' })
  const sum = await post('validation-rules', {
    name: 'Arson adds up',
    leftSide: { terms: [{ indicatorId: primary.id }, { indicatorId: secondary.id }] },
    op: '=',
    rightSide: { terms: [{ indicatorId: ni33.id }] },
    severity: 'error',
    message: 'Primary and secondary arson make up all arson',
  })
  const within = await post('validation-rules', {
    name: 'A district within its county',
    leftSide: { terms: [{ indicatorId: ni33.id }] },
    op: '<=',
    rightSide: { terms: [{ indicatorId: ni33.id, area: 'parent' }] },
  })
  return { ctx, admin, call, post, county, boston, ni33, primary, secondary, sum, within }
}

t.test('rules are told on arrival, checked on demand, and a missing figure is not evaluable', async (t) => {
  const { call, admin, sum } = await setup(t)
  t.match(sum, { severity: 'error', leftSide: { terms: [{ area: 'same' }], constant: 0 } }, 'defaults filled in')
  const first = await call('POST', 'measurements/bulk', admin, [
    { indicator: 'NI 33(i)', area: 'E07000136', period: '2010-04', value: 12 },
    { indicator: 'NI 33(ii)', area: 'E07000136', period: '2010-04', value: 4 },
    { indicator: 'NI 33', area: 'E07000136', period: '2010-04', value: 15 },
    { indicator: 'NI 33', area: 'E10000019', period: '2010-04', value: 60 },
  ])
  t.equal(first.statusCode, 200, 'not strict: told, never refused')
  t.match(first.json().violations, [
    {
      name: 'Arson adds up',
      severity: 'error',
      period: '2010-04',
      outcome: 'violated',
      left: 16,
      right: 15,
      rows: [1, 2, 3],
      refused: false,
      description: 'Arson adds up: 16 = 15 is broken',
    },
  ])
  const fixed = await call('PUT', 'measurements/NI%2033/E07000136/2010-04', admin, { value: 16 })
  t.same(fixed.json().violations, [], 'the total corrected: the rule holds')
  const over = await call('PUT', 'measurements/NI%2033/E07000136/2010-05', admin, { value: 70 })
  t.same(over.json().violations, [], 'May has no county figure: the parent rule cannot be told, so nothing is said')
  const county = await call('PUT', 'measurements/NI%2033/E10000019/2010-05', admin, { value: 65 })
  t.match(
    county.json().violations,
    [{ name: 'A district within its county', outcome: 'violated', left: 70, right: 65, rows: [1] }],
    "the county's figure checks its districts against it",
  )

  const check = await call('GET', 'validation-rules/check?from=2010-04&to=2010-05', admin)
  t.equal(check.statusCode, 200, check.body)
  // The county has no parent, and no parts of its arson: at the county both rules cannot be told.
  t.match(check.json(), { holds: 2, violated: 1, notEvaluable: 5 })
  t.same(
    check
      .json()
      .items.map((i: { name: string; period: string; outcome: string }) => `${i.name} ${i.period} ${i.outcome}`)
      .sort(),
    [
      'A district within its county 2010-04 holds',
      'A district within its county 2010-04 not_evaluable',
      'A district within its county 2010-05 not_evaluable',
      'A district within its county 2010-05 violated',
      'Arson adds up 2010-04 holds',
      'Arson adds up 2010-04 not_evaluable',
      'Arson adds up 2010-05 not_evaluable',
      'Arson adds up 2010-05 not_evaluable',
    ],
  )
})

t.test('strict validation refuses a broken error, as its row; a warning is only told', async (t) => {
  const { ctx, call, admin } = await setup(t)
  const strict = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/alpha',
    headers: { ...admin, 'if-match': '*' },
    payload: { strictValidation: true },
  })
  t.equal(strict.json().strictValidation, true)
  const rows = [
    { indicator: 'NI 33(i)', area: 'E07000136', period: '2010-04', value: 12 },
    { indicator: 'NI 33(ii)', area: 'E07000136', period: '2010-04', value: 4 },
    { indicator: 'NI 33', area: 'E07000136', period: '2010-04', value: 15 },
  ]
  const refused = await call('POST', 'measurements/bulk', admin, rows)
  t.equal(refused.statusCode, 422)
  t.match(refused.json().errors, [
    { field: 'rows.1.value', message: /breaks the rule Arson adds up: 16 = 15 is broken: Primary and secondary/ },
    { field: 'rows.2.value' },
    { field: 'rows.3.value' },
  ])
  const none = await call('GET', 'measurements', admin)
  t.same(none.json().items, [], 'nothing written')
  const put = await call('PUT', 'measurements/NI%2033(i)/E07000136/2010-04', admin, { value: 12 })
  t.equal(put.statusCode, 201, 'alone, the rule is not evaluable: written')
  const broken = await call('POST', 'measurements/bulk?mode=partial', admin, rows.slice(1))
  t.match(broken.json(), { inserted: 0, refused: 2 }, 'partial mode refuses the rows the broken rule rests on')
  const good = await call('POST', 'measurements/bulk', admin, [rows[1], { ...rows[2], value: 16 }])
  t.equal(good.statusCode, 200, 'figures that add up are taken')
  const changed = await call('PUT', 'measurements/NI%2033/E07000136/2010-04', admin, { value: 15 })
  t.equal(changed.statusCode, 422, 'a PUT that breaks the sum is refused')
  t.equal(changed.json().code, 'RULE.VIOLATED')
  t.match(changed.json().errors, [{ field: 'body.value', message: 'breaks the rule Arson adds up' }])
  t.equal(
    (await call('GET', 'measurements/NI%2033/E07000136/2010-04', admin)).json().value,
    '16',
    'and changes nothing',
  )
})

t.test("a rule names this partnership's indicators only", async (t) => {
  const { ctx, call, admin, ni33 } = await setup(t)
  const beta = await ctx.as('admin', 'beta')
  const theirs = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/beta/indicators',
      headers: beta,
      payload: {
        reference: 'X',
        name: 'X',
        unit: 'count',
        polarity: 'lower_better',
        frequency: 'monthly',
        aggregation: 'sum',
      },
    })
  ).json()
  const res = await call('POST', 'validation-rules', admin, {
    name: 'Across partnerships',
    leftSide: { terms: [{ indicatorId: theirs.id }] },
    op: '<=',
    rightSide: { terms: [{ indicatorId: ni33.id }] },
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'RULE.INDICATOR')
  const list = await ctx.app.inject({ method: 'GET', url: '/partnerships/beta/validation-rules', headers: beta })
  t.same(list.json().items, [], "beta sees none of alpha's rules")
})
