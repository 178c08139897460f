import { sql } from 'kysely'
import t from 'tap'
import { allPages, buildTestApp, seedPartnerships } from '../../helper.js'

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

t.test('a funding stream, an action or a peer figure in FY terms holds the year-start month too', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const patch = (payload: object) =>
    ctx.app.inject({ method: 'PATCH', url: '/partnerships/alpha', headers: { ...admin, 'if-match': '*' }, payload })
  const stream = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/funding-streams',
    headers: admin,
    payload: {
      name: 'SSCF',
      funder: 'LAA',
      financialYear: 'FY2010-11',
      totalPence: 100,
      accountableBody: 'Charnwood BC',
    },
  })
  t.equal(stream.statusCode, 201)
  const refused = await patch({ financialYearStartMonth: 1 })
  t.equal(refused.statusCode, 409, "Charnwood's streams keep April")
  t.match(refused.json().detail, /1 funding stream name a financial year/)
})

t.test('every column that holds a period is in YEAR_TERMS or CALENDAR_TERMS', async (t) => {
  const { YEAR_TERMS, CALENDAR_TERMS } = await import('../../../src/modules/partnerships/partnerships.repository.js')
  const ctx = await buildTestApp(t)
  // A period, a financial year, a month, a quarter, a start or end or due label: by name and text type,
  // or a year; dates (period_start, due_on...) are dates and mean the same in any year.
  const { rows } = await sql<{ table: string; column: string }>`
    select table_name as table, column_name as column from information_schema.columns
    where table_schema = 'public' and (
      (data_type = 'text' and column_name ~ '(period|financial_year|month|quarter|^starts$|^ends$|^due$|^due_from$|timing)')
      or (data_type in ('integer', 'smallint') and column_name ~ '(^year$|_year$)')
    ) and table_name not in ('kysely_migration', 'kysely_migration_lock')
    order by 1, 2`.execute(ctx.db)
  const listed = new Set([...YEAR_TERMS, ...CALENDAR_TERMS].map((u) => `${u.table}.${u.column}`))
  const found = rows.map((r) => `${r.table}.${r.column}`)
  t.ok(found.length >= 10, `${found.length} columns found`)
  t.same(
    found.filter((c) => !listed.has(c) && c !== 'action_item.timing'),
    [],
    'each is named (action timing is free text: "ongoing", "TBC")',
  )
  t.same(
    [...listed].filter((c) => !found.includes(c)),
    [],
    'and each named column exists',
  )
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

t.test('the partnerships list sorts, searches and pages as every other list does', async (t) => {
  const ctx = await buildTestApp(t)
  const superadmin = await ctx.as('superadmin')
  // Names in another order than slugs, so a sort by name is seen to be one.
  for (const [slug, name] of [
    ['boston', 'Safer Boston'],
    ['charnwood', 'Charnwood Community Safety Partnership'],
    ['east-lincolnshire', 'East Lincolnshire CSP'],
    ['peterborough', 'Safer Peterborough Partnership'],
  ])
    await ctx.app.inject({ method: 'POST', url: '/partnerships', headers: superadmin, payload: { slug, name } })
  const walk = async (query: string) =>
    (await allPages<{ slug: string }>(ctx.app, `/partnerships?limit=1&${query}`, superadmin)).map((p) => p.slug)
  t.same(
    await walk('sort=name'),
    ['charnwood', 'east-lincolnshire', 'boston', 'peterborough'],
    'by name, a page at a time',
  )
  t.same(await walk('sort=-name'), ['peterborough', 'boston', 'east-lincolnshire', 'charnwood'], 'and backwards')
  t.same(await walk('sort=-slug'), ['peterborough', 'east-lincolnshire', 'charnwood', 'boston'])
  t.same((await walk('sort=createdAt')).length, 4, 'by when each was created')
  t.same(await walk('q=safer'), ['boston', 'peterborough'], 'q finds a name containing the text, any case')
  t.same(await walk('q=lincs&sort=name'), [], 'and nothing that does not')
  t.same(await walk('q=east-lin'), ['east-lincolnshire'], 'or a slug')
  const first = await ctx.app.inject({ url: '/partnerships?limit=1&sort=name', headers: superadmin })
  const elsewhere = await ctx.app.inject({
    url: `/partnerships?limit=1&sort=slug&cursor=${first.json().nextCursor}`,
    headers: superadmin,
  })
  t.match(elsewhere.json(), { status: 400, code: 'PAGE.CURSOR' }, "a cursor is its own sort's")
})
