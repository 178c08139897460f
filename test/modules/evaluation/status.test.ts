import t from 'tap'
import { alphaWithNi20, buildTestApp } from '../../helper.js'

t.test('a minimum figure status: asked for, and a floor for the partnership’s viewers', async (t) => {
  const ctx = await buildTestApp(t)
  const { admin, post, boston, ni20 } = await alphaWithNi20(ctx, '1200')
  const viewer = await ctx.as('viewer', 'alpha')
  // April published, May only provisional.
  await post('measurements/bulk', [
    { indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 90, status: 'published' },
    { indicator: 'NI 20', area: 'E07000136', period: '2010-05', value: 130 },
  ])
  const ytdAtMay = async (headers: Record<string, string>, query = '') => {
    const res = await ctx.app.inject({
      url: `/partnerships/alpha/evaluation?period=2010-05&asOf=2010-12-01${query}`,
      headers,
    })
    t.equal(res.statusCode, 200, res.body)
    return (res.json().items[0].evaluation as { actual: { ytd: number | null } }).actual.ytd
  }
  t.equal(await ytdAtMay(admin), 220, 'every figure by default')
  t.equal(await ytdAtMay(admin, '&minimumStatus=published'), 90, 'published only: May is left out')
  t.equal(await ytdAtMay(viewer), 220, "a viewer, while the partnership's floor is provisional")

  const patched = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/alpha',
    headers: { ...admin, 'if-match': '*' },
    payload: { viewerMinimumStatus: 'published' },
  })
  t.equal(patched.json().viewerMinimumStatus, 'published')
  t.equal(await ytdAtMay(viewer), 90, 'scrutiny reads published figures only')
  t.equal(await ytdAtMay(viewer, '&minimumStatus=provisional'), 90, 'and cannot ask below the floor')
  t.equal(await ytdAtMay(await ctx.as('officer', 'alpha')), 220, 'officers still judge on every figure')
  const report = await ctx.app.inject({
    url: '/partnerships/alpha/reports/performance?period=2010-05&asOf=2010-12-01',
    headers: viewer,
  })
  t.equal(report.json().priorities[0].items[0].evaluation.actual.ytd, 90, 'the reports too')
  const series = await ctx.app.inject({
    url: `/partnerships/alpha/indicators/${ni20.id}/evaluation?areaId=${boston.id}&from=2010-04&to=2010-05&asOf=2010-12-01`,
    headers: viewer,
  })
  t.same(
    series.json().items.map((e: { actual: { period: number | null } }) => e.actual.period),
    [90, null],
    'and the series',
  )
})
