import t from 'tap'
import { buildTestApp, partnershipClient, seedPartnerships } from '../../helper.js'

/** LOCAL ASB Boston's months around the 3,400 typo (issue 26): about 335 a month. */
const ASB = [
  318, 341, 352, 330, 327, 345, 336, 329, 350, 338, 331, 340, 325, 333, 347, 339, 335, 342, 330, 336, 328, 345, 337,
  334,
]
const months = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => {
    const m = from + i
    return `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`
  })
const SEP_2008 = 2008 * 12 + 8

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const admin = await ctx.as('admin', 'alpha')
  const officer = await ctx.as('officer', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const police = await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' })
  await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  const asb = await post('indicators', {
    reference: 'LOCAL ASB',
    name: 'Anti-social behaviour incidents',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    sourceAgencyId: police.id,
  })
  const history = await call(
    'POST',
    'measurements/bulk',
    officer,
    months(SEP_2008, 24).map((period, i) => ({ indicator: 'LOCAL ASB', area: 'E07000136', period, value: ASB[i] })),
  )
  return { ctx, admin, officer, call, police, asb, history }
}

t.test('the 3,400 typo: kept, told to the sender, queried in the evaluation until dismissed', async (t) => {
  const { ctx, officer, call, history } = await setup(t)
  t.equal(history.statusCode, 200)
  t.equal(history.json().outliers, undefined, 'two years of ordinary months raise nothing')

  const put = (value: number) => call('PUT', 'measurements/LOCAL%20ASB/E07000136/2010-09', officer, { value })
  const typo = await put(3400)
  t.equal(typo.statusCode, 201, 'an outlier is told, never refused')
  t.match(typo.json(), {
    value: '3400',
    outliers: [
      {
        row: 1,
        period: '2010-09',
        figure: 'value',
        rule: 'poisson_tail',
        sent: 3400,
        expected: 324.04,
        low: 270,
        high: 381,
      },
      { rule: 'above_previous_max', high: 1041 },
    ],
  })
  const open = (await call('GET', 'findings?state=open', officer)).json().items
  t.equal(open.length, 2, 'both kept as findings')

  const evaluation = async () =>
    (await call('GET', 'evaluation?period=2010-09&asOf=2010-12-31', officer)).json().items[0].evaluation.flags
  const flags = await evaluation()
  t.match(
    flags.find((f: { flag: string }) => f.flag === 'data_query'),
    { direction: 'bad', reason: /The figure for 2010-09 was queried on arrival: 3400 is far above/ },
  )

  const again = await put(3400)
  t.equal(again.statusCode, 200)
  t.same(again.json().outliers, [], 'told once, when it came: the same figure again is not judged again')
  t.equal((await call('GET', 'findings', officer)).json().items.length, 2, 'the same figure again adds no finding')

  const decide = (id: string, version: number, body: object) =>
    ctx.app.inject({
      method: 'PATCH',
      url: `/partnerships/alpha/findings/${id}`,
      headers: { ...officer, 'if-match': `"${version}"` },
      payload: body,
    })
  const [first, second] = open
  t.equal((await decide(first.id, first.version, { state: 'dismissed' })).statusCode, 400, 'a reason is required')
  const unmatched = await ctx.app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/findings/${first.id}`,
    headers: officer,
    payload: { state: 'dismissed', reason: 'x' },
  })
  t.equal(unmatched.statusCode, 428, 'If-Match is required')
  const viewer = await ctx.as('viewer', 'alpha')
  const refused = await ctx.app.inject({
    method: 'PATCH',
    url: `/partnerships/alpha/findings/${first.id}`,
    headers: { ...viewer, 'if-match': '*' },
    payload: { state: 'dismissed', reason: 'x' },
  })
  t.equal(refused.statusCode, 403, 'an officer decides')
  const dismissed = await decide(first.id, first.version, {
    state: 'dismissed',
    reason: 'Checked with the force: the Boston Show weekend',
  })
  t.equal(dismissed.statusCode, 200)
  t.match(dismissed.json(), { state: 'dismissed', decidedBy: 'officer@alpha', reason: /Boston Show/ })
  t.ok(
    (await evaluation()).some((f: { flag: string }) => f.flag === 'data_query'),
    'still queried while the other finding is open',
  )
  const confirmed = await decide(second.id, second.version, { state: 'confirmed', reason: 'A digit too many' })
  t.equal(confirmed.json().state, 'confirmed')
  t.ok(
    (await evaluation()).some((f: { flag: string }) => f.flag === 'data_query'),
    'a confirmed figure stays queried',
  )

  const corrected = await put(340)
  t.equal(corrected.statusCode, 200, corrected.body)
  t.same(corrected.json().outliers, [], 'the corrected figure looks like its history')
  const states = (await call('GET', 'findings', officer))
    .json()
    .items.map((f: { state: string }) => f.state)
    .sort()
  t.same(states, ['dismissed', 'superseded'], 'the confirmed finding is superseded by the new value')
  t.notOk(
    (await evaluation()).some((f: { flag: string }) => f.flag === 'data_query'),
    'and the query is gone',
  )
  const late = await decide(second.id, confirmed.json().version + 1, { state: 'dismissed', reason: 'x' })
  t.equal(late.statusCode, 409)
  t.equal(late.json().code, 'FINDING.SUPERSEDED')

  const audit = await ctx.db.selectFrom('auditEvent').select('action').where('resourceType', '=', 'finding').execute()
  t.equal(audit.length, 2, 'each decision audited')

  const beta = await ctx.as('admin', 'beta')
  const foreign = await ctx.app.inject({ method: 'GET', url: `/partnerships/beta/findings/${first.id}`, headers: beta })
  t.equal(foreign.statusCode, 404, "another partnership's finding does not exist")
  t.same((await ctx.app.inject({ method: 'GET', url: '/partnerships/beta/findings', headers: beta })).json().items, [])
})

t.test('bulk and dry runs list the outliers by row without refusing the batch', async (t) => {
  const { call, officer, ctx } = await setup(t)
  const rows = [
    { indicator: 'LOCAL ASB', area: 'E07000136', period: '2010-09', value: 344 },
    { indicator: 'LOCAL ASB', area: 'E07000136', period: '2010-10', value: 0 },
    { indicator: 'LOCAL ASB', area: 'E07000136', period: '2010-11', value: 3400 },
  ]
  const dry = await call('POST', 'measurements/bulk?dryRun=true', officer, rows)
  t.equal(dry.statusCode, 200)
  t.match(dry.json(), { dryRun: true, inserted: 3, refused: 0, outliersTruncated: false })
  t.same(
    dry.json().outliers.map((o: { row: number; rule: string }) => `${o.row} ${o.rule}`),
    ['2 poisson_tail', '2 unexpected_zero', '3 poisson_tail', '3 above_previous_max'],
    'the zero and the typo, by row; 344 is an ordinary month',
  )
  const kept = await ctx.db.selectFrom('measurementFinding').select('id').execute()
  t.same(kept, [], 'a dry run keeps no finding')
  const real = await call('POST', 'measurements/bulk', officer, rows)
  t.equal(real.json().outliers.length, 4)
  const resent = await call('POST', 'measurements/bulk', officer, rows)
  t.match(
    resent.json(),
    { unchanged: 3, outliers: undefined },
    'a batch sent again changes nothing and is not judged again',
  )
  t.equal((await call('GET', 'findings?state=open&from=2010-11&to=2010-11', officer)).json().items.length, 2)
})

t.test('the partnership sets how unlikely a count must be, and the multiple that is always queried', async (t) => {
  const { ctx, admin, call, officer } = await setup(t)
  const patch = (payload: object) =>
    ctx.app.inject({ method: 'PATCH', url: '/partnerships/alpha', headers: { ...admin, 'if-match': '*' }, payload })
  t.equal((await patch({ outlierLevel: 0.5 })).statusCode, 400, 'a level above 0.01 would query ordinary months')
  const set = await patch({ outlierLevel: 0.0001, outlierMaxMultiple: 1.5 })
  t.equal(set.statusCode, 200, set.body)
  t.match(set.json(), { outlierLevel: 0.0001, outlierMaxMultiple: 1.5 })
  // Against 324 expected: P(X >= 390) = 0.0002 (queried at the default 0.001, not at 0.0001); 1.5 x 352 is 528.
  const at = (value: number) => call('PUT', 'measurements/LOCAL%20ASB/E07000136/2010-09', officer, { value })
  t.same(
    (await at(540)).json().outliers.map((o: { rule: string }) => o.rule),
    ['poisson_tail', 'above_previous_max'],
  )
  t.same((await at(390)).json().outliers, [], '390 stands at the stricter level')
})
