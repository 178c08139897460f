import t from 'tap'
import { loadDemo } from '../../../src/modules/demo/demo.service.js'
import { buildTestApp } from '../../helper.js'

t.test('the demo loads East Lincolnshire, and loading it twice changes nothing', async (t) => {
  const ctx = await buildTestApp(t)
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        (['partnership', 'area', 'agency', 'priority', 'objective', 'theme', 'auditEvent'] as const).map(async (table) => {
          const { n } = await ctx.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
          return [table, n]
        }),
      ),
    )
  await loadDemo(ctx.db)
  const first = await counts()
  t.match(first, { partnership: 1, area: 6, agency: 14, priority: 4, objective: 14, theme: 2 })
  await loadDemo(ctx.db)
  t.same(await counts(), first, 'a second run writes nothing, not even audit events')

  const headers = await ctx.as('viewer', 'east-lincolnshire')
  const priorities = await ctx.app.inject({ method: 'GET', url: '/partnerships/east-lincolnshire/priorities?sort=name', headers })
  t.same(
    priorities.json().items.map((p: { code: string }) => p.code),
    ['P3', 'P1', 'P4', 'P2'],
    'a viewer lists its priorities',
  )
  const districts = await ctx.app.inject({ method: 'GET', url: '/partnerships/east-lincolnshire/areas?type=district', headers })
  t.same(districts.json().items.map((a: { name: string; code: string }) => `${a.name} ${a.code}`), ['Boston E07000136', 'East Lindsey E07000137'])
})
