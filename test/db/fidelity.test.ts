import t from 'tap'
import { buildTestApp, seedPartnerships } from '../helper.js'

/**
 * Dates are dates and large numbers are exact, whatever the process's time zone: the same writes read
 * back byte for byte under UTC, London (an hour ahead in summer) and Kiritimati (fourteen hours ahead).
 */
t.test('dates and large figures round-trip byte-identical under three time zones', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const area = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/areas',
      headers: admin,
      payload: { name: 'Boston', type: 'district', code: 'E07000136' },
    })
  ).json()
  const indicator = (
    await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/indicators',
      headers: admin,
      payload: {
        reference: 'BIG',
        name: 'Large counts',
        unit: 'count',
        polarity: 'lower_better',
        frequency: 'monthly',
        aggregation: 'sum',
      },
    })
  ).json()
  const original = process.env.TZ
  t.teardown(() => {
    if (original === undefined) delete process.env.TZ
    else process.env.TZ = original
  })
  const seen: Record<string, string> = {}
  for (const [i, zone] of ['UTC', 'Europe/London', 'Pacific/Kiritimati'].entries()) {
    process.env.TZ = zone
    t.equal(
      new Date(2010, 5, 1).getTimezoneOffset(),
      { UTC: 0, 'Europe/London': -60, 'Pacific/Kiritimati': -840 }[zone],
      `${zone} is in force`,
    )
    // Written under the first zone only; each zone reads the same rows.
    if (i === 0) {
      const rows = [
        { indicator: 'BIG', area: 'E07000136', period: '2010-03', value: '999999999999999' },
        { indicator: 'BIG', area: 'E07000136', period: '2010-04', value: 123456789012345 },
        { indicator: 'BIG', area: 'E07000136', period: '2010-10', value: '0' },
      ]
      const loaded = await ctx.app.inject({
        method: 'POST',
        url: '/partnerships/alpha/measurements/bulk',
        headers: admin,
        payload: rows,
      })
      t.equal(loaded.statusCode, 200, loaded.body)
      const target = await ctx.app.inject({
        method: 'POST',
        url: '/partnerships/alpha/targets',
        headers: admin,
        payload: {
          indicatorId: indicator.id,
          areaId: area.id,
          period: 'FY2010-11',
          baselineValue: '12345678901234',
          changePercent: '-4',
        },
      })
      t.equal(target.statusCode, 201, target.body)
    }
    const list = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/measurements', headers: admin })
    const exported = await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/alpha/measurements/export',
      headers: admin,
    })
    const targets = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/targets', headers: admin })
    const strip = (body: string) => body.replace(/"(createdAt|updatedAt)":"[^"]+"/g, '"$1":"~"')
    seen[zone] = [strip(list.body), exported.body, strip(targets.body)].join('\n')
    if (i === 0) {
      const items = list.json().items as Array<{
        period: string
        periodStart: string
        periodEnd: string
        value: string
      }>
      t.same(
        items.map((m) => `${m.period} ${m.periodStart}..${m.periodEnd} ${m.value}`),
        [
          '2010-03 2010-03-01..2010-03-31 999999999999999',
          '2010-04 2010-04-01..2010-04-30 123456789012345',
          '2010-10 2010-10-01..2010-10-31 0',
        ],
        'dates are the calendar dates sent, large counts exact',
      )
      t.match(
        targets.json().items[0],
        { periodStart: '2010-04-01', periodEnd: '2011-03-31', targetValue: '11851851745185' },
        'a 14-digit baseline x 0.96 (11851851745184.64), exact and rounded half away from zero',
      )
    }
  }
  t.equal(seen['Europe/London'], seen.UTC, 'London reads byte for byte what UTC reads')
  t.equal(seen['Pacific/Kiritimati'], seen.UTC, 'and so does Kiritimati')
})
