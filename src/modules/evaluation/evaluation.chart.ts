import type { Evaluation, Rag } from '../../domain/evaluation/index.js'
import { figure, measure, periodLabel } from '../../http/format.js'
import { escapeXml } from '../../http/svg.js'

/**
 * A trend chart as SVG, for a committee report: the judged figure (year to date, or the value for
 * ratios and surveys), the target trajectory, and the tolerance band on the worse side of it; the latest
 * point is coloured by RAG and labelled in words, so the chart still reads when printed in black and white.
 */
export interface ChartInput {
  title: string
  subtitle: string
  polarity: string
  /** The indicator's unit and decimal places, for its figures (47.3%, 2,436). */
  unit: string
  decimalPlaces: number
  items: Evaluation[]
}

const WIDTH = 760
const HEIGHT = 380
const M = { top: 80, right: 120, bottom: 48, left: 64 }
const RAG_FILL: Record<Rag, string> = { green: '#1a7f37', amber: '#bf8700', red: '#cf222e', grey: '#8c959f' }

const fixed = (n: number) => Number(n.toFixed(1)).toString()

/** A "nice" axis top and step: 1, 2 or 5 times a power of ten. */
function axis(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 0.2 }
  const rough = max / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= rough)!
  return { top: Math.ceil(max / step) * step, step }
}

/** Lines broken at missing points, so a gap shows as a gap rather than an invented slope. */
function path(points: Array<[number, number] | null>): string {
  let d = ''
  let pen = false
  for (const p of points) {
    if (p === null) {
      pen = false
      continue
    }
    d += `${pen ? 'L' : 'M'}${fixed(p[0])},${fixed(p[1])} `
    pen = true
  }
  return d.trim()
}

export function trendChart(input: ChartInput): string {
  const { items } = input
  const plotW = WIDTH - M.left - M.right
  const plotH = HEIGHT - M.top - M.bottom
  const tolerance = (e: Evaluation) =>
    e.comparison.target === null
      ? null
      : e.comparison.target * (1 + ((input.polarity === 'higher_better' ? -1 : 1) * e.target.tolerancePercent) / 100)
  const values = items
    .flatMap((e) => [e.comparison.actual, e.comparison.target, tolerance(e)])
    .filter((v): v is number => v !== null)
  const { top, step } = axis(Math.max(0, ...values))
  // Ticks to the places their step needs (0, 0.5, 1...), figures to the indicator's.
  const tickPlaces = Math.max(0, -Math.floor(Math.log10(step) + 1e-9))
  const shown = (v: number) => measure(v, input.unit, input.decimalPlaces)
  const x = (i: number) => M.left + (items.length === 1 ? plotW / 2 : (i * plotW) / (items.length - 1))
  const y = (v: number) => M.top + plotH - (v / top) * plotH
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Arial, Helvetica, sans-serif" font-size="12" role="img" aria-labelledby="title desc">`,
  )
  out.push(`<title id="title">${escapeXml(input.title)}</title>`)
  const latest = [...items].reverse().find((e) => e.comparison.actual !== null)
  out.push(
    `<desc id="desc">${escapeXml(`${input.subtitle}. ${latest ? `Latest ${periodLabel(latest.evaluatedPeriod)}: ${shown(latest.comparison.actual!)} against a target of ${latest.comparison.target === null ? 'none' : shown(latest.comparison.target)}, ${latest.rag.toUpperCase()}.` : 'No data.'}`)}</desc>`,
  )
  out.push(
    // Dark, close hatching: a pale one vanished on a printed page.
    '<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="5" stroke="#424a53" stroke-width="1.4"/></pattern></defs>',
  )
  out.push('<rect width="100%" height="100%" fill="#ffffff"/>')
  out.push(`<text x="${M.left}" y="24" font-size="16" font-weight="bold">${escapeXml(input.title)}</text>`)
  out.push(`<text x="${M.left}" y="44" fill="#444">${escapeXml(input.subtitle)}</text>`)
  // Gridlines and the value axis.
  for (let v = 0; v <= top + step / 2; v += step) {
    out.push(
      `<line x1="${M.left}" y1="${fixed(y(v))}" x2="${M.left + plotW}" y2="${fixed(y(v))}" stroke="#d0d7de" stroke-width="1"/>`,
    )
    out.push(
      `<text x="${M.left - 8}" y="${fixed(y(v) + 4)}" text-anchor="end" fill="#333">${escapeXml(input.unit === 'percentage' ? `${figure(v, tickPlaces)}%` : figure(v, tickPlaces))}</text>`,
    )
  }
  // Period labels: every one when few, otherwise about twelve; a month's year is written under its first
  // month and under January ("Apr" over "2009", then "May", ... "Jan" over "2010").
  const every = Math.max(1, Math.ceil(items.length / 12))
  let lastYear = ''
  items.forEach((e, i) => {
    if (i % every !== 0 && i !== items.length - 1) return
    const [name, year = ''] = periodLabel(e.evaluatedPeriod).split(/ (?=\d{4}$)/)
    out.push(
      `<text x="${fixed(x(i))}" y="${M.top + plotH + 18}" text-anchor="middle" fill="#333">${escapeXml(name!)}</text>`,
    )
    if (year !== '' && year !== lastYear)
      out.push(
        `<text x="${fixed(x(i))}" y="${M.top + plotH + 33}" text-anchor="middle" fill="#333">${escapeXml(year)}</text>`,
      )
    lastYear = year
  })
  const rolling = items.some((e) => e.comparison.basis === 'rolling_12_months')
  const cumulative = items.some(
    (e) =>
      e.comparison.basis === 'year_to_date' &&
      (e.target.basis === 'pro_rata' ||
        e.target.basis === 'profile_cumulative' ||
        (e.actual.ytdExpectedPeriods > 1 && e.comparison.actual === e.actual.ytd)),
  )
  out.push(
    `<text x="${M.left}" y="${M.top - 8}" fill="#444" font-style="italic">${rolling ? 'Rolling twelve months' : cumulative ? 'Year to date' : 'Value'}</text>`,
  )
  out.push(`<line x1="${M.left}" y1="${M.top + plotH}" x2="${M.left + plotW}" y2="${M.top + plotH}" stroke="#333"/>`)
  // Tolerance band: between the target and the edge of tolerance, on the worse side.
  const band = items.map((e, i) => {
    const edge = tolerance(e)
    return e.comparison.target === null || edge === null ? null : { i, target: e.comparison.target, edge }
  })
  let run: Array<{ i: number; target: number; edge: number }> = []
  const flushBand = () => {
    if (run.length > 0) {
      const upper = run.map((b) => `${fixed(x(b.i))},${fixed(y(b.edge))}`)
      const lower = [...run].reverse().map((b) => `${fixed(x(b.i))},${fixed(y(b.target))}`)
      const points =
        run.length === 1
          ? [
              `${fixed(x(run[0]!.i) - 6)},${fixed(y(run[0]!.edge))}`,
              `${fixed(x(run[0]!.i) + 6)},${fixed(y(run[0]!.edge))}`,
              `${fixed(x(run[0]!.i) + 6)},${fixed(y(run[0]!.target))}`,
              `${fixed(x(run[0]!.i) - 6)},${fixed(y(run[0]!.target))}`,
            ]
          : [...upper, ...lower]
      out.push(`<polygon points="${points.join(' ')}" fill="url(#hatch)" stroke="none"/>`)
      // The edge of tolerance as a dotted line, so the band has a boundary even where the hatching is faint.
      if (run.length > 1)
        out.push(
          `<polyline points="${upper.join(' ')}" fill="none" stroke="#424a53" stroke-width="1" stroke-dasharray="2 2"/>`,
        )
    }
    run = []
  }
  for (const b of band) {
    if (b === null) flushBand()
    else run.push(b)
  }
  flushBand()
  out.push(
    `<path d="${path(items.map((e, i) => (e.comparison.target === null ? null : [x(i), y(e.comparison.target)])))}" fill="none" stroke="#000" stroke-width="2" stroke-dasharray="8 5"/>`,
  )
  out.push(
    `<path d="${path(items.map((e, i) => (e.comparison.actual === null ? null : [x(i), y(e.comparison.actual)])))}" fill="none" stroke="#000" stroke-width="2.5"/>`,
  )
  items.forEach((e, i) => {
    if (e.comparison.actual !== null && e !== latest)
      out.push(
        `<circle cx="${fixed(x(i))}" cy="${fixed(y(e.comparison.actual))}" r="3.5" fill="#fff" stroke="#000" stroke-width="1.5"/>`,
      )
  })
  if (latest) {
    const i = items.indexOf(latest)
    const cx = x(i)
    const cy = y(latest.comparison.actual!)
    out.push(
      `<circle cx="${fixed(cx)}" cy="${fixed(cy)}" r="8" fill="${RAG_FILL[latest.rag]}" stroke="#000" stroke-width="2"/>`,
    )
    // The label goes where no line crosses it: above or below the point, to its right or its left, the
    // first of these whose box stays clear of the target and actual lines (sampled across the box).
    const target = latest.comparison.target
    const words = `${shown(latest.comparison.actual!)}${target === null ? '' : ` against ${shown(target)}`}`
    const boxWidth = Math.max(words.length, 6) * 7
    const lines = (['target', 'actual'] as const).map((which) =>
      items.map((e, j) => {
        const v = which === 'target' ? e.comparison.target : e.comparison.actual
        return v === null ? null : ([x(j), y(v)] as [number, number])
      }),
    )
    const lineYs = (at: number) =>
      lines.flatMap((line) =>
        line.flatMap((a, j) => {
          const b = line[j + 1]
          if (a === null || b === undefined || b === null || at < a[0] || at > b[0]) return []
          return [a[1] + ((b[1] - a[1]) * (at - a[0])) / (b[0] - a[0] || 1)]
        }),
      )
    const clear = (left: number, topY: number) => {
      for (let at = left; at <= left + boxWidth; at += 4)
        if (lineYs(at).some((ly) => ly >= topY - 2 && ly <= topY + 34)) return false
      return left >= M.left && left + boxWidth <= M.left + plotW + M.right - 8 && topY >= M.top - 20
    }
    const candidates = [
      { anchor: 'start', dx: 12, dy: -44 },
      { anchor: 'end', dx: -12, dy: -44 },
      { anchor: 'start', dx: 12, dy: 8 },
      { anchor: 'end', dx: -12, dy: 8 },
      { anchor: 'start', dx: 12, dy: -70 },
      { anchor: 'end', dx: -12, dy: 30 },
    ] as const
    const place =
      candidates.find((c) => clear(c.anchor === 'start' ? cx + c.dx : cx + c.dx - boxWidth, cy + c.dy)) ?? candidates[0]
    const anchor = place.anchor
    const lx = cx + place.dx
    const [first, second] = [cy + place.dy + 14, cy + place.dy + 30]
    const halo = 'stroke="#fff" stroke-width="4" paint-order="stroke"'
    out.push(
      `<text x="${fixed(lx)}" y="${fixed(first)}" text-anchor="${anchor}" font-weight="bold" ${halo}>${latest.rag.toUpperCase()}</text>`,
    )
    out.push(`<text x="${fixed(lx)}" y="${fixed(second)}" text-anchor="${anchor}" ${halo}>${escapeXml(words)}</text>`)
  }
  // Legend, with line styles that survive black-and-white printing.
  const lx = M.left + plotW + 16
  const ly = M.top + 8
  out.push(
    `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="#000" stroke-width="2.5"/><text x="${lx}" y="${ly + 16}">Actual</text>`,
  )
  out.push(
    `<line x1="${lx}" y1="${ly + 36}" x2="${lx + 28}" y2="${ly + 36}" stroke="#000" stroke-width="2" stroke-dasharray="8 5"/><text x="${lx}" y="${ly + 52}">Target</text>`,
  )
  out.push(
    `<rect x="${lx}" y="${ly + 66}" width="28" height="12" fill="url(#hatch)" stroke="#424a53"/><text x="${lx}" y="${ly + 94}">Tolerance</text>`,
  )
  // An empty chart says so, rather than leaving a reader to wonder whether the line is at zero.
  if (latest === undefined)
    out.push(
      `<text x="${M.left + plotW / 2}" y="${M.top + plotH / 2}" font-size="18" fill="#57606a" text-anchor="middle">No data for these periods</text>`,
    )
  out.push('</svg>')
  return out.join('\n')
}

/** The trend chart of a series as evaluation.service answers it, titled and subtitled as a paper shows it. */
export function seriesChart(series: {
  indicator: { reference: string; name: string; polarity: string; unit: string; decimalPlaces: number }
  area: { name: string }
  rolledUp: boolean
  items: Evaluation[]
}): string {
  const first = series.items[0]!
  const last = series.items[series.items.length - 1]!
  return trendChart({
    title: `${series.indicator.reference}: ${series.indicator.name}`,
    subtitle: `${series.area.name}${series.rolledUp ? ' (rolled up from its areas)' : ''}, ${periodLabel(first.evaluatedPeriod)} to ${periodLabel(last.evaluatedPeriod)}; ${series.indicator.polarity.replace('_', ' ')}`,
    polarity: series.indicator.polarity,
    unit: series.indicator.unit,
    decimalPlaces: series.indicator.decimalPlaces,
    items: series.items,
  })
}
