import t from 'tap'
import { loadDemo } from '../../src/modules/demo/demo.service.js'
import { buildTestApp, type TestApp } from '../helper.js'

interface Label {
  text: string
  box: [number, number, number, number]
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" }

/**
 * Every horizontal text of an SVG with the box it takes, from its position, anchor and size: an average
 * character is about 0.55 of the font size wide (0.62 bold) in the sans-serif fonts these charts name.
 */
function labels(svg: string): { width: number; height: number; labels: Label[] } {
  const root = /<svg [^>]*width="(\d+)" height="(\d+)"[^>]*?(?:font-size="(\d+)")?[^>]*>/.exec(svg)!
  const rootSize = Number(root[3] ?? 12)
  const out: Label[] = []
  for (const [, attrs, raw] of svg.matchAll(/<text ([^>]*)>([^<]*)<\/text>/g)) {
    if (attrs!.includes('transform=')) continue // the rotated axis titles sit alone in their margin
    const attr = (name: string) => new RegExp(`(?:^| )${name}="([^"]*)"`).exec(attrs!)?.[1]
    const text = raw!.replace(/&[a-z#0-9]+;/g, (e) => ENTITIES[e] ?? '?')
    const size = Number(attr('font-size') ?? rootSize)
    const width = text.length * size * (attr('font-weight') === 'bold' ? 0.62 : 0.55)
    const [x, y] = [Number(attr('x')), Number(attr('y'))]
    const anchor = attr('text-anchor') ?? 'start'
    const left = anchor === 'end' ? x - width : anchor === 'middle' ? x - width / 2 : x
    out.push({ text, box: [left, y - size * 0.75, left + width, y + size * 0.2] })
  }
  return { width: Number(root[1]), height: Number(root[2]), labels: out }
}

/** Labels that overlap another or run off the picture: none, in a chart a committee can read. */
function collisions(svg: string): string[] {
  const { width, height, labels: all } = labels(svg)
  const found: string[] = []
  for (const [i, a] of all.entries()) {
    const [x1, y1, x2, y2] = a.box
    if (x1 < 0 || y1 < 0 || x2 > width || y2 > height) found.push(`"${a.text}" runs off the ${width}x${height} picture`)
    for (const b of all.slice(i + 1)) {
      const [u1, v1, u2, v2] = b.box
      if (x1 < u2 - 0.5 && u1 < x2 - 0.5 && y1 < v2 - 0.5 && v1 < y2 - 0.5) found.push(`"${a.text}" covers "${b.text}"`)
    }
  }
  return found
}

async function demoClient(ctx: TestApp, slug: string) {
  const headers = await ctx.as('viewer', slug)
  return async (url: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/partnerships/${slug}/${url}`, headers })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.body
  }
}

t.test('the layout check finds what it is for', async (t) => {
  const svg = (texts: string) => `<svg width="200" height="100" font-size="12">${texts}</svg>`
  t.same(collisions(svg('<text x="10" y="20">Actual</text><text x="10" y="40">Target</text>')), [])
  t.same(collisions(svg('<text x="10" y="20">Actual</text><text x="30" y="24">Target</text>')), [
    '"Actual" covers "Target"',
  ])
  t.same(collisions(svg('<text x="190" y="20" text-anchor="start">Tolerance</text>')), [
    '"Tolerance" runs off the 200x100 picture',
  ])
})

t.test("every chart of the demo's partnerships is drawn with no label over another or off the picture", async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  for (const slug of ['east-lincolnshire', 'peterborough', 'charnwood']) {
    const get = await demoClient(ctx, slug)
    const indicators = JSON.parse(await get('indicators?limit=100')).items as Array<{ id: string; reference: string }>
    // Two districts and the whole partnership where there are more: the charts of the BCU and the
    // sub-groups add time, not shapes.
    const areas = (JSON.parse(await get('areas?limit=100')).items as Array<{ id: string; name: string }>).filter(
      (a, _, all) => all.length <= 3 || ['Boston', 'East Lindsey', 'East Lincolnshire'].includes(a.name),
    )
    for (const indicator of indicators)
      for (const area of areas) {
        const svg = await get(`indicators/${indicator.id}/chart.svg?areaId=${area.id}&asOf=2011-03-31`)
        t.same(collisions(svg), [], `${slug} ${indicator.reference} ${area.name}`)
      }
  }
  const get = await demoClient(ctx, 'east-lincolnshire')
  for (const query of ['', '?asOf=2010-06-30&compareTo=2010-04-30', '?exposure=inherent&asOf=2010-06-30'])
    t.same(collisions(await get(`risks/heatmap.svg${query}`)), [], `heat map ${query}`)
  const [group] = JSON.parse(await get('peer-groups')).items as Array<{ id: string }>
  const indicators = JSON.parse(await get('indicators?limit=100')).items as Array<{ id: string; reference: string }>
  for (const indicator of indicators.filter((i) => ['NI 16', 'NI 20', 'LOCAL VAP'].includes(i.reference)))
    for (const period of ['FY2008-09', 'FY2009-10'])
      t.same(
        collisions(await get(`peer-groups/${group!.id}/funnel.svg?indicatorId=${indicator.id}&period=${period}`)),
        [],
        `funnel ${indicator.reference} ${period}`,
      )
})

t.test('the trend chart breaks a year to date at the year start and draws a survey where it was taken', async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  const get = await demoClient(ctx, 'east-lincolnshire')
  const indicators = JSON.parse(await get('indicators?limit=100')).items as Array<{ id: string; reference: string }>
  const areas = JSON.parse(await get('areas?limit=100')).items as Array<{ id: string; name: string }>
  const id = (reference: string) => indicators.find((i) => i.reference === reference)!.id
  const area = (name: string) => areas.find((a) => a.name === name)!.id
  const paths = (svg: string) => [
    ...svg.matchAll(/<path d="([^"]*)" fill="none" stroke="#000" stroke-width="([\d.]+)"/g),
  ]
  const strokes = (d: string) => d.split('M').length - 1

  // LOCAL VAP, East Lindsey, October 2009 to September 2010: March's 1,720 is not joined to April's ~120.
  const vap = await get(
    `indicators/${id('LOCAL VAP')}/chart.svg?areaId=${area('East Lindsey')}&from=2009-10&to=2010-09`,
  )
  const [target, actual] = paths(vap)
  t.equal(strokes(actual![1]!), 2, 'the actual line is two strokes: October to March, April to September')
  t.equal(actual![1]!.split(' ').length, 12, 'through all twelve months')
  t.ok(strokes(target![1]!) >= 1, 'the target is drawn')
  t.match(vap, />Year to date</)

  // NI 21, Boston: the 2008/09 survey is judged in 2010/11 (stale); it is drawn in 2008/09, and the judged
  // point says which year its figure is from. The axis names the years of the series, not the figure's.
  const ni21 = await get(`indicators/${id('NI 21')}/chart.svg?areaId=${area('Boston')}&from=2008-04&to=2010-09`)
  t.match(ni21, />2009\/10</, 'the years of the series on the axis')
  t.match(ni21, /21\.3% in 2008\/09 against 32\.8%/, 'the judged figure names its year')
  t.equal(paths(ni21)[1]![1], '', 'one survey is a marker, not a line carried across the years')
  // With no range, the series starts at its first figure or target: not ten empty years before it.
  const series = JSON.parse(await get(`indicators/${id('NI 21')}/evaluation?areaId=${area('Boston')}`)) as {
    items: Array<{ period: string }>
  }
  t.same(
    series.items.map((e) => e.period),
    ['FY2008-09'],
    'the default series of a survey with one figure',
  )
  const bare = await get(`indicators/${id('NI 21')}/chart.svg?areaId=${area('Boston')}`)
  t.notMatch(bare, />Target</, 'no target in the series: none in the legend')
  t.notMatch(bare, />Tolerance</, 'nor a tolerance')
})

t.test('the heat map is titled with the name, draws the appetite and, with compareTo, what moved', async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  const get = await demoClient(ctx, 'east-lincolnshire')
  const now = await get('risks/heatmap.svg?asOf=2010-06-30')
  const compared = await get('risks/heatmap.svg?asOf=2010-06-30&compareTo=2010-04-30')
  t.match(now, />East Lincolnshire Community Safety Partnership</)
  t.notMatch(now, />east-lincolnshire/, 'not the slug')
  t.match(now, /stroke-dasharray="10 5"/, 'the appetite line')
  t.match(now, /Appetite: a score above 8 is escalated/)
  t.match(now, />least likely</, 'a scale without names says which end is which')
  t.not(compared, now, 'compareTo changes the picture')
  const movement = JSON.parse(await get('risks/heatmap?asOf=2010-06-30&compareTo=2010-04-30')) as {
    movement: Array<{ reference: string; direction: string; from: { likelihood: number; impact: number } | null }>
  }
  const down = movement.movement.filter((m) => m.direction === 'down')
  t.ok(down.length > 0, 'some risks came down between the demo rounds')
  for (const m of down) {
    t.match(compared, new RegExp(`${m.reference} \u25bc`), `${m.reference} marked down`)
    t.match(compared, new RegExp(`${m.reference} from ${m.from!.likelihood}x${m.from!.impact} = `), 'and where from')
  }
  t.notMatch(now, /\u25bc/, 'no marks without compareTo')
})
