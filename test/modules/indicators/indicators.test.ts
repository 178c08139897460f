import t from 'tap'
import { buildTestApp, seedPartnerships } from '../../helper.js'

t.test('indicators: seed figures, priority links, shape rules, hierarchy, tenancy', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const admin = await ctx.as('admin', 'alpha')
  const officer = await ctx.as('officer', 'alpha')
  const post = async (url: string, payload: object, headers = admin) =>
    ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers, payload })
  const violent = (await post('priorities', { name: 'Violent Crime & Substance Misuse', code: 'P2' })).json()
  const acquisitive = (await post('priorities', { name: 'Acquisitive Crime', code: 'P3' })).json()
  const police = (await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' })).json()

  const ni20 = await post(
    'indicators',
    {
      reference: 'NI 20',
      name: 'Assault with less serious injury',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
      sourceAgencyId: police.id,
      priorityIds: [violent.id],
    },
    officer,
  )
  t.equal(ni20.statusCode, 201, 'an officer maintains indicators')
  t.match(ni20.json(), {
    reference: 'NI 20',
    decimalPlaces: 0,
    defaultTolerancePercent: '5',
    dataLagDays: 0,
    priorityIds: [violent.id],
    parentId: null,
  })

  const ni16 = (
    await post('indicators', {
      reference: 'NI 16',
      name: 'Serious acquisitive crime',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
      priorityIds: [acquisitive.id],
    })
  ).json()
  const burglary = await post('indicators', {
    reference: 'LOCAL-BD',
    name: 'Burglary dwelling',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    parentId: ni16.id,
    priorityIds: [acquisitive.id],
  })
  t.equal(burglary.statusCode, 201, 'a key diagnostic indicator under its headline')
  const marac = await post('indicators', {
    reference: 'MARAC',
    name: 'MARAC repeat cases',
    unit: 'ratio',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'ratio_of_sums',
    decimalPlaces: 1,
    dataLagDays: 84,
  })
  t.equal(marac.statusCode, 201)

  const list = async (query: string) =>
    (await ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/indicators?${query}`, headers: admin }))
      .json()
      .items.map((i: { reference: string }) => i.reference)
  t.same(await list(`priorityId=${acquisitive.id}&sort=reference`), ['LOCAL-BD', 'NI 16'], 'filtered by priority')
  t.same(await list(`parentId=${ni16.id}`), ['LOCAL-BD'], 'filtered by parent')
  t.same(await list(`sourceAgencyId=${police.id}`), ['NI 20'], 'filtered by source agency')
  t.same(await list('q=marac'), ['MARAC'], 'filtered by text')

  const shape = await post('indicators', {
    reference: 'X',
    name: 'Mean of percentages',
    unit: 'percentage',
    polarity: 'higher_better',
    frequency: 'quarterly',
    aggregation: 'sum',
  })
  t.equal(shape.statusCode, 422, 'summing percentages is refused')
  t.equal(shape.json().errors[0].field, 'body.aggregation')
  const url = `/partnerships/alpha/indicators/${ni20.json().id}`
  const toRate = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...admin, 'if-match': '"1"' },
    payload: { unit: 'rate', aggregation: 'ratio_of_sums' },
  })
  t.equal(toRate.statusCode, 422, 'a PATCH is checked as the whole indicator it leaves: a rate needs ratePer')
  const relinked = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...admin, 'if-match': '"1"' },
    payload: { priorityIds: [violent.id, acquisitive.id] },
  })
  t.equal(relinked.statusCode, 200)
  t.same(relinked.json().priorityIds, [violent.id, acquisitive.id].sort(), 'links replaced')
  t.equal(relinked.json().version, 2)
  const cycle = await ctx.app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/indicators/${ni16.id}`,
    headers: { ...admin, 'if-match': '*' },
    payload: { parentId: burglary.json().id },
  })
  t.equal(cycle.statusCode, 422)
  t.equal(cycle.json().code, 'INDICATOR.CYCLE')
  const duplicate = await post('indicators', {
    reference: 'NI 20',
    name: 'Again',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  t.equal(duplicate.statusCode, 409, 'a reference is unique in the partnership')

  const inUse = await ctx.app.inject({
    method: 'DELETE',
    url: `/partnerships/alpha/priorities/${violent.id}`,
    headers: { ...admin, 'if-match': '*' },
  })
  t.equal(inUse.statusCode, 409, 'a priority that indicators serve is not deleted')

  // Beta's priorities and agencies cannot be linked from alpha, and beta cannot see alpha's indicators.
  const betaHeaders = await ctx.as('admin', 'beta')
  const betaPriority = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/beta/priorities',
      headers: betaHeaders,
      payload: { name: 'Beta priority' },
    })
  ).json()
  const betaAgency = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/beta/agencies',
      headers: betaHeaders,
      payload: { name: 'Beta police', role: 'responsible_authority' },
    })
  ).json()
  const foreignLink = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...admin, 'if-match': '"2"' },
    payload: { priorityIds: [betaPriority.id] },
  })
  t.equal(foreignLink.statusCode, 422)
  t.equal(foreignLink.json().errors[0].field, 'body.priorityIds')
  const foreignAgency = await ctx.app.inject({
    method: 'PATCH',
    url,
    headers: { ...admin, 'if-match': '"2"' },
    payload: { sourceAgencyId: betaAgency.id },
  })
  t.equal(foreignAgency.statusCode, 422)
  t.equal(foreignAgency.json().errors[0].field, 'body.sourceAgencyId')
  const unchanged = await ctx.app.inject({ method: 'GET', url, headers: admin })
  t.same(unchanged.json().priorityIds, [violent.id, acquisitive.id].sort(), 'a refused write changed nothing')
  t.equal(
    (
      await ctx.app.inject({
        method: 'GET',
        url: `/partnerships/beta/indicators/${ni20.json().id}`,
        headers: betaHeaders,
      })
    ).statusCode,
    404,
  )
  const viewer = await post(
    'indicators',
    { reference: 'V', name: 'v', unit: 'count', polarity: 'lower_better', frequency: 'monthly', aggregation: 'sum' },
    await ctx.as('viewer', 'alpha'),
  )
  t.equal(viewer.statusCode, 403)
  const tolerant = await post('indicators', {
    reference: 'LOCAL T',
    name: 'tolerant',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    defaultTolerancePercent: 2.5,
  })
  t.equal(tolerant.json().defaultTolerancePercent, '2.5', 'a tolerance may be sent as a JSON number too')
})
