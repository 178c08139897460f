import type { Band, Heatmap, RiskScale } from '../../domain/risks/index.js'
import { escapeXml } from '../../http/svg.js'

/**
 * The heat map as SVG, laid out as seed 000 prints its matrices: likelihood up the side (highest at the
 * top), impact along the bottom, the references of the risks in each cell. Cells run green to red by band
 * and carry the band's name and score, so the map still reads printed in black and white.
 */
const CELL_W = 150
const CELL_H = 90
const M = { top: 78, right: 24, bottom: 116, left: 92 }
const FILL: Record<Band, string> = { low: '#b7e1b0', medium: '#f7e08a', high: '#f4a261', very_high: '#e4573d' }
const BAND_NAME: Record<Band, string> = { low: 'low', medium: 'medium', high: 'high', very_high: 'very high' }

/** About as many bold 15px characters as fit across a cell. */
const LINE_CHARS = 15
const MAX_LINES = 3

/** References wrapped to the cell's width, on three lines at most (the last ending "..." when more are left). */
function lines(references: readonly string[]): string[] {
  const out: string[] = []
  for (const [i, reference] of references.entries()) {
    const word = i < references.length - 1 ? `${reference},` : reference
    const last = out.length - 1
    if (last >= 0 && out[last]!.length + 1 + word.length <= LINE_CHARS) out[last] = `${out[last]} ${word}`
    else if (out.length === MAX_LINES) {
      out[last] = `${out[last]!.replace(/,$/, '')} ...`
      break
    } else out.push(word)
  }
  return out
}

export function heatmapSvg(map: Heatmap, scale: RiskScale, title: string): string {
  const width = M.left + map.impactLevels * CELL_W + M.right
  const height = M.top + map.likelihoodLevels * CELL_H + M.bottom
  const x = (impact: number) => M.left + (impact - 1) * CELL_W
  const y = (likelihood: number) => M.top + (map.likelihoodLevels - likelihood) * CELL_H
  const label = (labels: readonly string[], level: number) => labels[level - 1] ?? ''
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Arial, Helvetica, sans-serif" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="30" font-size="18" font-weight="bold" fill="#1f2328">${escapeXml(title)}</text>`,
    `<text x="${M.left}" y="54" font-size="13" fill="#57606a">${escapeXml(`${map.exposure} exposure on ${map.at}: likelihood x impact, each risk by its latest assessment`)}</text>`,
  ]
  for (const cell of map.cells) {
    const [cx, cy] = [x(cell.impact), y(cell.likelihood)]
    parts.push(
      `<rect x="${cx}" y="${cy}" width="${CELL_W}" height="${CELL_H}" fill="${FILL[cell.band]}" stroke="#1f2328" stroke-width="1.5"/>`,
      `<text x="${cx + 8}" y="${cy + 18}" font-size="12" fill="#1f2328">${BAND_NAME[cell.band]}</text>`,
      `<text x="${cx + CELL_W - 8}" y="${cy + CELL_H - 8}" font-size="12" fill="#1f2328" text-anchor="end">${cell.score}</text>`,
    )
    lines(cell.references).forEach((line, i, all) =>
      parts.push(
        `<text x="${cx + CELL_W / 2}" y="${cy + CELL_H / 2 + 6 + (i - (all.length - 1) / 2) * 18}" font-size="15" font-weight="bold" fill="#000000" text-anchor="middle">${escapeXml(line)}</text>`,
      ),
    )
  }
  for (let level = 1; level <= map.likelihoodLevels; level++)
    parts.push(
      `<text x="${M.left - 10}" y="${y(level) + CELL_H / 2 + 5}" font-size="14" text-anchor="end" fill="#1f2328">${level}</text>`,
      `<text x="${M.left - 10}" y="${y(level) + CELL_H / 2 + 21}" font-size="10" text-anchor="end" fill="#57606a">${escapeXml(label(scale.likelihoodLabels, level))}</text>`,
    )
  for (let level = 1; level <= map.impactLevels; level++)
    parts.push(
      `<text x="${x(level) + CELL_W / 2}" y="${M.top + map.likelihoodLevels * CELL_H + 20}" font-size="14" text-anchor="middle" fill="#1f2328">${level}</text>`,
      `<text x="${x(level) + CELL_W / 2}" y="${M.top + map.likelihoodLevels * CELL_H + 35}" font-size="10" text-anchor="middle" fill="#57606a">${escapeXml(label(scale.impactLabels, level))}</text>`,
    )
  const gridBottom = M.top + map.likelihoodLevels * CELL_H
  parts.push(
    `<text x="${M.left + (map.impactLevels * CELL_W) / 2}" y="${gridBottom + 56}" font-size="14" font-weight="bold" text-anchor="middle" fill="#1f2328">IMPACT</text>`,
    `<text transform="translate(24 ${M.top + (map.likelihoodLevels * CELL_H) / 2}) rotate(-90)" font-size="14" font-weight="bold" text-anchor="middle" fill="#1f2328">LIKELIHOOD</text>`,
  )
  const legend = [
    ['low', `1-${scale.mediumFrom - 1}`],
    ['medium', `${scale.mediumFrom}-${scale.highFrom - 1}`],
    ['high', `${scale.highFrom}-${scale.veryHighFrom - 1}`],
    ['very_high', `${scale.veryHighFrom}+`],
  ] as const
  legend.forEach(([band, range], i) => {
    const lx = M.left + i * 150
    parts.push(
      `<rect x="${lx}" y="${gridBottom + 68}" width="16" height="16" fill="${FILL[band]}" stroke="#1f2328"/>`,
      `<text x="${lx + 22}" y="${gridBottom + 81}" font-size="12" fill="#1f2328">${BAND_NAME[band]} (score ${range})</text>`,
    )
  })
  if (map.offScale.length > 0)
    parts.push(
      `<text x="${M.left}" y="${gridBottom + 106}" font-size="13" font-weight="bold" fill="#1f2328">${escapeXml(
        `Off this ${map.likelihoodLevels}x${map.impactLevels} scale: ${map.offScale
          .map((r) => `${r.reference} (${r.likelihood}x${r.impact} = ${r.score})`)
          .join(', ')}`,
      )}</text>`,
    )
  parts.push('</svg>')
  return parts.join('\n')
}
