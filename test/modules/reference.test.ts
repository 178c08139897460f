import t from 'tap'
import { buildTestApp, seedPartnerships } from '../helper.js'

t.test('agencies, priorities and themes: create, update, list, delete', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const headers = await ctx.as('admin', 'alpha')
  const cases: Array<[string, object, object, string]> = [
    ['agencies', { name: 'Lincolnshire Police', role: 'responsible_authority', contactEmail: 'csp@lincs.police.uk' }, { contactPhone: '01522 532222' }, 'role=responsible_authority'],
    ['priorities', { name: 'Anti-social behaviour', code: 'ASB', description: 'Reduce ASB incidents' }, { description: 'Reduce ASB incidents by 3%' }, 'code=ASB'],
    ['themes', { name: 'Seasonality' }, { description: 'Crime rises with the summer visitors in East Lindsey' }, 'q=season'],
  ]
  for (const [collection, body, change, filter] of cases) {
    const url = `/partnerships/alpha/${collection}`
    const created = await ctx.app.inject({ method: 'POST', url, headers, payload: body })
    t.equal(created.statusCode, 201, `${collection}: created`)
    t.match(created.json(), body)
    const item = `${url}/${created.json().id}`
    const updated = await ctx.app.inject({ method: 'PATCH', url: item, headers: { ...headers, 'if-match': created.headers.etag as string }, payload: change })
    t.equal(updated.statusCode, 200, `${collection}: updated`)
    t.match(updated.json(), { ...body, ...change, version: 2 })
    const duplicate = await ctx.app.inject({ method: 'POST', url, headers, payload: body })
    t.equal(duplicate.statusCode, 409, `${collection}: same name twice is a conflict`)
    const listed = await ctx.app.inject({ method: 'GET', url: `${url}?${filter}`, headers })
    t.same(listed.json().items.map((i: { id: string }) => i.id), [created.json().id], `${collection}: found by ${filter}`)
    const deleted = await ctx.app.inject({ method: 'DELETE', url: item, headers: { ...headers, 'if-match': '"2"' } })
    t.equal(deleted.statusCode, 204, `${collection}: deleted`)
  }
  const badEmail = await ctx.app.inject({ method: 'POST', url: '/partnerships/alpha/agencies', headers, payload: { name: 'Fire', role: 'responsible_authority', contactEmail: 'not-an-email' } })
  t.equal(badEmail.statusCode, 400, 'an invalid email is refused')
  t.equal(badEmail.json().errors[0].field, 'body.contactEmail')
})

t.test('objectives live under their priority', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const headers = await ctx.as('admin', 'alpha')
  const priority = (await ctx.app.inject({ method: 'POST', url: '/partnerships/alpha/priorities', headers, payload: { name: 'Violent crime' } })).json()
  const other = (await ctx.app.inject({ method: 'POST', url: '/partnerships/alpha/priorities', headers, payload: { name: 'Acquisitive crime' } })).json()
  const base = `/partnerships/alpha/priorities/${priority.id}/objectives`
  const created = await ctx.app.inject({ method: 'POST', url: base, headers, payload: { title: 'Reduce violence against the person by 4%' } })
  t.equal(created.statusCode, 201)
  t.equal(created.json().priorityId, priority.id, 'the priority comes from the path')
  t.equal(created.headers.location, `${base}/${created.json().id}`)
  const smuggled = await ctx.app.inject({ method: 'POST', url: base, headers, payload: { title: 'x', priorityId: other.id } })
  t.equal(smuggled.statusCode, 400, 'the body cannot name another priority')
  const wrongParent = await ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/priorities/${other.id}/objectives/${created.json().id}`, headers })
  t.equal(wrongParent.statusCode, 404, 'an objective is not found under another priority')
  const missingParent = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/priorities/00000000-0000-4000-8000-000000000000/objectives', headers })
  t.equal(missingParent.statusCode, 404)
  t.equal(missingParent.json().code, 'PRIORITY.NOT_FOUND')
  const list = await ctx.app.inject({ method: 'GET', url: base, headers })
  t.equal(list.json().items.length, 1)
  const removed = await ctx.app.inject({ method: 'DELETE', url: `/partnerships/alpha/priorities/${priority.id}`, headers: { ...headers, 'if-match': '*' } })
  t.equal(removed.statusCode, 204, 'a priority is deleted with its objectives')
  t.equal((await ctx.app.inject({ method: 'GET', url: base, headers })).statusCode, 404)
})

t.test('partnerships: superadmin creates, admin changes, members list theirs', async (t) => {
  const ctx = await buildTestApp(t)
  const superadmin = await ctx.as('superadmin')
  const created = await ctx.app.inject({ method: 'POST', url: '/partnerships', headers: superadmin, payload: { slug: 'east-lincolnshire', name: 'East Lincolnshire CSP' } })
  t.equal(created.statusCode, 201)
  t.equal(created.headers.location, '/partnerships/east-lincolnshire')
  t.equal(created.json().financialYearStartMonth, 4, 'the financial year starts in April by default')
  const again = await ctx.app.inject({ method: 'POST', url: '/partnerships', headers: superadmin, payload: { slug: 'east-lincolnshire', name: 'Again' } })
  t.equal(again.statusCode, 409)
  const badSlug = await ctx.app.inject({ method: 'POST', url: '/partnerships', headers: superadmin, payload: { slug: 'East Lincs!', name: 'x' } })
  t.equal(badSlug.statusCode, 400)
  const byAdmin = await ctx.app.inject({ method: 'POST', url: '/partnerships', headers: await ctx.as('admin', 'east-lincolnshire'), payload: { slug: 'other', name: 'x' } })
  t.equal(byAdmin.statusCode, 403, 'only a superadmin creates partnerships')

  const admin = await ctx.as('admin', 'east-lincolnshire')
  const changed = await ctx.app.inject({ method: 'PATCH', url: '/partnerships/east-lincolnshire', headers: { ...admin, 'if-match': '"1"' }, payload: { name: 'East Lincolnshire Community Safety Partnership' } })
  t.equal(changed.statusCode, 200)
  t.equal(changed.json().version, 2)
  const byViewer = await ctx.app.inject({ method: 'PATCH', url: '/partnerships/east-lincolnshire', headers: { ...(await ctx.as('viewer', 'east-lincolnshire')), 'if-match': '"2"' }, payload: { name: 'x' } })
  t.equal(byViewer.statusCode, 403)
  const badMonth = await ctx.app.inject({ method: 'PATCH', url: '/partnerships/east-lincolnshire', headers: { ...admin, 'if-match': '"2"' }, payload: { financialYearStartMonth: 13 } })
  t.equal(badMonth.statusCode, 400)

  await ctx.app.inject({ method: 'POST', url: '/partnerships', headers: superadmin, payload: { slug: 'peterborough', name: 'Safer Peterborough Partnership' } })
  const all = await ctx.app.inject({ method: 'GET', url: '/partnerships?limit=1', headers: superadmin })
  t.equal(all.json().items.length, 1)
  const next = await ctx.app.inject({ method: 'GET', url: `/partnerships?limit=1&cursor=${all.json().nextCursor}`, headers: superadmin })
  t.same([...all.json().items, ...next.json().items].map((p: { slug: string }) => p.slug), ['east-lincolnshire', 'peterborough'], 'a superadmin pages through all')
  const mine = await ctx.app.inject({ method: 'GET', url: '/partnerships', headers: await ctx.as('viewer', 'peterborough') })
  t.same(mine.json().items.map((p: { slug: string }) => p.slug), ['peterborough'])
})
