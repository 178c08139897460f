import t from 'tap'
import { buildTestApp, seedPartnerships } from '../helper.js'

t.test('20 parallel updates with the same ETag: exactly one wins, the rest are 412', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const created = await ctx.app.inject({ method: 'POST', url: '/partnerships/alpha/areas', headers: admin, payload: { name: 'Boston', type: 'district' } })
  const etag = created.headers.etag as string
  const url = `/partnerships/alpha/areas/${created.json().id}`
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) => ctx.app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': etag }, payload: { name: `Boston ${i}` } })),
  )
  const statuses = answers.map((a) => a.statusCode)
  t.equal(statuses.filter((s) => s === 200).length, 1, 'one update succeeds')
  t.equal(statuses.filter((s) => s === 412).length, 19, 'nineteen are told the ETag is stale')
  const winner = answers.find((a) => a.statusCode === 200)!.json().name
  const now = await ctx.app.inject({ method: 'GET', url, headers: admin })
  t.match(now.json(), { name: winner, version: 2 }, 'the stored row is the winner, written once')
  const audit = await ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/audit-events?resourceId=${created.json().id}`, headers: admin })
  t.equal(audit.json().items.length, 2, 'and audited once, after its creation')
  const missing = await ctx.app.inject({ method: 'PATCH', url, headers: admin, payload: { name: 'x' } })
  t.equal(missing.statusCode, 428, 'no If-Match: 428')
})

t.test('concurrent single-measurement writes of different values: every one is kept as a revision, none lost', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const area = (await ctx.app.inject({ method: 'POST', url: '/partnerships/alpha/areas', headers: admin, payload: { name: 'Boston', type: 'district' } })).json()
  const indicator = (await ctx.app.inject({ method: 'POST', url: '/partnerships/alpha/indicators', headers: admin, payload: { reference: 'NI 20', name: 'Assaults', unit: 'count', polarity: 'lower_better', frequency: 'monthly', aggregation: 'sum' } })).json()
  const url = `/partnerships/alpha/measurements/${indicator.id}/${area.id}/2010-04`
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => ctx.app.inject({ method: 'PUT', url, headers: admin, payload: { value: 100 + i } })))
  t.same(answers.map((a) => a.statusCode).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201], 'one creates, eleven replace')
  const history = await ctx.app.inject({ method: 'GET', url: `${url}/revisions`, headers: admin })
  t.same(history.json().items.map((r: { value: string }) => Number(r.value)).sort((a: number, b: number) => a - b), Array.from({ length: 12 }, (_, i) => 100 + i), 'all twelve values are in the history')
  t.same(history.json().items.map((r: { revision: number }) => r.revision), Array.from({ length: 12 }, (_, i) => 12 - i), 'revisions 12 down to 1, no gaps or repeats')
})
