import t from 'tap'
import { buildTestApp, secondInstance, seedPartnerships } from '../helper.js'

/**
 * Two instances on one database, their requests interleaved, each with a long-lived partnership cache
 * (a minute): what one instance has made impossible, the other never allows, and what instances share
 * (idempotency keys, ETags) holds across them.
 */
t.test('two instances on one database: archive, year start, idempotency and If-Match hold across them', async (t) => {
  const slow = { PARTNERSHIP_CACHE_MS: '60000' }
  const ctx = await buildTestApp(t, slow)
  const a = ctx.app
  const b = await secondInstance(t, ctx, slow)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const superadmin = await ctx.as('superadmin')
  const on = (app: typeof a, method: 'GET' | 'POST' | 'PATCH', url: string, headers = admin, payload?: object) =>
    app.inject({ method, url: `/partnerships/alpha${url}`, headers, ...(payload ? { payload } : {}) })
  const area = (code: string) => ({ name: `Area ${code}`, type: 'district', code })

  // Each instance has read the partnership, so each holds it in its cache.
  t.equal((await on(a, 'GET', '/areas')).statusCode, 200)
  t.equal((await on(b, 'GET', '/areas')).statusCode, 200)

  // Archived through A: B refuses the next write at once, then as archived.
  const archived = await on(a, 'PATCH', '', { ...superadmin, 'if-match': '*' }, { archived: true })
  t.equal(archived.statusCode, 200, archived.body)
  const stale = await on(b, 'POST', '/areas', admin, area('E1'))
  t.equal(stale.statusCode, 409)
  t.equal(stale.json().code, 'PARTNERSHIP.CHANGED', 'B found its copy stale inside the write')
  const again = await on(b, 'POST', '/areas', admin, area('E1'))
  t.equal(again.json().code, 'PARTNERSHIP.ARCHIVED', 'and read the partnership afresh for the next request')
  await on(a, 'PATCH', '', { ...superadmin, 'if-match': '*' }, { archived: false })
  const written = await on(b, 'POST', '/areas', admin, area('E1'))
  t.equal(written.statusCode, 201, 'unarchived through A: B writes again at once, its archived copy read afresh')

  // The year start moved to January through A: B cannot store a year in April's terms meanwhile.
  const indicator = (
    await on(a, 'POST', '/indicators', admin, {
      reference: 'NI 17',
      name: 'Perceptions of ASB',
      unit: 'percentage',
      polarity: 'lower_better',
      frequency: 'annual',
      aggregation: 'latest',
    })
  ).json()
  const areaId = (await on(a, 'GET', '/areas')).json().items[0].id
  await on(b, 'GET', '/areas') // B's copy: April
  const moved = await on(a, 'PATCH', '', { ...admin, 'if-match': '*' }, { financialYearStartMonth: 1 })
  t.equal(moved.statusCode, 200, moved.body)
  const target = { indicatorId: indicator.id, areaId, period: 'FY2010-11', targetValue: '17.3' }
  const refused = await on(b, 'POST', '/targets', admin, target)
  t.equal(refused.statusCode, 409, refused.body)
  t.equal(refused.json().code, 'PARTNERSHIP.CHANGED')
  t.equal((await ctx.db.selectFrom('target').select('id').execute()).length, 0, 'nothing stored in April terms')
  const back = await on(a, 'PATCH', '', { ...admin, 'if-match': '*' }, { financialYearStartMonth: 4 })
  t.equal(back.statusCode, 200, 'and the month can move back: nothing depends on January')

  // An idempotency key sent to A replays on B; an ETag from A is stale on B once A has changed the record.
  const keyed = { ...admin, 'idempotency-key': 'one-area' }
  const first = await on(a, 'POST', '/areas', keyed, area('E2'))
  t.equal(first.statusCode, 201)
  const replay = await on(b, 'POST', '/areas', keyed, area('E2'))
  t.equal(replay.json().id, first.json().id, 'replayed by the other instance')
  const id = first.json().id as string
  const etag = first.headers.etag as string
  const changed = await a.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/areas/${id}`,
    headers: { ...admin, 'if-match': etag },
    payload: { name: 'Renamed on A' },
  })
  t.equal(changed.statusCode, 200)
  const lost = await b.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/areas/${id}`,
    headers: { ...admin, 'if-match': etag },
    payload: { name: 'Renamed on B' },
  })
  t.equal(lost.statusCode, 412, 'the lost update is refused on B')
})
