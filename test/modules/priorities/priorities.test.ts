import t from 'tap'
import { buildTestApp, crudRoundTrip, seedPartnerships } from '../../helper.js'

t.test('priorities: create, update, list, delete', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  await crudRoundTrip(
    t,
    ctx,
    'priorities',
    { name: 'Anti-social behaviour', code: 'ASB', description: 'Reduce ASB incidents' },
    { description: 'Reduce ASB incidents by 3%' },
    'code=ASB',
  )
})
