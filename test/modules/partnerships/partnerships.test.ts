import t from 'tap'
import { buildTestApp, seedPartnerships } from '../../helper.js'

t.test('partnerships: superadmin creates, admin changes, members list theirs', async (t) => {
  const ctx = await buildTestApp(t)
  const superadmin = await ctx.as('superadmin')
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships',
    headers: superadmin,
    payload: { slug: 'east-lincolnshire', name: 'East Lincolnshire CSP' },
  })
  t.equal(created.statusCode, 201)
  t.equal(created.headers.location, '/partnerships/east-lincolnshire')
  t.equal(created.json().financialYearStartMonth, 4, 'the financial year starts in April by default')
  const again = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships',
    headers: superadmin,
    payload: { slug: 'east-lincolnshire', name: 'Again' },
  })
  t.equal(again.statusCode, 409)
  const badSlug = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships',
    headers: superadmin,
    payload: { slug: 'East Lincs!', name: 'x' },
  })
  t.equal(badSlug.statusCode, 400)
  const byAdmin = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships',
    headers: await ctx.as('admin', 'east-lincolnshire'),
    payload: { slug: 'other', name: 'x' },
  })
  t.equal(byAdmin.statusCode, 403, 'only a superadmin creates partnerships')

  const admin = await ctx.as('admin', 'east-lincolnshire')
  const changed = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/east-lincolnshire',
    headers: { ...admin, 'if-match': '"1"' },
    payload: { name: 'East Lincolnshire Community Safety Partnership' },
  })
  t.equal(changed.statusCode, 200)
  t.equal(changed.json().version, 2)
  const byViewer = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/east-lincolnshire',
    headers: { ...(await ctx.as('viewer', 'east-lincolnshire')), 'if-match': '"2"' },
    payload: { name: 'x' },
  })
  t.equal(byViewer.statusCode, 403)
  const badMonth = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/east-lincolnshire',
    headers: { ...admin, 'if-match': '"2"' },
    payload: { financialYearStartMonth: 13 },
  })
  t.equal(badMonth.statusCode, 400)

  await ctx.app.inject({
    method: 'POST',
    url: '/partnerships',
    headers: superadmin,
    payload: { slug: 'peterborough', name: 'Safer Peterborough Partnership' },
  })
  const all = await ctx.app.inject({ method: 'GET', url: '/partnerships?limit=1', headers: superadmin })
  t.equal(all.json().items.length, 1)
  const next = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships?limit=1&cursor=${all.json().nextCursor}`,
    headers: superadmin,
  })
  t.same(
    [...all.json().items, ...next.json().items].map((p: { slug: string }) => p.slug),
    ['east-lincolnshire', 'peterborough'],
    'a superadmin pages through all',
  )
  const mine = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships',
    headers: await ctx.as('viewer', 'peterborough'),
  })
  t.same(
    mine.json().items.map((p: { slug: string }) => p.slug),
    ['peterborough'],
  )
})

t.test('the year-start month cannot move once financial years are stored in its terms', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const patch = (payload: object) =>
    ctx.app.inject({ method: 'PATCH', url: '/partnerships/alpha', headers: { ...admin, 'if-match': '*' }, payload })
  t.equal((await patch({ financialYearStartMonth: 1 })).statusCode, 200, 'with nothing stored, it moves')
  t.equal((await patch({ financialYearStartMonth: 4 })).statusCode, 200, 'and back')

  const post = async (url: string, payload: object) =>
    (await ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers: admin, payload })).json()
  const area = await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  const survey = await post('indicators', {
    reference: 'NI 17',
    name: 'Perceptions of ASB',
    unit: 'percentage',
    polarity: 'lower_better',
    frequency: 'annual',
    aggregation: 'latest',
    decimalPlaces: 1,
  })
  await post('targets', { indicatorId: survey.id, areaId: area.id, period: 'FY2010-11', targetValue: '17.3' })
  await post('measurements/bulk', [
    { indicator: 'NI 17', area: 'E07000136', period: 'FY2008-09', value: '18' },
    { indicator: 'NI 17', area: 'E07000136', period: '2009', value: '17' },
  ])
  await post('commentary', { indicatorId: survey.id, areaId: area.id, period: 'FY2008-09', body: 'Place survey' })

  const refused = await patch({ financialYearStartMonth: 1 })
  t.equal(refused.statusCode, 409)
  t.equal(refused.json().code, 'PARTNERSHIP.YEAR_START_IN_USE')
  t.match(refused.json().detail, /1 target, 1 measurement, 1 comment name a financial year/, 'says what depends on it')
  t.same(refused.json().errors, [
    { field: 'body.financialYearStartMonth', message: '1 target, 1 measurement, 1 comment depend on it' },
  ])
  t.equal(
    (await patch({ financialYearStartMonth: 4, name: 'Alpha CSP' })).statusCode,
    200,
    'the same month, or other fields, still change',
  )
  const evaluation = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/evaluation?period=FY2010-11&asOf=2011-06-30`,
    headers: admin,
  })
  t.equal(evaluation.statusCode, 200, 'and evaluation still reads its stored years')
})

t.test('an archived partnership is read-only for its members; a superadmin unarchives it', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const superadmin = await ctx.as('superadmin')
  const archive = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/alpha',
    headers: { ...admin, 'if-match': '*' },
    payload: { archived: true },
  })
  t.equal(archive.statusCode, 200)
  const write = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers: admin,
    payload: { name: 'Boston', type: 'district' },
  })
  t.equal(write.statusCode, 409, 'a write is refused')
  t.equal(write.json().code, 'PARTNERSHIP.ARCHIVED')
  const unarchiveAsMember = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/alpha',
    headers: { ...admin, 'if-match': '*' },
    payload: { archived: false },
  })
  t.equal(unarchiveAsMember.statusCode, 409, 'even to the partnership record')
  t.equal(
    (await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers: admin })).statusCode,
    200,
    'reads go on',
  )
  const unarchived = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/alpha',
    headers: { ...superadmin, 'if-match': '*' },
    payload: { archived: false },
  })
  t.equal(unarchived.statusCode, 200, 'a superadmin unarchives it')
  t.equal(
    (
      await ctx.app.inject({
        method: 'POST',
        url: '/partnerships/alpha/areas',
        headers: admin,
        payload: { name: 'Boston', type: 'district' },
      })
    ).statusCode,
    201,
    'and it is writable again',
  )
})
