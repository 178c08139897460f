import t from 'tap'
import { buildTestApp, seedPartnerships } from '../../helper.js'

t.test('20 parallel updates with the same ETag: exactly one wins, the rest are 412', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers: admin,
    payload: { name: 'Boston', type: 'district' },
  })
  const etag = created.headers.etag as string
  const url = `/partnerships/alpha/areas/${created.json().id}`
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      ctx.app.inject({
        method: 'PATCH',
        url,
        headers: { ...admin, 'if-match': etag },
        payload: { name: `Boston ${i}` },
      }),
    ),
  )
  const statuses = answers.map((a) => a.statusCode)
  t.equal(statuses.filter((s) => s === 200).length, 1, 'one update succeeds')
  t.equal(statuses.filter((s) => s === 412).length, 19, 'nineteen are told the ETag is stale')
  const winner = answers.find((a) => a.statusCode === 200)!.json().name
  const now = await ctx.app.inject({ method: 'GET', url, headers: admin })
  t.match(now.json(), { name: winner, version: 2 }, 'the stored row is the winner, written once')
  const audit = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/audit-events?resourceId=${created.json().id}`,
    headers: admin,
  })
  t.equal(audit.json().items.length, 2, 'and audited once, after its creation')
  const missing = await ctx.app.inject({ method: 'PATCH', url, headers: admin, payload: { name: 'x' } })
  t.equal(missing.statusCode, 428, 'no If-Match: 428')
})

t.test('a parent in another partnership is refused as if absent', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const beta = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/beta/areas',
    headers: await ctx.as('admin', 'beta'),
    payload: { name: 'Beta town', type: 'district' },
  })
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers: await ctx.as('admin', 'alpha'),
    payload: { name: 'Ward', type: 'ward', parentId: beta.json().id },
  })
  t.equal(res.statusCode, 422)
  t.equal(res.json().code, 'AREA.REFERENCE')
  t.same(res.json().errors, [{ field: 'body.parentId', message: 'does not exist in this partnership' }])

  const priority = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/beta/priorities',
    headers: await ctx.as('admin', 'beta'),
    payload: { name: 'ASB' },
  })
  const objectives = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/priorities/${priority.json().id}/objectives`,
    headers: await ctx.as('admin', 'alpha'),
  })
  t.equal(objectives.statusCode, 404, "objectives of another partnership's priority are 404")
})
