import t from 'tap'
import { buildTestApp, seedPartnerships } from '../helper.js'

// Every tenant-scoped collection, with a valid body to create one item.
const RESOURCES: Array<[string, Record<string, unknown>]> = [
  ['areas', { name: 'Boston', type: 'district' }],
  ['agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' }],
  ['priorities', { name: 'Anti-social behaviour' }],
  ['themes', { name: 'Fear of crime' }],
]

t.test('401 / 403 / 404 across two partnerships', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const alphaAdmin = await ctx.as('admin', 'alpha')
  const alphaViewer = await ctx.as('viewer', 'alpha')
  const alphaOfficer = await ctx.as('officer', 'alpha')
  const betaAdmin = await ctx.as('admin', 'beta')
  const feed = await ctx.as('admin', 'alpha', {
    memberships: [{ partnership: 'alpha', role: 'admin', agency: '00000000-0000-4000-8000-000000000001' }],
  })
  const missingId = '00000000-0000-4000-8000-00000000abcd'

  for (const [collection, body] of RESOURCES) {
    const created = await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/beta/${collection}`,
      headers: betaAdmin,
      payload: body,
    })
    t.equal(created.statusCode, 201, `beta creates ${collection}`)
    const betaId = created.json().id as string
    const etag = created.headers.etag as string

    // Another partnership's item answers exactly as an absent one does, for every method.
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const payload = method === 'PATCH' ? { name: 'Hijacked' } : undefined
      const foreign = await ctx.app.inject({
        method,
        url: `/partnerships/alpha/${collection}/${betaId}`,
        headers: { ...alphaAdmin, 'if-match': etag },
        payload,
      })
      const absent = await ctx.app.inject({
        method,
        url: `/partnerships/alpha/${collection}/${missingId}`,
        headers: { ...alphaAdmin, 'if-match': etag },
        payload,
      })
      t.equal(foreign.statusCode, 404, `${method} ${collection}: beta's item is 404 to alpha`)
      const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, requestId: undefined })
      t.same(strip(foreign.json()), strip(absent.json()), `${method} ${collection}: indistinguishable from absent`)
    }
    // Naming beta in the URL with an alpha token is 404 too, whatever the role.
    const cross = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/beta/${collection}/${betaId}`,
      headers: alphaAdmin,
    })
    t.equal(cross.statusCode, 404, `${collection}: alpha token on beta's URL is 404`)
    const crossAbsent = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/nowhere/${collection}`,
      headers: alphaAdmin,
    })
    t.equal(crossAbsent.statusCode, 404, `${collection}: unknown partnership is 404`)
    t.same(cross.json().code, crossAbsent.json().code, 'same code for a foreign and an absent partnership')

    // Alpha's list never shows beta's rows.
    const list = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/${collection}?includeArchived=true`,
      headers: alphaAdmin,
    })
    t.same(list.json().items, [], `${collection}: alpha's list is empty`)

    // Right partnership, wrong role: 403. No token: 401.
    for (const [who, headers] of [
      ['viewer', alphaViewer],
      ['officer', alphaOfficer],
      ['agency feed', feed],
    ] as const) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/partnerships/alpha/${collection}`,
        headers,
        payload: body,
      })
      t.equal(res.statusCode, 403, `${collection}: ${who} may not create`)
    }
    const read = await ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/${collection}`, headers: alphaViewer })
    t.equal(read.statusCode, 200, `${collection}: viewer may read`)
    const anonymous = await ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/${collection}` })
    t.equal(anonymous.statusCode, 401, `${collection}: no token is 401`)

    // The body cannot smuggle a partnership in.
    const smuggled = await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/alpha/${collection}`,
      headers: alphaAdmin,
      payload: { ...body, partnershipId: created.json().id },
    })
    t.equal(smuggled.statusCode, 400, `${collection}: a partnershipId in the body is refused`)
  }

  // The superadmin manages partnerships but is no member of them: their data stays closed.
  const superadmin = await ctx.as('superadmin')
  t.equal(
    (await ctx.app.inject({ method: 'GET', url: '/partnerships/beta', headers: superadmin })).statusCode,
    200,
    'superadmin reads a partnership record',
  )
  t.equal(
    (await ctx.app.inject({ method: 'GET', url: '/partnerships/beta/areas', headers: superadmin })).statusCode,
    404,
    'but not its data',
  )
  const mine = await ctx.app.inject({ method: 'GET', url: '/partnerships', headers: alphaAdmin })
  t.same(
    mine.json().items.map((p: { slug: string }) => p.slug),
    ['alpha'],
    'a member lists only their partnerships',
  )
})
