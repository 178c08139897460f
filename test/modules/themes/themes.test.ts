import t from 'tap'
import { buildTestApp, crudRoundTrip, seedPartnerships } from '../../helper.js'

t.test('themes: create, update, list, delete', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  await crudRoundTrip(
    t,
    ctx,
    'themes',
    { name: 'Seasonality' },
    { description: 'Crime rises with the summer visitors in East Lindsey' },
    'q=season',
  )
})
