import { sql } from 'kysely'
import t from 'tap'
import { buildTestApp, partnershipClient, seedPartnerships } from '../../helper.js'

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  const police = await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' })
  const fire = await post('agencies', { name: 'Lincolnshire Fire and Rescue', role: 'responsible_authority' })
  const county = await post('areas', { name: 'East Lincolnshire', type: 'partnership', code: 'EAST-LINCS' })
  const boston = await post('areas', { name: 'Boston', type: 'district', code: 'E07000136', parentId: county.id })
  const eastLindsey = await post('areas', {
    name: 'East Lindsey',
    type: 'district',
    code: 'E07000137',
    parentId: county.id,
  })
  const count = { unit: 'count', polarity: 'lower_better', frequency: 'monthly', aggregation: 'sum' }
  const ni20 = await post('indicators', {
    ...count,
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    sourceAgencyId: police.id,
    dataLagDays: 21,
  })
  await post('indicators', { ...count, reference: 'NI 33(i)', name: 'Primary arson', sourceAgencyId: fire.id })
  await post('indicators', {
    reference: 'LOCAL ASBO',
    name: 'Number of ASBOs issued',
    unit: 'count',
    polarity: 'monitor_only',
    frequency: 'quarterly',
    aggregation: 'sum',
  })
  await post('targets', { indicatorId: ni20.id, areaId: eastLindsey.id, period: 'FY2010-11', targetValue: '700' })
  const rows = [
    ['NI 20', 'E07000136', '2010-04', 31, '2010-05-15'],
    ['NI 20', 'E07000136', '2010-05', 28, '2010-07-01'],
    ['NI 20', 'E07000136', '2010-06', 30, null],
    ['NI 20', 'E07000136', '2010-07', 33, null],
    ['NI 33(i)', 'E07000136', '2010-04', 3, '2010-04-30'],
  ] as const
  const sent = await call(
    'POST',
    'measurements/bulk',
    admin,
    rows.map(([indicator, area, period, value]) => ({ indicator, area, period, value })),
  )
  if (sent.statusCode !== 200) throw new Error(sent.body)
  // When each figure first came (the rest came today, long after they were due).
  for (const [indicator, area, period, , receivedOn] of rows)
    if (receivedOn !== null)
      await sql`update measurement set created_at = ${receivedOn}::date + interval '9 hours'
        where period = ${period} and area_id = (select id from area where code = ${area})
          and indicator_id = (select id from indicator where reference = ${indicator})`.execute(ctx.db)
  return { ctx, admin, call, police, fire, boston, eastLindsey }
}

t.test('overdue returns and completeness at an as-of date, a monitored count among them', async (t) => {
  const { ctx, admin, call, police, fire } = await setup(t)
  const overdue = await call('GET', 'returns/overdue?asOf=2010-10-21&from=2010-04', admin)
  t.equal(overdue.statusCode, 200, overdue.body)
  const items = overdue.json().items as Array<Record<string, unknown>>
  const line = (r: Record<string, unknown>) => `${r.reference} ${r.areaName} ${r.period} ${r.dueOn} ${r.daysLate}`
  t.same(
    items.map(line),
    [
      'NI 20 East Lindsey 2010-04 2010-05-21 153',
      'NI 33(i) Boston 2010-05 2010-05-31 143',
      'NI 20 East Lindsey 2010-05 2010-06-21 122',
      'LOCAL ASBO East Lincolnshire FY2010-11-Q1 2010-06-30 113',
      'NI 33(i) Boston 2010-06 2010-06-30 113',
      'NI 20 East Lindsey 2010-06 2010-07-21 92',
      'NI 20 East Lindsey 2010-07 2010-08-21 61',
      'NI 33(i) Boston 2010-07 2010-07-31 82',
      'NI 20 Boston 2010-08 2010-09-21 30',
      'NI 20 East Lindsey 2010-08 2010-09-21 30',
      'LOCAL ASBO East Lincolnshire FY2010-11-Q2 2010-09-30 21',
      'NI 33(i) Boston 2010-08 2010-08-31 51',
      'NI 33(i) Boston 2010-09 2010-09-30 21',
    ].sort((a, b) => Number(b.split(' ').pop()) - Number(a.split(' ').pop())),
    'longest overdue first; East Lindsey by its target; the monitored count for the whole partnership',
  )
  t.match(
    items.find((r) => r.reference === 'LOCAL ASBO'),
    { agencyId: null, agencyName: null },
  )

  const complete = await call('GET', 'returns/completeness?asOf=2010-10-21&from=2010-04', admin)
  const of = (agency: string | null, period: string) =>
    complete
      .json()
      .items.find((r: { agencyName: string | null; period: string }) => r.agencyName === agency && r.period === period)
  t.match(of('Lincolnshire Police', '2010-04'), {
    expected: 2,
    received: 1,
    onTime: 1,
    late: 0,
    overdue: 1,
    completenessPercent: 50,
    timelinessPercent: 50,
  })
  t.match(
    of('Lincolnshire Police', '2010-05'),
    { expected: 2, received: 1, onTime: 0, late: 1, overdue: 1 },
    '10 days late',
  )
  t.match(of('Lincolnshire Fire and Rescue', '2010-04'), { expected: 1, onTime: 1, completenessPercent: 100 })
  t.match(of(null, 'FY2010-11-Q1'), { expected: 1, overdue: 1 }, 'the monitored count has no agency named: it shows so')

  const csv = await call('GET', 'returns/overdue?asOf=2010-10-21&from=2010-04&format=csv', admin)
  t.match(csv.headers['content-type'], 'text/csv')
  t.match(csv.body, /^\ufeffagency,indicator,indicator_name,area,area_code,period,due_on,days_late\n/)
  t.match(
    csv.body,
    /Lincolnshire Police,NI 20,Assault with less serious injury,East Lindsey,E07000137,2010-04,2010-05-21,153/,
  )

  const feed = await ctx.as('officer', 'alpha', {
    memberships: [{ partnership: 'alpha', role: 'officer', agency: police.id }],
    sub: 'police-feed',
  })
  const own = await call('GET', 'returns/overdue?asOf=2010-10-21&from=2010-04', feed)
  t.same(
    [...new Set(own.json().items.map((r: { reference: string }) => r.reference))],
    ['NI 20'],
    "the force's own list",
  )
  const other = await call('GET', `returns/overdue?asOf=2010-10-21&from=2010-04&agencyId=${fire.id}`, feed)
  t.equal(other.statusCode, 403)
  t.equal(other.json().code, 'RETURNS.OTHER_AGENCY')
  const reversed = await call('GET', 'returns/overdue?asOf=2010-03-01&from=2010-04', admin)
  t.equal(reversed.statusCode, 400)
  const beta = await ctx.as('admin', 'beta')
  const theirs = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/beta/returns/overdue?asOf=2010-10-21',
    headers: beta,
  })
  t.same(theirs.json().items, [], "beta expects nothing of alpha's indicators")
})
