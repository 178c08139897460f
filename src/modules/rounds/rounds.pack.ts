import PDFDocument from 'pdfkit'
import SVGtoPDF from 'svg-to-pdfkit'
import { figure, measure, periodLabel } from '../../http/format.js'
import { escapeXml } from '../../http/svg.js'

/**
 * The committee pack of an issued round (seed 000 Appendix 1): a cover, the exception report by priority
 * (bad before good, each with its trend chart, RAG in words as well as colour, flags, commentary and the
 * action that addresses it), then the performance report as one table. One model, two renderings: an A4
 * PDF (pdfkit, charts drawn as vectors by svg-to-pdfkit, no browser) and the same as printable HTML.
 */

interface PackFlag {
  flag: string
  direction: 'bad' | 'good'
  reason: string
}

export interface PackItem {
  indicator: { id: string; reference: string; name: string; unit: string; decimalPlaces: number }
  area: { id: string; name: string; code: string | null }
  direction: 'bad' | 'good'
  evaluation: {
    rag: 'red' | 'amber' | 'green' | 'grey'
    evaluatedPeriod: string
    comparison: { actual: number | null; target: number | null; relativeVariancePercent: number | null }
    flags: PackFlag[]
  }
  commentary: { body: string; author: string; period: string } | null
  actions: Array<{ id: string; reference: string | null; title: string; activityRag: string }>
  selection?: { decision: string; reason: string | null; actionId: string | null } | null
}

export interface PackModel {
  partnership: string
  period: string
  pmgMeetingOn: string
  strategicMeetingOn: string
  issuedAt: Date
  issuedBy: string
  missingReturnsReason: string | null
  exceptions: Array<{ priority: string; items: PackItem[] }>
  dataIssues: number
  dropped: number
  performance: Array<{ priority: string; items: PackItem[] }>
  /** Trend chart SVG by `indicatorId|areaId`, as the figures stood at issue. */
  charts: ReadonlyMap<string, string>
  /** Titles of the actions PMG named, by id. */
  actionTitles: ReadonlyMap<string, string>
}

const RAG_WORDS: Record<PackItem['evaluation']['rag'], string> = {
  red: 'Red: off target',
  amber: 'Amber: within tolerance of target',
  green: 'Green: on or ahead of target',
  grey: 'Grey: not judged',
}
const RAG_COLOUR: Record<PackItem['evaluation']['rag'], string> = {
  red: '#cf222e',
  amber: '#bf8700',
  green: '#1a7f37',
  grey: '#8c959f',
}

const day = (iso: string) =>
  new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  })

const value = (n: number | null, item: PackItem) =>
  n === null ? 'no figure' : measure(n, item.indicator.unit, item.indicator.decimalPlaces)

/** The sentence a paper writes of an item's figures. */
function figures(item: PackItem): string {
  const { actual, target, relativeVariancePercent } = item.evaluation.comparison
  const against = target === null ? 'no target set' : `a target of ${value(target, item)}`
  const by =
    relativeVariancePercent === null
      ? ''
      : ` (${relativeVariancePercent > 0 ? '+' : ''}${figure(relativeVariancePercent, 1)}%)`
  return `${periodLabel(item.evaluation.evaluatedPeriod)}: ${value(actual, item)} against ${against}${by}.`
}

/** The action PMG named for the exception, else the indicator's linked actions. */
function actionLines(item: PackItem, titles: ReadonlyMap<string, string>): string[] {
  const named = item.selection?.actionId
  if (named !== undefined && named !== null) return [titles.get(named) ?? named]
  return item.actions.map((a) => `${a.reference === null ? '' : `${a.reference} `}${a.title} (${a.activityRag})`)
}

const heading = (item: PackItem) => `${item.indicator.reference} ${item.indicator.name}: ${item.area.name}`
const chartOf = (model: PackModel, item: PackItem) => model.charts.get(`${item.indicator.id}|${item.area.id}`)

const coverLines = (model: PackModel) => {
  const items = model.exceptions.flatMap((p) => p.items)
  const bad = items.filter((i) => i.direction === 'bad').length
  return [
    `Performance Management Group: ${day(model.pmgMeetingOn)}`,
    `Strategic Group: ${day(model.strategicMeetingOn)}`,
    `Issued ${day(model.issuedAt.toISOString().slice(0, 10))} by ${model.issuedBy}`,
    `${items.length} exceptions: ${bad} of concern, ${items.length - bad} of good performance.`,
    `${model.dataIssues} data issues (no target or no figure) are chased by PMG, not escalated; ${model.dropped} computed exceptions were not sent up.`,
    ...(model.missingReturnsReason === null ? [] : [`Issued with a return missing: ${model.missingReturnsReason}`]),
  ]
}

const A4 = { width: 595.28, height: 841.89 }
const MARGIN = 56
const TEXT_WIDTH = A4.width - 2 * MARGIN
const CHART = { width: TEXT_WIDTH * 0.8, height: (TEXT_WIDTH * 0.8 * 380) / 760 }

/** The pack as an A4 PDF. */
export function packPdf(model: PackModel): Promise<Buffer> {
  const title = `${model.partnership}: performance report, ${periodLabel(model.period)}`
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: title, Author: model.partnership, Subject: 'Exception and performance report' },
  })
  const chunks: Buffer[] = []
  doc.on('data', (chunk: Buffer) => chunks.push(chunk))
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  const bottom = A4.height - MARGIN
  const room = (needed: number) => {
    if (doc.y + needed > bottom) doc.addPage()
  }

  // Cover.
  doc.font('Helvetica-Bold').fontSize(26).text(model.partnership, MARGIN, 200, { width: TEXT_WIDTH })
  doc.moveDown(0.5).font('Helvetica').fontSize(18).text('Performance report to the Strategic Group')
  doc.moveDown(0.3).fontSize(16).text(periodLabel(model.period))
  doc.moveDown(2).fontSize(11)
  for (const line of coverLines(model)) doc.text(line, { width: TEXT_WIDTH }).moveDown(0.4)

  // Exceptions, by priority, bad before good (as issued).
  doc.addPage().font('Helvetica-Bold').fontSize(18).text('Exception report')
  for (const group of model.exceptions) {
    room(60)
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(14).fillColor('black').text(group.priority)
    for (const item of group.items) {
      room(CHART.height + 120)
      doc.moveDown(0.6).font('Helvetica-Bold').fontSize(11).fillColor('black').text(heading(item))
      const y = doc.y + 2
      doc.rect(MARGIN, y, 10, 10).fill(RAG_COLOUR[item.evaluation.rag])
      doc
        .fillColor('black')
        .font('Helvetica-Bold')
        .fontSize(10)
        .text(
          `${RAG_WORDS[item.evaluation.rag]}, ${item.direction === 'bad' ? 'of concern' : 'good performance'}`,
          MARGIN + 16,
          y,
        )
      doc.font('Helvetica').text(figures(item), MARGIN, doc.y + 2, { width: TEXT_WIDTH })
      for (const f of item.evaluation.flags) doc.text(`- ${f.reason}`, { width: TEXT_WIDTH, indent: 8 })
      if (item.selection?.decision === 'add' && item.selection.reason !== null)
        doc.text(`Added by PMG: ${item.selection.reason}`, { width: TEXT_WIDTH })
      const chart = chartOf(model, item)
      if (chart !== undefined) {
        room(CHART.height + 10)
        const top = doc.y + 6
        // Without its own width and height the chart's viewBox scales to the viewport given here.
        SVGtoPDF(doc, chart.replace(/^<svg([^>]*?) width="\d+" height="\d+"/, '<svg$1'), MARGIN, top, CHART)
        doc.x = MARGIN
        doc.y = top + CHART.height + 6
      }
      room(40)
      doc.font('Helvetica-Bold').text('Commentary', MARGIN, doc.y, { width: TEXT_WIDTH })
      doc
        .font('Helvetica')
        .text(
          item.commentary === null
            ? 'No commentary from the theme group.'
            : `${item.commentary.body} (${item.commentary.author}, ${periodLabel(item.commentary.period)})`,
          { width: TEXT_WIDTH },
        )
      const actions = actionLines(item, model.actionTitles)
      doc
        .font('Helvetica-Bold')
        .text(item.direction === 'bad' ? 'Action addressing it' : 'Actions', { width: TEXT_WIDTH })
      doc.font('Helvetica').text(actions.length === 0 ? 'None linked.' : actions.join('\n'), { width: TEXT_WIDTH })
    }
  }

  // The performance report: every indicator and area, one row each.
  doc.addPage().font('Helvetica-Bold').fontSize(18).text('Performance report')
  const columns = [
    { head: 'Indicator', x: MARGIN, width: 190 },
    { head: 'Area', x: MARGIN + 195, width: 95 },
    { head: 'Actual', x: MARGIN + 295, width: 60 },
    { head: 'Target', x: MARGIN + 360, width: 60 },
    { head: 'RAG', x: MARGIN + 425, width: 58 },
  ]
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9)
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: columns[i]!.width })))
    room(height + 4)
    const y = doc.y
    cells.forEach((c, i) => doc.text(c, columns[i]!.x, y, { width: columns[i]!.width }))
    doc.x = MARGIN
    doc.y = y + height + 4
  }
  for (const group of model.performance) {
    room(50)
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(12).text(group.priority, MARGIN, doc.y, { width: TEXT_WIDTH })
    doc.moveDown(0.3)
    row(
      columns.map((c) => c.head),
      true,
    )
    for (const item of group.items)
      row(
        [
          `${item.indicator.reference} ${item.indicator.name}`,
          item.area.name,
          value(item.evaluation.comparison.actual, item),
          item.evaluation.comparison.target === null ? 'none' : value(item.evaluation.comparison.target, item),
          item.evaluation.rag[0]!.toUpperCase() + item.evaluation.rag.slice(1),
        ],
        false,
      )
  }

  // Page numbers, and the report's name on every page but the cover.
  const pages = doc.bufferedPageRange()
  for (let i = 0; i < pages.count; i += 1) {
    doc.switchToPage(pages.start + i)
    const keep = doc.page.margins.bottom
    doc.page.margins.bottom = 0
    doc.font('Helvetica').fontSize(8).fillColor('#555555')
    if (i > 0) doc.text(title, MARGIN, A4.height - 36, { width: TEXT_WIDTH * 0.8, lineBreak: false })
    doc.text(`Page ${i + 1} of ${pages.count}`, MARGIN, A4.height - 36, {
      width: TEXT_WIDTH,
      align: 'right',
      lineBreak: false,
    })
    doc.page.margins.bottom = keep
  }
  doc.end()
  return done
}

/** The pack as one printable HTML page (A4 print styles; charts inline). */
export function packHtml(model: PackModel): string {
  const e = escapeXml
  const title = `${model.partnership}: performance report, ${periodLabel(model.period)}`
  const exception = (item: PackItem) => {
    const chart = chartOf(model, item)
    const actions = actionLines(item, model.actionTitles)
    return `<article class="item">
<h3>${e(heading(item))}</h3>
<p class="rag"><span class="swatch" style="background:${RAG_COLOUR[item.evaluation.rag]}"></span><strong>${e(RAG_WORDS[item.evaluation.rag])}</strong>, ${item.direction === 'bad' ? 'of concern' : 'good performance'}</p>
<p>${e(figures(item))}</p>
<ul>${item.evaluation.flags.map((f) => `<li>${e(f.reason)}</li>`).join('')}</ul>
${item.selection?.decision === 'add' && item.selection.reason !== null ? `<p>Added by PMG: ${e(item.selection.reason)}</p>` : ''}
${chart === undefined ? '' : `<figure>${chart}</figure>`}
<h4>Commentary</h4>
<p>${item.commentary === null ? 'No commentary from the theme group.' : `${e(item.commentary.body)} <span class="by">(${e(item.commentary.author)}, ${e(periodLabel(item.commentary.period))})</span>`}</p>
<h4>${item.direction === 'bad' ? 'Action addressing it' : 'Actions'}</h4>
${actions.length === 0 ? '<p>None linked.</p>' : `<ul>${actions.map((a) => `<li>${e(a)}</li>`).join('')}</ul>`}
</article>`
  }
  const performanceRows = (items: PackItem[]) =>
    items
      .map(
        (item) =>
          `<tr><td>${e(`${item.indicator.reference} ${item.indicator.name}`)}</td><td>${e(item.area.name)}</td><td>${e(value(item.evaluation.comparison.actual, item))}</td><td>${item.evaluation.comparison.target === null ? 'none' : e(value(item.evaluation.comparison.target, item))}</td><td><span class="swatch" style="background:${RAG_COLOUR[item.evaluation.rag]}"></span>${item.evaluation.rag}</td></tr>`,
      )
      .join('\n')
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>${e(title)}</title>
<style>
@page { size: A4; margin: 20mm; }
body { font-family: Helvetica, Arial, sans-serif; font-size: 11pt; color: #000; max-width: 180mm; margin: 0 auto; }
.cover { page-break-after: always; padding-top: 60mm; }
.cover h1 { font-size: 26pt; margin-bottom: 4mm; }
section { page-break-before: always; }
.item { page-break-inside: avoid; margin-bottom: 8mm; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; }
figure { margin: 2mm 0; } figure svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { text-align: left; padding: 2px 4px; border-bottom: 1px solid #ddd; vertical-align: top; }
.by { color: #555; }
</style>
</head>
<body>
<div class="cover">
<h1>${e(model.partnership)}</h1>
<h2>Performance report to the Strategic Group</h2>
<h2>${e(periodLabel(model.period))}</h2>
${coverLines(model)
  .map((line) => `<p>${e(line)}</p>`)
  .join('\n')}
</div>
<section>
<h1>Exception report</h1>
${model.exceptions.map((g) => `<h2>${e(g.priority)}</h2>\n${g.items.map(exception).join('\n')}`).join('\n')}
</section>
<section>
<h1>Performance report</h1>
${model.performance
  .map(
    (g) =>
      `<h2>${e(g.priority)}</h2>\n<table><thead><tr><th>Indicator</th><th>Area</th><th>Actual</th><th>Target</th><th>RAG</th></tr></thead><tbody>\n${performanceRows(g.items)}\n</tbody></table>`,
  )
  .join('\n')}
</section>
</body>
</html>
`
}
