import type { Evaluation, Rag } from '../../domain/evaluation/index.js'
import { figure, measure, periodLabel } from '../../http/format.js'
import { escapeXml, wrap } from '../../http/svg.js'

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
const M = { top: 88, right: 120, bottom: 48, left: 64 }
/** About as many bold 16px characters as fit across the chart. */
const TITLE_CHARS = 68
const RAG_FILL: Record<Rag, string> = { green: '#1a7f37', amber: '#bf8700', red: '#cf222e', grey: '#8c959f' }

const fixed = (n: number) => Number(n.toFixed(1)).toString()
/** A mark drawn either side of a point (a lone target, a lone tolerance) stays inside the plot. */
const inPlot = (x: number) => fixed(Math.min(WIDTH - M.right, Math.max(M.left, x)))

/** A "nice" axis top and step: 1, 2 or 5 times a power of ten. */
function axis(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 0.2 }
  const rough = max / 5
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= rough)!
  return { top: Math.ceil(max / step) * step, step }
}

/**
 * Lines broken at missing points, so a gap shows as a gap rather than an invented slope, and where a new
 * run starts (a year to date at its year's first period: March's total does not fall to April's).
 * A point alone is drawn as a short level stroke where asked (a single target; an actual has its marker).
 */
function path(points: Array<[number, number] | null>, startsRun: (i: number) => boolean, lone: boolean): string {
  let d = ''
  let run: Array<[number, number]> = []
  const flush = () => {
    if (run.length === 1 && lone)
      d += `M${inPlot(run[0]![0] - 16)},${fixed(run[0]![1])} L${inPlot(run[0]![0] + 16)},${fixed(run[0]![1])} `
    else if (run.length > 1) run.forEach((p, j) => (d += `${j === 0 ? 'M' : 'L'}${fixed(p[0])},${fixed(p[1])} `))
    run = []
  }
  points.forEach((p, i) => {
    if (p === null || startsRun(i)) flush()
    if (p !== null) run.push(p)
  })
  flush()
  return d.trim()
}

/** Whether two label boxes (left, top, right, bottom) overlap. */
const overlaps = (a: readonly number[], b: readonly number[]) =>
  a[0]! < b[2]! && b[0]! < a[2]! && a[1]! < b[3]! && b[1]! < a[3]!

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
  // A survey's figure judged in a later year is drawn where it was measured, not again in every year since.
  const measured = (e: Evaluation) => e.comparison.actual !== null && e.evaluatedPeriod === e.period
  out.push(
    `<desc id="desc">${escapeXml(`${input.subtitle}. ${latest ? `Latest ${periodLabel(latest.evaluatedPeriod)}: ${shown(latest.comparison.actual!)} against a target of ${latest.comparison.target === null ? 'none' : shown(latest.comparison.target)}, ${latest.rag.toUpperCase()}.` : 'No data.'}`)}</desc>`,
  )
  out.push(
    // Dark, close hatching: a pale one vanished on a printed page.
    '<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="5" stroke="#424a53" stroke-width="1.4"/></pattern></defs>',
  )
  out.push('<rect width="100%" height="100%" fill="#ffffff"/>')
  // A long indicator name takes two lines (NI 21's runs to 104 characters), the subtitle under them.
  const titleLines = wrap(input.title.split(' '), TITLE_CHARS, 2)
  titleLines.forEach((line, i) =>
    out.push(`<text x="${M.left}" y="${24 + 18 * i}" font-size="16" font-weight="bold">${escapeXml(line)}</text>`),
  )
  out.push(`<text x="${M.left}" y="${26 + 18 * titleLines.length}" fill="#444">${escapeXml(input.subtitle)}</text>`)
  // Gridlines and the value axis.
  for (let v = 0; v <= top + step / 2; v += step) {
    out.push(
      `<line x1="${M.left}" y1="${fixed(y(v))}" x2="${M.left + plotW}" y2="${fixed(y(v))}" stroke="#d0d7de" stroke-width="1"/>`,
    )
    out.push(
      `<text x="${M.left - 8}" y="${fixed(y(v) + 4)}" text-anchor="end" fill="#333">${escapeXml(input.unit === 'percentage' ? `${figure(v, tickPlaces)}%` : figure(v, tickPlaces))}</text>`,
    )
  }
  // Period labels: every one where they fit side by side, else every second or third; a month's year is
  // written under its first month and under January ("Apr" over "2009", then "May", ... "Jan" over "2010").
  const names = items.map((e) => periodLabel(e.period).split(/ (?=\d{4}$)/) as [string, string?])
  const slot = items.length === 1 ? plotW : plotW / (items.length - 1)
  const every = Math.max(1, Math.ceil((Math.max(...names.map(([name]) => name.length)) * 7 + 10) / slot))
  let lastYear = ''
  items.forEach((_, i) => {
    // Counted back from the last period, which is always named.
    if ((items.length - 1 - i) % every !== 0) return
    const [name, year = ''] = names[i]!
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
  const yearStart = (i: number) => cumulative && i > 0 && items[i]!.targetPeriod !== items[i - 1]!.targetPeriod
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
              `${inPlot(x(run[0]!.i) - 10)},${fixed(y(run[0]!.edge))}`,
              `${inPlot(x(run[0]!.i) + 10)},${fixed(y(run[0]!.edge))}`,
              `${inPlot(x(run[0]!.i) + 10)},${fixed(y(run[0]!.target))}`,
              `${inPlot(x(run[0]!.i) - 10)},${fixed(y(run[0]!.target))}`,
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
  band.forEach((b, i) => {
    if (b === null || yearStart(i)) flushBand()
    if (b !== null) run.push(b)
  })
  flushBand()
  out.push(
    `<path d="${path(
      items.map((e, i) => (e.comparison.target === null ? null : [x(i), y(e.comparison.target)])),
      yearStart,
      true,
    )}" fill="none" stroke="#000" stroke-width="2" stroke-dasharray="8 5"/>`,
  )
  out.push(
    `<path d="${path(
      items.map((e, i) => (measured(e) ? [x(i), y(e.comparison.actual!)] : null)),
      yearStart,
      false,
    )}" fill="none" stroke="#000" stroke-width="2.5"/>`,
  )
  items.forEach((e, i) => {
    if (measured(e) && e !== latest)
      out.push(
        `<circle cx="${fixed(x(i))}" cy="${fixed(y(e.comparison.actual!))}" r="3.5" fill="#fff" stroke="#000" stroke-width="1.5"/>`,
      )
  })
  // Legend, with line styles that survive black-and-white printing: only what the chart draws.
  const lx = M.left + plotW + 16
  const entries = [
    (ly: number) =>
      `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="#000" stroke-width="2.5"/><text x="${lx}" y="${ly + 16}">Actual</text>`,
    ...(items.some((e) => e.comparison.target !== null)
      ? [
          (ly: number) =>
            `<line x1="${lx}" y1="${ly}" x2="${lx + 28}" y2="${ly}" stroke="#000" stroke-width="2" stroke-dasharray="8 5"/><text x="${lx}" y="${ly + 16}">Target</text>`,
        ]
      : []),
    ...(band.some((b) => b !== null && b.edge !== b.target)
      ? [
          (ly: number) =>
            `<rect x="${lx}" y="${ly - 6}" width="28" height="12" fill="url(#hatch)" stroke="#424a53"/><text x="${lx}" y="${ly + 22}">Tolerance</text>`,
        ]
      : []),
  ]
  entries.forEach((entry, k) => out.push(entry(M.top + 8 + k * 36)))
  const legendBox = [lx - 4, M.top - 8, WIDTH, M.top + 8 + entries.length * 36]
  if (latest) {
    const i = items.indexOf(latest)
    const cx = x(i)
    const cy = y(latest.comparison.actual!)
    out.push(
      `<circle cx="${fixed(cx)}" cy="${fixed(cy)}" r="8" fill="${RAG_FILL[latest.rag]}" stroke="#000" stroke-width="2"/>`,
    )
    // The label goes where nothing crosses it: above or below the point, to its right or its left, the
    // first of these whose box stays clear of the target and actual lines (sampled across the box), the
    // legend and the edges. A figure carried from an earlier year says which.
    const target = latest.comparison.target
    const carried = latest.evaluatedPeriod === latest.period ? '' : ` in ${periodLabel(latest.evaluatedPeriod)}`
    const words = `${shown(latest.comparison.actual!)}${carried}${target === null ? '' : ` against ${shown(target)}`}`
    const boxWidth = Math.max(words.length, 6) * 7
    const lines = (['target', 'actual'] as const).map((which) =>
      items.map((e, j) => {
        const v = which === 'target' ? e.comparison.target : measured(e) ? e.comparison.actual : null
        return v === null ? null : ([x(j), y(v)] as [number, number])
      }),
    )
    const lineYs = (at: number) =>
      lines.flatMap((line) =>
        line.flatMap((a, j) => {
          const b = line[j + 1]
          if (a === null || b === undefined || b === null || yearStart(j + 1) || at < a[0] || at > b[0]) return []
          return [a[1] + ((b[1] - a[1]) * (at - a[0])) / (b[0] - a[0] || 1)]
        }),
      )
    const clear = (left: number, topY: number) => {
      for (let at = left; at <= left + boxWidth; at += 4)
        if (lineYs(at).some((ly) => ly >= topY - 2 && ly <= topY + 34)) return false
      const box = [left, topY, left + boxWidth, topY + 34]
      return left >= M.left && box[2]! <= WIDTH - 8 && topY >= M.top - 20 && !overlaps(box, legendBox)
    }
    const candidates = [
      { anchor: 'start', dx: 12, dy: -44 },
      { anchor: 'end', dx: -12, dy: -44 },
      { anchor: 'start', dx: 12, dy: 8 },
      { anchor: 'end', dx: -12, dy: 8 },
      { anchor: 'start', dx: 12, dy: -70 },
      { anchor: 'end', dx: -12, dy: -70 },
      { anchor: 'end', dx: -12, dy: 30 },
    ] as const
    const place =
      candidates.find((c) => clear(c.anchor === 'start' ? cx + c.dx : cx + c.dx - boxWidth, cy + c.dy)) ?? candidates[1]
    const anchor = place.anchor
    const tx = cx + place.dx
    const [first, second] = [cy + place.dy + 14, cy + place.dy + 30]
    const halo = 'stroke="#fff" stroke-width="4" paint-order="stroke"'
    out.push(
      `<text x="${fixed(tx)}" y="${fixed(first)}" text-anchor="${anchor}" font-weight="bold" ${halo}>${latest.rag.toUpperCase()}</text>`,
    )
    out.push(`<text x="${fixed(tx)}" y="${fixed(second)}" text-anchor="${anchor}" ${halo}>${escapeXml(words)}</text>`)
  }
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
    subtitle: `${series.area.name}${series.rolledUp ? ' (rolled up from its areas)' : ''}, ${periodLabel(first.period)} to ${periodLabel(last.period)}; ${series.indicator.polarity.replace('_', ' ')}`,
    polarity: series.indicator.polarity,
    unit: series.indicator.unit,
    decimalPlaces: series.indicator.decimalPlaces,
    items: series.items,
  })
}
