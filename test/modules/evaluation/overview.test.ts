import t from 'tap'
import { loadDemo } from '../../../src/modules/demo/demo.service.js'
import { buildTestApp } from '../../helper.js'

t.test(
  'several partnerships side by side: each as its own evaluation judges it, none the caller is not in',
  async (t) => {
    const ctx = await buildTestApp(t)
    await loadDemo(ctx.db)
    // Seed 004's police authority oversees several partnerships: a viewer of two of the demo's three.
    const overseer = {
      authorization: `Bearer ${await ctx.token({
        sub: 'police-authority',
        memberships: [
          { partnership: 'east-lincolnshire', role: 'viewer' },
          { partnership: 'peterborough', role: 'viewer' },
        ],
      })}`,
    }
    const overview = await ctx.app.inject({
      url: '/overview?period=2010-09&partnerships=east-lincolnshire,peterborough',
      headers: overseer,
    })
    t.equal(overview.statusCode, 200, overview.body)
    const [el, pb] = overview.json().partnerships
    t.equal(el.slug, 'east-lincolnshire')
    t.equal(pb.slug, 'peterborough')
    // The same judgement as each partnership's own evaluation, read by the same caller.
    for (const brief of [el, pb]) {
      const own = await ctx.app.inject({
        url: `/partnerships/${brief.slug}/evaluation?period=2010-09`,
        headers: overseer,
      })
      const items = own.json().items as Array<{ evaluation: { rag: string; flags: unknown[] } }>
      const count = (rag: string) => items.filter((i) => i.evaluation.rag === rag).length
      t.same(brief.rag, { green: count('green'), amber: count('amber'), red: count('red'), grey: count('grey') })
      t.equal(brief.flagged.length, items.filter((i) => i.evaluation.flags.length > 0).length, `${brief.slug} flagged`)
      t.equal(brief.asOf, '2010-09-30')
    }
    t.match(el.rag, { green: 6, amber: 7, red: 9 }, "East Lincolnshire's half year")
    const quarter = await ctx.app.inject({
      url: '/overview?period=2010-Q3&partnerships=east-lincolnshire,peterborough',
      headers: overseer,
    })
    t.same(
      quarter.json().partnerships.map((p: { period: string }) => p.period),
      ['FY2010-11-Q2', 'FY2010-11-Q2'],
      'each writes the quarter as its own (April) year counts it',
    )
    const directions = el.flagged.map((f: { direction: string }) => f.direction)
    t.same(directions, [...directions].sort(), 'bad before good')

    const stranger = await ctx.app.inject({
      url: '/overview?period=2010-09&partnerships=east-lincolnshire,charnwood',
      headers: overseer,
    })
    t.equal(stranger.statusCode, 404, 'a partnership the caller is not in reads as one that does not exist')
    t.equal(stranger.json().code, 'PARTNERSHIP.NOT_FOUND')
    // A platform superadmin who is no member reads neither a partnership's evaluation nor its line here.
    const superadmin = await ctx.as('superadmin')
    t.equal(
      (await ctx.app.inject({ url: '/partnerships/peterborough/evaluation?period=2010-09', headers: superadmin }))
        .statusCode,
      404,
    )
    t.equal(
      (await ctx.app.inject({ url: '/overview?period=2010-09&partnerships=peterborough', headers: superadmin }))
        .statusCode,
      404,
    )
    const many = Array.from({ length: 13 }, (_, i) => `p${i}`).join(',')
    const tooMany = await ctx.app.inject({ url: `/overview?period=2010-09&partnerships=${many}`, headers: overseer })
    t.equal(tooMany.statusCode, 422)
    t.match(tooMany.json(), { code: 'OVERVIEW.TOO_MANY', limit: 12 })
    t.equal((await ctx.app.inject({ url: '/overview?period=2010-09&partnerships=peterborough' })).statusCode, 401)
  },
)
