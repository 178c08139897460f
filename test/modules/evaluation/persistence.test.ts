import t from 'tap'
import { alphaWithNi20, buildTestApp } from '../../helper.js'

t.test('persistently_off_target follows the partnership’s number of periods', async (t) => {
  const ctx = await buildTestApp(t)
  const { admin, post, boston, ni20 } = await alphaWithNi20(ctx, '1200')
  await post('measurements/bulk', [
    { indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 130 },
    { indicator: 'NI 20', area: 'E07000136', period: '2010-05', value: 125 },
  ])
  const flagsAtMay = async () =>
    (
      await ctx.app.inject({
        url: `/partnerships/alpha/indicators/${ni20.id}/evaluation?areaId=${boston.id}&from=2010-05&to=2010-05&asOf=2010-12-01`,
        headers: admin,
      })
    )
      .json()
      .items[0].flags.map((f: { flag: string }) => f.flag) as string[]
  t.notOk((await flagsAtMay()).includes('persistently_off_target'), 'red twice: not by default (3)')
  const patched = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/alpha',
    headers: { ...admin, 'if-match': '*' },
    payload: { persistentRedPeriods: 2 },
  })
  t.equal(patched.statusCode, 200, patched.body)
  t.equal(patched.json().persistentRedPeriods, 2)
  t.ok((await flagsAtMay()).includes('persistently_off_target'), 'a partnership that escalates after two')
  const tooMany = await ctx.app.inject({
    method: 'PATCH',
    url: '/partnerships/alpha',
    headers: { ...admin, 'if-match': '*' },
    payload: { persistentRedPeriods: 13 },
  })
  t.equal(tooMany.statusCode, 400, 'at most a year of periods')
})
