import t from 'tap'
import { buildTestApp, seedPartnerships } from '../../helper.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const post = async (url: string, payload: object) =>
    (await ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers: admin, payload })).json()
  const police = await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' })
  const boston = await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  const ni20 = await post('indicators', {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    sourceAgencyId: police.id,
  })
  const rate = await post('indicators', {
    reference: 'R1',
    name: 'A rate',
    unit: 'rate',
    ratePer: 1000,
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'latest',
    decimalPlaces: 6,
  })
  return { ctx, admin, police, boston, ni20, rate, officer: await ctx.as('officer', 'alpha') }
}

t.test('a mistaken measurement is deleted with If-Match; its value stays in the history', async (t) => {
  const { ctx, officer, police, boston, ni20 } = await setup(t)
  const url = `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2010-04`
  await ctx.app.inject({ method: 'PUT', url, headers: officer, payload: { value: 31 } })
  const second = await ctx.app.inject({ method: 'PUT', url, headers: officer, payload: { value: 13 } })
  const feed = await ctx.as('officer', 'alpha', {
    memberships: [{ partnership: 'alpha', role: 'officer', agency: police.id }],
    sub: 'police-feed',
  })
  t.equal(
    (await ctx.app.inject({ method: 'DELETE', url, headers: { ...feed, 'if-match': '*' } })).statusCode,
    403,
    'a feed corrects by sending, not deleting',
  )
  t.equal((await ctx.app.inject({ method: 'DELETE', url, headers: officer })).statusCode, 428, 'If-Match is required')
  t.equal(
    (await ctx.app.inject({ method: 'DELETE', url, headers: { ...officer, 'if-match': '"1"' } })).statusCode,
    412,
    'a stale ETag is refused',
  )
  const deleted = await ctx.app.inject({
    method: 'DELETE',
    url,
    headers: { ...officer, 'if-match': second.headers.etag as string },
  })
  t.equal(deleted.statusCode, 204)
  t.equal((await ctx.app.inject({ method: 'GET', url, headers: officer })).statusCode, 404, 'it is gone')
  const series = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/measurements?indicatorId=${ni20.id}`,
    headers: officer,
  })
  t.same(series.json().items, [], 'from lists too')

  const history = await ctx.app.inject({ method: 'GET', url: `${url}/revisions`, headers: officer })
  t.same(
    history.json().items.map((r: { value: string; deletedBy: string | null }) => [r.value, r.deletedBy]),
    [
      ['13', 'officer@alpha'],
      ['31', null],
    ],
    'the deleted value and the one before it',
  )
  const first = await ctx.app.inject({ method: 'GET', url: `${url}/revisions?limit=1`, headers: officer })
  const secondPage = await ctx.app.inject({
    method: 'GET',
    url: `${url}/revisions?limit=1&cursor=${first.json().nextCursor}`,
    headers: officer,
  })
  t.same(
    [...first.json().items, ...secondPage.json().items].map((r: { value: string }) => r.value),
    ['13', '31'],
    'revisions page too, newest first',
  )
  t.equal(secondPage.json().nextCursor, null, 'and the last page says so')
  await ctx.app.inject({ method: 'PUT', url, headers: officer, payload: { value: 12 } })
  const again = await ctx.app.inject({ method: 'GET', url: `${url}/revisions`, headers: officer })
  t.same(
    again.json().items.map((r: { value: string; revision: number }) => [r.value, r.revision]),
    [
      ['12', 1],
      ['13', 2],
      ['31', 1],
    ],
    'sent again, it starts anew above its history',
  )
  const audit = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/audit-events?resourceType=measurement',
    headers: await ctx.as('admin', 'alpha'),
  })
  t.ok(
    audit
      .json()
      .items.some(
        (e: { action: string; before: { value: string } }) => e.action === 'delete' && e.before.value === '13',
      ),
    'the deletion is in the audit trail',
  )
  t.equal(
    (
      await ctx.app.inject({
        method: 'GET',
        url: `/partnerships/alpha/measurements/${ni20.id}/${boston.id}/2011-01/revisions`,
        headers: officer,
      })
    ).statusCode,
    404,
    'a measurement that never was has no history',
  )
})

t.test('input the service cannot take exactly or parse is refused clearly', async (t) => {
  const { ctx, officer, boston, rate } = await setup(t)
  const url = `/partnerships/alpha/measurements/${rate.id}/${boston.id}/2010-04`
  const inexact = await ctx.app.inject({
    method: 'PUT',
    url,
    headers: { ...officer, 'content-type': 'application/json' },
    payload: '{"value": 12345678901.1234567}',
  })
  t.equal(inexact.statusCode, 400, 'a JSON number with more digits than a double holds')
  t.same(inexact.json().errors, [
    {
      field: 'body.value',
      message: 'has more than 15 significant digits, more than a JSON number carries exactly: send it as a string',
    },
  ])
  const exact = await ctx.app.inject({ method: 'PUT', url, headers: officer, payload: { value: '12345678901.123457' } })
  t.equal(exact.json().value, '12345678901.123457', 'as a string it is kept to the digit')
  t.equal(
    (await ctx.app.inject({ method: 'PUT', url, headers: officer, payload: { value: 0.1 } })).json().value,
    '0.1',
    'an ordinary JSON number is fine',
  )

  const upper = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/measurements/bulk',
    headers: { ...officer, 'content-type': 'TEXT/CSV; charset=UTF-8' },
    payload: 'indicator,area,period,value\nNI 20,E07000136,2010-05,7\n',
  })
  t.equal(upper.statusCode, 200, 'media types are matched case-insensitively')
  t.equal(upper.json().inserted, 1, 'TEXT/CSV is read as CSV')

  const list = (q: string) =>
    ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/measurements${q}`, headers: officer })
  t.equal((await list('?limit=201')).statusCode, 400, 'limit is 1 to 200, as documented')
  t.equal((await list('?limit=200')).statusCode, 200)
})
