import t from 'tap'
import { buildTestApp, seedPartnerships } from '../../helper.js'

t.test('objectives live under their priority', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const headers = await ctx.as('admin', 'alpha')
  const priority = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/priorities',
      headers,
      payload: { name: 'Violent crime' },
    })
  ).json()
  const other = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/priorities',
      headers,
      payload: { name: 'Acquisitive crime' },
    })
  ).json()
  const base = `/partnerships/alpha/priorities/${priority.id}/objectives`
  const created = await ctx.app.inject({
    method: 'POST',
    url: base,
    headers,
    payload: { title: 'Reduce violence against the person by 4%' },
  })
  t.equal(created.statusCode, 201)
  t.equal(created.json().priorityId, priority.id, 'the priority comes from the path')
  t.equal(created.headers.location, `${base}/${created.json().id}`)
  const smuggled = await ctx.app.inject({
    method: 'POST',
    url: base,
    headers,
    payload: { title: 'x', priorityId: other.id },
  })
  t.equal(smuggled.statusCode, 400, 'the body cannot name another priority')
  const wrongParent = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/alpha/priorities/${other.id}/objectives/${created.json().id}`,
    headers,
  })
  t.equal(wrongParent.statusCode, 404, 'an objective is not found under another priority')
  const missingParent = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/priorities/00000000-0000-4000-8000-000000000000/objectives',
    headers,
  })
  t.equal(missingParent.statusCode, 404)
  t.equal(missingParent.json().code, 'PRIORITY.NOT_FOUND')
  const list = await ctx.app.inject({ method: 'GET', url: base, headers })
  t.equal(list.json().items.length, 1)
  const removed = await ctx.app.inject({
    method: 'DELETE',
    url: `/partnerships/alpha/priorities/${priority.id}`,
    headers: { ...headers, 'if-match': '*' },
  })
  t.equal(removed.statusCode, 204, 'a priority is deleted with its objectives')
  t.equal((await ctx.app.inject({ method: 'GET', url: base, headers })).statusCode, 404)
})
