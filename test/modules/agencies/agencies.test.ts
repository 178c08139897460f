import t from 'tap'
import { buildTestApp, crudRoundTrip, seedPartnerships } from '../../helper.js'

t.test('agencies: create, update, list, delete; an invalid email is refused', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  await crudRoundTrip(
    t,
    ctx,
    'agencies',
    { name: 'Lincolnshire Police', role: 'responsible_authority', contactEmail: 'csp@lincs.police.uk' },
    { contactPhone: '01522 532222' },
    'role=responsible_authority',
  )
  const badEmail = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/agencies',
    headers: await ctx.as('admin', 'alpha'),
    payload: { name: 'Fire', role: 'responsible_authority', contactEmail: 'not-an-email' },
  })
  t.equal(badEmail.statusCode, 400, 'an invalid email is refused')
  t.equal(badEmail.json().errors[0].field, 'body.contactEmail')
})
