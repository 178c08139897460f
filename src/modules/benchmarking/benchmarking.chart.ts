import { byarLimits } from '../../domain/benchmarking/byar.js'
import { figure, periodLabel } from '../../http/format.js'
import { escapeXml } from '../../http/svg.js'
import type { Comparison } from './benchmarking.service.js'

/**
 * A funnel plot for a committee paper: each member's rate against its population, the group's rate, and
 * the 95% and 99.8% limits around it (Byar's, at the count the group's rate gives each population), which
 * narrow as populations grow. The partnership's own areas are filled and named in bold; lines differ by
 * dash, not colour, so it reads printed in black and white. A line under the axis says where the figures
 * come from and the day it was drawn.
 */
const WIDTH = 760
const HEIGHT = 470
const M = { top: 72, right: 170, bottom: 86, left: 72 }

/** Names placed beside markers at most (our own areas are always named). */
const MAX_LABELS = 24

const fixed = (n: number) => Number(n.toFixed(1)).toString()

interface Box {
  x1: number
  y1: number
  x2: number
  y2: number
}
const overlaps = (a: Box, b: Box) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2

function niceStep(range: number): number {
  const rough = range / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  return [1, 2, 5, 10].map((f) => f * power).find((s) => s >= rough)!
}

export function funnelPlot(c: Comparison, drawnOn: string): string {
  const plotW = WIDTH - M.left - M.right
  const plotH = HEIGHT - M.top - M.bottom
  const out: string[] = []
  const title = `${c.indicator.reference}: ${c.indicator.name}`
  const subtitle = `${c.group.name}, ${periodLabel(c.period)}: rate per ${figure(c.ratePer)} people a year`
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Arial, Helvetica, sans-serif" font-size="12" role="img" aria-labelledby="title desc">`,
    `<title id="title">${escapeXml(title)}</title>`,
  )
  const ours = c.members.filter((m) => m.ours)
  out.push(
    `<desc id="desc">${escapeXml(
      `${subtitle}. Group rate ${c.groupRate === null ? 'none' : figure(c.groupRate, 1)}. ${ours
        .map((m) => `${m.name}: ${figure(m.rate, 1)}, ${m.bands['95'].replace('_', ' ')} at 95%`)
        .join('; ')}`,
    )}</desc>`,
    '<rect width="100%" height="100%" fill="#ffffff"/>',
    `<text x="${M.left}" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${M.left}" y="44" fill="#444">${escapeXml(subtitle)}</text>`,
  )
  if (c.groupRate === null || c.members.length === 0) {
    out.push(
      `<text x="${M.left + plotW / 2}" y="${M.top + plotH / 2}" font-size="18" fill="#57606a" text-anchor="middle">No members with figures and populations for this period</text>`,
      '</svg>',
    )
    return out.join('\n')
  }
  const groupRate = c.groupRate
  const exposures = c.members.map((m) => m.exposure)
  const xMax = Math.max(...exposures) * 1.1
  const xMin = 0
  const curve = (z: number) =>
    Array.from({ length: 60 }, (_, i) => {
      const x = xMin + ((xMax - xMin) * (i + 1)) / 60
      const expected = (groupRate / c.ratePer) * x
      const { lower, upper } = byarLimits(expected, z)
      return { x, lower: (lower / x) * c.ratePer, upper: (upper / x) * c.ratePer }
    })
  const c95 = curve(1.96)
  const c998 = curve(3.09)
  // The y range holds every member and the 99.8% limits over the populations plotted (from a tenth of the largest).
  const shown = c998.filter((p) => p.x >= xMax / 10)
  const yValues = [
    ...c.members.map((m) => m.rate),
    ...shown.map((p) => p.upper),
    ...shown.map((p) => p.lower),
    groupRate,
  ]
  const yMaxRaw = Math.max(...yValues) * 1.05
  const yMinRaw = Math.max(0, Math.min(...yValues) * 0.95)
  const yStep = niceStep(yMaxRaw - yMinRaw)
  const yMin = Math.floor(yMinRaw / yStep) * yStep
  const yMax = Math.ceil(yMaxRaw / yStep) * yStep
  const xStep = niceStep(xMax)
  const x = (v: number) => M.left + ((v - xMin) / (xMax - xMin)) * plotW
  const y = (v: number) => M.top + plotH - ((Math.min(Math.max(v, yMin), yMax) - yMin) / (yMax - yMin)) * plotH
  const places = yStep < 1 ? 1 : 0
  for (let v = yMin; v <= yMax + yStep / 2; v += yStep)
    out.push(
      `<line x1="${M.left}" y1="${fixed(y(v))}" x2="${M.left + plotW}" y2="${fixed(y(v))}" stroke="#d0d7de"/>`,
      `<text x="${M.left - 8}" y="${fixed(y(v) + 4)}" text-anchor="end" fill="#333">${figure(v, places)}</text>`,
    )
  for (let v = 0; v <= xMax; v += xStep)
    out.push(`<text x="${fixed(x(v))}" y="${M.top + plotH + 18}" text-anchor="middle" fill="#333">${figure(v)}</text>`)
  out.push(
    `<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="#333"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + plotH}" stroke="#333"/>`,
    `<text x="${M.left + plotW / 2}" y="${M.top + plotH + 40}" text-anchor="middle" fill="#333">Population (people; person-years over a part year)</text>`,
    `<text transform="translate(18 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#333">Rate per ${escapeXml(figure(c.ratePer))} a year</text>`,
  )
  const path = (points: Array<[number, number]>) =>
    points.map(([px, py], i) => `${i === 0 ? 'M' : 'L'}${fixed(x(px))},${fixed(y(py))}`).join(' ')
  for (const [points, dash, width] of [
    [c95, '7 4', 1.5],
    [c998, '2 3', 1.5],
  ] as const) {
    out.push(
      `<path d="${path(points.map((p) => [p.x, p.upper]))}" fill="none" stroke="#000" stroke-width="${width}" stroke-dasharray="${dash}"/>`,
      `<path d="${path(points.map((p) => [p.x, p.lower]))}" fill="none" stroke="#000" stroke-width="${width}" stroke-dasharray="${dash}"/>`,
    )
  }
  out.push(
    `<line x1="${M.left}" y1="${fixed(y(groupRate))}" x2="${M.left + plotW}" y2="${fixed(y(groupRate))}" stroke="#000" stroke-width="2"/>`,
  )
  // Every marker first, then the labels: ours placed first, each where it covers no marker, no other
  // label and not the legend, beside its point if it can be, else moved up or down with a leader line.
  const points = c.members.map((m) => ({ m, px: x(m.exposure), py: y(m.rate) }))
  for (const { m, px, py } of points)
    out.push(
      m.ours
        ? `<circle cx="${fixed(px)}" cy="${fixed(py)}" r="6" fill="#000"/>`
        : `<circle cx="${fixed(px)}" cy="${fixed(py)}" r="4.5" fill="#fff" stroke="#000" stroke-width="1.5"/>`,
    )
  // The limit lines and the group's rate are in the way of a label too: a label crossed by one is unread.
  const lines = [
    ...[c95, c998].flatMap((curve) => [
      curve.map((p) => [x(p.x), y(p.upper)] as const),
      curve.map((p) => [x(p.x), y(p.lower)] as const),
    ]),
    [[M.left, y(groupRate)] as const, [M.left + plotW, y(groupRate)] as const],
  ]
  const crossed = (b: Box) =>
    lines.some((line) =>
      line.some(([ax, ay], i) => {
        const next = line[i + 1]
        if (next === undefined || next[0] < b.x1 || ax > b.x2) return false
        const [bx, by] = next
        // The segment's y over the part of it the box spans, against the box's rows.
        const at = (px: number) => ay + ((by - ay) * (px - ax)) / (bx - ax || 1)
        const [from, to] = [Math.max(ax, b.x1), Math.min(bx, b.x2)]
        return Math.max(at(from), at(to)) >= b.y1 && Math.min(at(from), at(to)) <= b.y2
      }),
    )
  const taken: Box[] = [
    ...points.map(({ px, py }) => ({ x1: px - 7, y1: py - 7, x2: px + 7, y2: py + 7 })),
    { x1: M.left + plotW + 12, y1: M.top - 10, x2: WIDTH, y2: M.top + 130 },
  ]
  // Past a couple of dozen names a plot is unreadable and placing them costs labels x markers: beyond
  // that, ours are named and then the peers furthest outside the 95% limits; every name is in the CSV.
  const far = (m: (typeof points)[number]['m']) => Math.abs(m.count - m.expected) / Math.sqrt(Math.max(m.expected, 1))
  const order = [...points]
    .sort(
      (a, b) =>
        Number(b.m.ours) - Number(a.m.ours) ||
        Number(b.m.bands['95'] !== 'in_line') - Number(a.m.bands['95'] !== 'in_line') ||
        far(b.m) - far(a.m),
    )
    .filter((p, i) => p.m.ours || i < MAX_LABELS)
    .sort((a, b) => Number(b.m.ours) - Number(a.m.ours) || a.py - b.py)
  for (const { m, px, py } of order) {
    const width = m.name.length * (m.ours ? 7.2 : 6.2)
    const spots = [0, 12, -12, 24, -24, 36, -36, 48, -48].flatMap((dy) =>
      (['start', 'end'] as const).map((anchor) => {
        const lx = anchor === 'start' ? px + 9 : px - 9
        const base = py + 4 + dy
        const x1 = anchor === 'start' ? lx : lx - width
        return { anchor, lx, base, dy, box: { x1, y1: base - 11, x2: x1 + width, y2: base + 3 } }
      }),
    )
    const inside = (b: Box) =>
      b.x1 >= M.left + 2 && b.x2 <= M.left + plotW && b.y1 >= M.top - 12 && b.y2 <= M.top + plotH
    // Only what lies within the spots' reach can be in the way: a group's thousand markers checked once,
    // not once for each of the eighteen spots.
    const near = taken.filter((t) => t.y2 > py - 60 && t.y1 < py + 60)
    const free = (s: (typeof spots)[number]) => inside(s.box) && !near.some((t) => overlaps(s.box, t))
    const spot = spots.find((s) => free(s) && !crossed(s.box)) ?? spots.find(free) ?? spots[0]!
    taken.push(spot.box)
    if (spot.dy !== 0)
      out.push(
        `<line x1="${fixed(px)}" y1="${fixed(py)}" x2="${fixed(spot.anchor === 'start' ? spot.box.x1 - 2 : spot.box.x2 + 2)}" y2="${fixed(spot.base - 4)}" stroke="#57606a" stroke-width="0.75"/>`,
      )
    out.push(
      `<text x="${fixed(spot.lx)}" y="${fixed(spot.base)}" text-anchor="${spot.anchor}" ${m.ours ? 'font-weight="bold"' : 'fill="#333" font-size="11"'} stroke="#fff" stroke-width="3" paint-order="stroke">${escapeXml(m.name)}</text>`,
    )
  }
  const lx = M.left + plotW + 18
  const ly = M.top + 6
  out.push(
    `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="#000" stroke-width="2"/><text x="${lx + 34}" y="${ly + 4}">Group rate ${escapeXml(figure(groupRate, 1))}</text>`,
    `<line x1="${lx}" y1="${ly + 22}" x2="${lx + 28}" y2="${ly + 22}" stroke="#000" stroke-width="1.5" stroke-dasharray="7 4"/><text x="${lx + 34}" y="${ly + 26}">95% limits</text>`,
    `<line x1="${lx}" y1="${ly + 44}" x2="${lx + 28}" y2="${ly + 44}" stroke="#000" stroke-width="1.5" stroke-dasharray="2 3"/><text x="${lx + 34}" y="${ly + 48}">99.8% limits</text>`,
    `<circle cx="${lx + 14}" cy="${ly + 66}" r="6" fill="#000"/><text x="${lx + 34}" y="${ly + 70}">Our areas</text>`,
    `<circle cx="${lx + 14}" cy="${ly + 88}" r="4.5" fill="#fff" stroke="#000" stroke-width="1.5"/><text x="${lx + 34}" y="${ly + 92}">Peers</text>`,
  )
  const notes = [
    ...(order.length < points.length ? [`Named: ${order.length} of ${figure(points.length)}`] : []),
    ...(c.missing.length > 0 ? [`Left out: ${figure(c.missing.length)}`] : []),
  ]
  const years = [...new Set(c.members.map((m) => m.populationYear))].sort()
  const source = [
    `Source: counts from this partnership's measurements and its peer figures for ${periodLabel(c.period)}; populations of ${years.join(', ')}.`,
    `Members of the group on ${c.membersOn}. Drawn ${drawnOn}.`,
  ]
  source.forEach((line, i) =>
    out.push(`<text x="${M.left}" y="${HEIGHT - 26 + 14 * i}" fill="#57606a" font-size="11">${escapeXml(line)}</text>`),
  )
  notes.forEach((note, i) =>
    out.push(`<text x="${lx}" y="${ly + 120 + 16 * i}" fill="#57606a" font-size="11">${escapeXml(note)}</text>`),
  )
  out.push('</svg>')
  return out.join('\n')
}
