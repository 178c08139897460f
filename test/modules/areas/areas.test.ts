import t, { type Test } from 'tap'
import { allPages, buildTestApp, seedPartnerships, type TestApp } from '../../helper.js'

async function setup(t: Test): Promise<TestApp & { headers: Record<string, string> }> {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  return { ...ctx, headers: await ctx.as('admin', 'alpha') }
}

t.test('create, read, update with If-Match, delete', async (t) => {
  const { app, headers } = await setup(t)
  const created = await app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers,
    payload: { name: 'Boston', type: 'district', code: 'E07000136' },
  })
  t.equal(created.statusCode, 201)
  const area = created.json()
  t.equal(created.headers.location, `/partnerships/alpha/areas/${area.id}`)
  t.equal(created.headers.etag, '"1"')
  t.match(area, { name: 'Boston', type: 'district', code: 'E07000136', parentId: null, archived: false, version: 1 })

  const read = await app.inject({ method: 'GET', url: created.headers.location as string, headers })
  t.equal(read.statusCode, 200)
  t.same(read.json(), area)
  t.equal(read.headers.etag, '"1"')

  const url = `/partnerships/alpha/areas/${area.id}`
  const noIfMatch = await app.inject({ method: 'PATCH', url, headers, payload: { name: 'Boston Borough' } })
  t.equal(noIfMatch.statusCode, 428, 'an update without If-Match is refused')
  t.equal(noIfMatch.json().code, 'PRECONDITION.REQUIRED')

  const updated = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, 'if-match': '"1"' },
    payload: { name: 'Boston Borough' },
  })
  t.equal(updated.statusCode, 200)
  t.equal(updated.json().name, 'Boston Borough')
  t.equal(updated.json().version, 2)
  t.equal(updated.headers.etag, '"2"')
  t.equal(updated.json().code, 'E07000136', 'fields not sent are kept')

  const stale = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, 'if-match': '"1"' },
    payload: { name: 'Lost update' },
  })
  t.equal(stale.statusCode, 412, 'a stale ETag is refused')
  t.equal(stale.json().type, 'urn:safer-partnerships:problem:precondition-failed')
  const weak = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, 'if-match': 'W/"2"' },
    payload: { name: 'Weak' },
  })
  t.equal(weak.statusCode, 412, 'a weak ETag never matches')

  const cleared = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, 'if-match': '"2"' },
    payload: { code: null },
  })
  t.equal(cleared.json().code, null, 'null clears an optional field')

  const staleDelete = await app.inject({ method: 'DELETE', url, headers: { ...headers, 'if-match': '"1"' } })
  t.equal(staleDelete.statusCode, 412)
  const deleted = await app.inject({ method: 'DELETE', url, headers: { ...headers, 'if-match': '"3"' } })
  t.equal(deleted.statusCode, 204)
  t.equal((await app.inject({ method: 'GET', url, headers })).statusCode, 404)
})

t.test('bad input gets a clear 400 and changes nothing', async (t) => {
  const { app, headers, db } = await setup(t)
  const url = '/partnerships/alpha/areas'
  const cases: Array<[string, unknown, string]> = [
    ['unknown field', { name: 'X', type: 'ward', colour: 'red' }, 'body.colour'],
    ['missing name', { type: 'ward' }, 'body.name'],
    ['unknown type', { name: 'X', type: 'galaxy' }, 'body.type'],
    ['number where text is due', { name: 42, type: 'ward' }, 'body.name'],
    ['empty name', { name: '', type: 'ward' }, 'body.name'],
    ['parentId not a uuid', { name: 'X', type: 'ward', parentId: 'abc' }, 'body.parentId'],
  ]
  for (const [name, payload, field] of cases) {
    const res = await app.inject({ method: 'POST', url, headers, payload: payload as object })
    t.equal(res.statusCode, 400, `${name}: 400`)
    t.match(res.headers['content-type'], 'application/problem+json')
    t.equal(res.json().code, 'REQUEST.INVALID')
    t.equal(res.json().errors[0].field, field, `${name}: names ${field}`)
  }
  const malformed = await app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: '{"name":',
  })
  t.equal(malformed.statusCode, 400, 'malformed JSON is 400')
  t.match(malformed.headers['content-type'], 'application/problem+json')
  const wrongType = await app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'text/plain' },
    payload: 'name=x',
  })
  t.equal(wrongType.statusCode, 415, 'a body that is not JSON is 415')
  const huge = await app.inject({
    method: 'POST',
    url,
    headers,
    payload: { name: 'x'.repeat(2 * 1024 * 1024), type: 'ward' },
  })
  t.equal(huge.statusCode, 413, 'a body over the limit is 413')
  const emptyPatch = await app.inject({
    method: 'PATCH',
    url: `${url}/00000000-0000-4000-8000-000000000000`,
    headers: { ...headers, 'if-match': '"1"' },
    payload: {},
  })
  t.equal(emptyPatch.statusCode, 400, 'an empty PATCH is 400')
  const badId = await app.inject({ method: 'GET', url: `${url}/not-a-uuid`, headers })
  t.equal(badId.statusCode, 400, 'a malformed id is 400')
  t.equal(badId.json().errors[0].field, 'params.id')
  const badLimit = await app.inject({ method: 'GET', url: `${url}?limit=0`, headers })
  t.equal(badLimit.statusCode, 400, 'limit 0 is 400')
  const unknownQuery = await app.inject({ method: 'GET', url: `${url}?colour=red`, headers })
  t.equal(unknownQuery.statusCode, 400, 'an unknown query parameter is 400')
  const badCursor = await app.inject({ method: 'GET', url: `${url}?cursor=garbage`, headers })
  t.equal(badCursor.statusCode, 400, 'a forged cursor is 400')
  const { count } = await db
    .selectFrom('area')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  t.equal(count, 0, 'nothing was written')
  const unknownRoute = await app.inject({ method: 'GET', url: '/nowhere', headers })
  t.equal(unknownRoute.statusCode, 404)
  t.match(unknownRoute.headers['content-type'], 'application/problem+json')
})

t.test('the hierarchy refuses cycles; a referenced area is archived, not deleted', async (t) => {
  const { app, headers } = await setup(t)
  const post = async (payload: object) =>
    (await app.inject({ method: 'POST', url: '/partnerships/alpha/areas', headers, payload })).json()
  const county = await post({ name: 'Lincolnshire', type: 'county' })
  const district = await post({ name: 'East Lindsey', type: 'district', parentId: county.id })
  const ward = await post({ name: 'Skegness', type: 'ward', parentId: district.id })

  for (const [name, target, parentId] of [
    ['self', county, county.id],
    ['grandchild', county, ward.id],
    ['child', district, ward.id],
  ] as const) {
    const res = await app.inject({
      method: 'PATCH',
      url: `/partnerships/alpha/areas/${target.id}`,
      headers: { ...headers, 'if-match': '*' },
      payload: { parentId },
    })
    t.equal(res.statusCode, 422, `moving below its ${name} is refused`)
    t.equal(res.json().code, 'AREA.CYCLE')
  }
  const moved = await app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/areas/${ward.id}`,
    headers: { ...headers, 'if-match': '*' },
    payload: { parentId: county.id },
  })
  t.equal(moved.statusCode, 200, 'a legal move is made')

  const dup = await app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers,
    payload: { name: 'Dup', type: 'ward', code: 'X1' },
  })
  t.equal(dup.statusCode, 201)
  const dup2 = await app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers,
    payload: { name: 'Dup 2', type: 'ward', code: 'X1' },
  })
  t.equal(dup2.statusCode, 409, 'a second area with the same code is a conflict')
  t.same(dup2.json().errors, [{ field: 'body.code', message: 'is already used in this partnership' }])

  const inUse = await app.inject({
    method: 'DELETE',
    url: `/partnerships/alpha/areas/${county.id}`,
    headers: { ...headers, 'if-match': '*' },
  })
  t.equal(inUse.statusCode, 409)
  t.equal(inUse.json().code, 'AREA.IN_USE')
  const archived = await app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/areas/${county.id}`,
    headers: { ...headers, 'if-match': '*' },
    payload: { archived: true },
  })
  t.equal(archived.json().archived, true)
  const visible = await app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers })
  t.notOk(
    visible.json().items.some((a: { id: string }) => a.id === county.id),
    'archived areas leave the list',
  )
  const all = await app.inject({ method: 'GET', url: '/partnerships/alpha/areas?includeArchived=true', headers })
  t.ok(
    all.json().items.some((a: { id: string }) => a.id === county.id),
    'and come back with includeArchived',
  )
})

t.test('lists page with cursors, sort and filter', async (t) => {
  const { app, headers } = await setup(t)
  const names = [
    'Alford',
    'Boston',
    'Coningsby',
    'Horncastle',
    'Louth',
    'Mablethorpe',
    'Skegness',
    'Spilsby',
    'Wainfleet',
    'Woodhall Spa',
  ]
  for (const [i, name] of names.entries()) {
    await app.inject({
      method: 'POST',
      url: '/partnerships/alpha/areas',
      headers,
      payload: { name, type: i % 2 === 0 ? 'ward' : 'neighbourhood' },
    })
  }
  const walk = async (query: string) => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res = await app.inject({
        method: 'GET',
        url: `/partnerships/alpha/areas?limit=3&${query}${cursor ? `&cursor=${cursor}` : ''}`,
        headers,
      })
      t.equal(res.statusCode, 200)
      const body = res.json() as { items: Array<{ name: string }>; nextCursor: string | null }
      t.ok(body.items.length <= 3)
      seen.push(...body.items.map((a) => a.name))
      cursor = body.nextCursor
    } while (cursor !== null)
    return seen
  }
  t.same(await walk('sort=name'), names, 'ascending by name, every item once')
  t.same(await walk('sort=-name'), [...names].reverse(), 'descending by name')
  t.same(await walk('sort=-createdAt'), [...names].reverse(), 'newest first')
  t.same(
    await walk('type=ward'),
    names.filter((_, i) => i % 2 === 0),
    'filtered by type',
  )
  t.same(await walk('q=SPA'), ['Woodhall Spa'], 'text search ignores case')
  const first = (
    await app.inject({ method: 'GET', url: '/partnerships/alpha/areas?limit=3&sort=name', headers })
  ).json()
  const mixed = await app.inject({
    method: 'GET',
    url: `/partnerships/alpha/areas?limit=3&sort=-name&cursor=${first.nextCursor}`,
    headers,
  })
  t.equal(mixed.statusCode, 400, 'a cursor from another sort is refused')
})

t.test('every write leaves an audit event with before and after', async (t) => {
  const { app, headers, as } = await setup(t)
  const area = (
    await app.inject({
      method: 'POST',
      url: '/partnerships/alpha/areas',
      headers,
      payload: { name: 'Louth', type: 'ward' },
    })
  ).json()
  await app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/areas/${area.id}`,
    headers: { ...headers, 'if-match': '"1"', 'x-request-id': 'req-42' },
    payload: { name: 'Louth North' },
  })
  await app.inject({
    method: 'DELETE',
    url: `/partnerships/alpha/areas/${area.id}`,
    headers: { ...headers, 'if-match': '"2"' },
  })
  const refused = await app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/areas/${area.id}`,
    headers: { ...headers, 'if-match': '*' },
    payload: { name: 'Ghost' },
  })
  t.equal(refused.statusCode, 404)

  const res = await app.inject({
    method: 'GET',
    url: `/partnerships/alpha/audit-events?resourceType=area&resourceId=${area.id}`,
    headers,
  })
  t.equal(res.statusCode, 200)
  const events = res.json().items
  t.same(
    events.map((e: { action: string }) => e.action),
    ['delete', 'update', 'create'],
    'newest first, nothing for the refused write',
  )
  t.equal(events[1].actor, 'admin@alpha')
  t.match(events[1].requestId, /^[0-9a-f-]{36}$/, 'the service names the request itself')
  t.equal(events[1].correlationId, 'req-42', 'and keeps the id the client sent as its correlation id')
  t.equal(events[1].before.name, 'Louth')
  t.equal(events[1].after.name, 'Louth North')
  t.equal(events[0].after, null)
  const viewer = await app.inject({
    method: 'GET',
    url: '/partnerships/alpha/audit-events',
    headers: await as('officer', 'alpha'),
  })
  t.equal(viewer.statusCode, 403, 'only admins read the audit trail')
  const since = await app.inject({
    method: 'GET',
    url: `/partnerships/alpha/audit-events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    headers,
  })
  t.same(since.json().items, [], 'filtered by time')
  // Oldest first, a page at a time.
  const oldestFirst = await allPages<{ action: string }>(
    app,
    `/partnerships/alpha/audit-events?resourceType=area&resourceId=${area.id}&sort=occurredAt&limit=1`,
    headers,
  )
  t.same(
    oldestFirst.map((e) => e.action),
    ['create', 'update', 'delete'],
    'sort=occurredAt: oldest first, across pages',
  )
})
