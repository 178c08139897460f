import { sql } from 'kysely'
import t from 'tap'
import { loadDemo } from '../../../src/modules/demo/demo.service.js'
import { buildTestApp, issuedRoundOf, setPublicView, type TestApp } from '../../helper.js'
import { fillPath, operations } from '../../contract/fixtures.js'

const EL = 'east-lincolnshire'
/** The demo's figures up to June 2010 are published; July to September stay provisional. */
const PUBLISHED_UP_TO = '2010-06-30'

async function demoOpen(t: Parameters<typeof buildTestApp>[0], env: Record<string, string> = {}) {
  const ctx = await buildTestApp(t, env)
  await loadDemo(ctx.db)
  await ctx.db
    .updateTable('measurement')
    .set({ status: 'published' })
    .where('partnershipId', '=', sql<string>`(select id from partnership where slug = ${EL})`)
    .where('periodStart', '<=', PUBLISHED_UP_TO)
    .execute()
  return { ctx, round: await issuedRoundOf(ctx, EL) }
}

const openUp = (ctx: TestApp, on: boolean) => setPublicView(ctx, EL, on)

const get = (ctx: TestApp, url: string, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'GET', url, headers })

t.test('a partnership shows nothing to the public until it opts in, and then its published figures only', async (t) => {
  const { ctx, round } = await demoOpen(t)
  const paths = (slug: string) => [
    `/public/${slug}`,
    `/public/${slug}/figures`,
    `/public/${slug}/evaluation?period=2010-09`,
    `/public/${slug}/rounds`,
    `/public/${slug}/rounds/${round}`,
  ]
  const absent = (body: string) => body.replace(/"(requestId|instance)":"[^"]*"/g, '')
  for (const [i, path] of paths(EL).entries()) {
    const closed = await get(ctx, path)
    const nowhere = await get(ctx, paths('nowhere')[i]!)
    t.equal(closed.statusCode, 404, `${path}: 404 before the partnership opts in`)
    t.equal(absent(closed.body), absent(nowhere.body), 'the same answer as for a partnership that does not exist')
  }

  await openUp(ctx, true)
  const profile = await get(ctx, `/public/${EL}`)
  t.equal(profile.statusCode, 200)
  t.match(profile.json(), { slug: EL, name: 'East Lincolnshire Community Safety Partnership' })
  t.ok(profile.json().priorities.length > 0 && profile.json().indicators.length > 0 && profile.json().areas.length > 0)
  t.match(profile.headers['cache-control'], /^public, max-age=\d+$/)
  const again = await get(ctx, `/public/${EL}`, { 'if-none-match': profile.headers.etag as string })
  t.equal(again.statusCode, 304, 'a current ETag answers 304')
  t.equal(again.body, '')

  // Every published figure, and nothing else.
  const shown: string[] = []
  let cursor: string | null = null
  do {
    const page = await get(ctx, `/public/${EL}/figures?limit=500${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(page.statusCode, 200)
    for (const f of page.json().items) shown.push(`${f.indicatorId}|${f.areaId}|${f.period}|${f.value}`)
    cursor = page.json().nextCursor
  } while (cursor !== null)
  const stored = await ctx.db
    .selectFrom('measurement')
    .innerJoin('partnership', 'partnership.id', 'measurement.partnershipId')
    .select(['indicatorId', 'areaId', 'period', 'value', 'status'])
    .where('partnership.slug', '=', EL)
    .execute()
  const published = stored.filter((m) => m.status === 'published')
  t.ok(published.length > 0 && published.length < stored.length, 'some figures are published, some not')
  t.same(
    shown.sort(),
    published.map((m) => `${m.indicatorId}|${m.areaId}|${m.period}|${m.value}`).sort(),
    'the published figures exactly',
  )

  // The evaluation is the members' own on published figures, less what is internal.
  const open = (await get(ctx, `/public/${EL}/evaluation?period=2010-09`)).json()
  const members = (
    await get(ctx, `/partnerships/${EL}/evaluation?period=2010-09&minimumStatus=published`, await ctx.as('viewer', EL))
  ).json()
  t.equal(open.items.length, members.items.length)
  const judged = (items: Array<{ indicator: { id: string }; area: { id: string }; evaluation: Record<string, any> }>) =>
    items.map((i) => ({
      key: `${i.indicator.id}|${i.area.id}`,
      rag: i.evaluation.rag,
      actual: i.evaluation.comparison.actual,
      flags: i.evaluation.flags.map((f: { flag: string }) => f.flag).filter((f: string) => f !== 'data_query'),
    }))
  t.same(judged(open.items), judged(members.items), 'judged as the members judge on published figures')
  const provisional = await get(ctx, `/partnerships/${EL}/evaluation?period=2010-09`, await ctx.as('viewer', EL))
  t.not(
    JSON.stringify(judged(provisional.json().items)),
    JSON.stringify(judged(open.items)),
    'which is not the judgement on every figure',
  )
  t.notOk(
    open.items.some((i: { evaluation: { flags: Array<{ flag: string }> } }) =>
      i.evaluation.flags.some((f) => f.flag === 'data_query'),
    ),
    'no data query',
  )

  const rounds = (await get(ctx, `/public/${EL}/rounds`)).json()
  t.match(rounds.items, [{ id: round, period: 'FY2010-11-Q2' }], 'its quarter as its year counts it')
  const report = await get(ctx, `/public/${EL}/rounds/${round}`)
  t.equal(report.statusCode, 200)
  t.ok(report.json().priorities.length > 0)
  const unknown = await get(ctx, `/public/${EL}/rounds/00000000-0000-4000-8000-000000000000`)
  t.equal(unknown.statusCode, 404)
  t.equal(unknown.json().code, 'ROUND.NOT_FOUND')

  // Nothing of the people, their words or their working appears in any public answer.
  const bodies = (
    await Promise.all(
      [...paths(EL), `/public/${EL}/evaluation?period=2010-06`, `/public/${EL}/figures?limit=500`].map((p) =>
        get(ctx, p),
      ),
    )
  )
    .map((r) => r.body)
    .join('\n')
  const secrets = await sql<{ text: string }>`
    select subject as text from member union select email from member union select name from member
    union select name from group_member union select subject from group_member
    union select contact_name from agency union select contact_email from agency
    union select body from commentary where visibility = 'internal' union select author from commentary
    union select lead_name from action_item union select title from action_item
    union select sent_by from measurement union select issued_by from reporting_round`.execute(ctx.db)
  const words = secrets.rows.map((r) => r.text).filter((text): text is string => text !== null && text.length >= 6)
  t.ok(words.length > 50, `${words.length} names, addresses, comments and actions looked for`)
  t.same(
    words.filter((w) => bodies.includes(w)),
    [],
    'none is in any public answer',
  )

  await openUp(ctx, false)
  t.equal((await get(ctx, `/public/${EL}/figures`)).statusCode, 404, 'closed again at once')
})

t.test('the public evaluation shows the comments an officer marked public, without their author', async (t) => {
  const { ctx } = await demoOpen(t)
  await openUp(ctx, true)
  const period = '2010-09'
  const before = (await get(ctx, `/public/${EL}/evaluation?period=${period}`)).json()
  t.ok(
    before.items.every((i: { commentary: unknown }) => i.commentary === null),
    'the demo comments are internal: none is shown',
  )
  const [first, second] = before.items as Array<{ indicator: { id: string }; area: { id: string } }>
  const officer = await ctx.as('officer', EL, { sub: 'pmg-analyst' })
  const write = (item: { indicator: { id: string }; area: { id: string } }, body: string, visibility: string) =>
    ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${EL}/commentary`,
      headers: officer,
      payload: { indicatorId: item.indicator.id, areaId: item.area.id, period, body, visibility },
    })
  t.equal(
    (await write(first!, 'Figures for the public: burglary fell after the autumn campaign.', 'public')).statusCode,
    201,
  )
  t.equal((await write(second!, 'Between ourselves: the September return was late.', 'internal')).statusCode, 201)

  const after = (await get(ctx, `/public/${EL}/evaluation?period=${period}`)).json()
  const of = (item: { indicator: { id: string }; area: { id: string } }) =>
    after.items.find(
      (i: { indicator: { id: string }; area: { id: string } }) =>
        i.indicator.id === item.indicator.id && i.area.id === item.area.id,
    )
  t.match(of(first!).commentary, {
    period,
    body: 'Figures for the public: burglary fell after the autumn campaign.',
    updatedAt: String,
  })
  t.notOk(JSON.stringify(after).includes('pmg-analyst'), 'its author is not named')
  t.equal(of(second!).commentary, null, 'an internal comment is not shown')
  t.notOk(JSON.stringify(after).includes('Between ourselves'), 'anywhere')
  const earlier = (await get(ctx, `/public/${EL}/evaluation?period=2010-08`)).json()
  t.ok(
    earlier.items.every((i: { commentary: unknown }) => i.commentary === null),
    'a comment on a later period is not shown for an earlier one',
  )
})

t.test('without a token, every other operation of the contract answers 401', async (t) => {
  const { ctx } = await demoOpen(t)
  await openUp(ctx, true)
  let asked = 0
  for (const { path, method, op } of await operations(ctx)) {
    const scope = (op as { 'x-access'?: { scope: string } })['x-access']?.scope
    if (scope === undefined || scope === 'public') continue
    const res = await ctx.app.inject({ method: method as 'GET', url: fillPath(path, EL, null) })
    asked += 1
    t.equal(res.statusCode, 401, `${method} ${path}`)
  }
  t.ok(asked > 150, `${asked} operations asked`)
})

t.test("the public view's heavy reads have a budget of their own, apart from the members'", async (t) => {
  const { ctx } = await demoOpen(t, { HEAVY_READ_MAX: '1', HEAVY_READ_WINDOW_MS: '60000' })
  await openUp(ctx, true)
  t.equal((await get(ctx, `/public/${EL}/evaluation?period=2010-09`)).statusCode, 200)
  const refused = await get(ctx, `/public/${EL}/evaluation?period=2010-06`)
  t.equal(refused.statusCode, 429)
  t.match(refused.json(), { code: 'RATE.HEAVY', detail: /The public view of east-lincolnshire/ })
  const members = await get(ctx, `/partnerships/${EL}/evaluation?period=2010-09`, await ctx.as('viewer', EL))
  t.equal(members.statusCode, 200, "the members' own budget is untouched")
})
