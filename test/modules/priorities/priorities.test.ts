import t from 'tap'
import { buildTestApp, crudRoundTrip, partnershipClient, seedPartnerships } from '../../helper.js'

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

t.test('priorities sort by code, pages and all, those without a code first', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { call, post } = partnershipClient(ctx, 'alpha', admin)
  // Created in the order seed 000's list came back in by name.
  for (const [code, name] of [
    ['P3', 'Acquisitive Crime'],
    ['P1', 'Anti-Social Behaviour & Road Safety'],
    [null, 'Cross-cutting'],
    ['P4', 'Prolific & other Priority Offenders'],
    ['P2', 'Violent Crime & Substance Misuse'],
  ] as const)
    await post('priorities', { name, ...(code === null ? {} : { code }) })
  const codes = async (sort: string) => {
    const seen: Array<string | null> = []
    let cursor: string | null = null
    do {
      const res = await call('GET', `priorities?sort=${sort}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, admin)
      seen.push(...res.json().items.map((p: { code: string | null }) => p.code))
      cursor = res.json().nextCursor
    } while (cursor !== null)
    return seen
  }
  t.same(await codes('code'), [null, 'P1', 'P2', 'P3', 'P4'], 'by code, two to a page')
  t.same(await codes('-code'), ['P4', 'P3', 'P2', 'P1', null], 'and backwards')
})
