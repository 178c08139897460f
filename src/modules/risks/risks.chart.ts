import type { Band, Heatmap, Movement, RiskScale } from '../../domain/risks/index.js'
import { escapeXml, wrap } from '../../http/svg.js'

/**
 * The heat map as SVG, laid out as seed 000 prints its matrices: likelihood up the side (highest at the
 * top), impact along the bottom, the references of the risks in each cell. Cells run green to red by band
 * and carry the band's name and score, so the map still reads printed in black and white. The appetite is
 * a heavy dashed line round the cells above it; with a date to compare to, each risk that moved carries a
 * mark (up, down, across, new) and a line under the map says where it came from.
 */
const CELL_W = 150
const CELL_H = 90
const M = { top: 78, right: 24, bottom: 118, left: 92 }
const MARK: Partial<Record<Movement['direction'], string>> = {
  up: ' \u25b2',
  down: ' \u25bc',
  sideways: ' \u25ba',
  new: ' *',
}
const cellName = (c: { likelihood: number; impact: number; score: number }) =>
  `${c.likelihood}x${c.impact} = ${c.score}`
const FILL: Record<Band, string> = { low: '#b7e1b0', medium: '#f7e08a', high: '#f4a261', very_high: '#e4573d' }
const BAND_NAME: Record<Band, string> = { low: 'low', medium: 'medium', high: 'high', very_high: 'very high' }

/** About as many bold 15px characters as fit across a cell. */
const LINE_CHARS = 15
const MAX_LINES = 3

export function heatmapSvg(
  map: Heatmap & { movement?: Movement[] },
  scale: RiskScale,
  partnershipName: string,
  compareTo?: string,
): string {
  const title = `${map.exposure[0]!.toUpperCase()}${map.exposure.slice(1)} risk exposure`
  const moved = (map.movement ?? []).filter((m) => MARK[m.direction] !== undefined)
  const markOf = new Map(moved.map((m) => [m.reference, MARK[m.direction]!]))
  // Notes under the legend, wrapped to the map's width: what moved since compareTo, what lies off the scale.
  const notes = [
    ...(compareTo === undefined
      ? []
      : [
          moved.length === 0
            ? `No risk has moved since ${compareTo}.`
            : [
                `Since ${compareTo} (\u25b2 up, \u25bc down, \u25ba across, * new):`,
                ...moved.map(
                  (m, i) =>
                    `${m.reference} ${m.from === null ? 'new' : `from ${cellName(m.from)}`}${i < moved.length - 1 ? ';' : '.'}`,
                ),
              ],
        ]),
    ...(map.offScale.length === 0
      ? []
      : [
          [
            `Off this ${map.likelihoodLevels}x${map.impactLevels} scale:`,
            ...map.offScale.map(
              (r, i) =>
                `${r.reference} (${r.likelihood}x${r.impact} = ${r.score})${i < map.offScale.length - 1 ? ',' : ''}`,
            ),
          ],
        ]),
  ].flatMap((note) => wrap(Array.isArray(note) ? note : [note], Math.floor((map.impactLevels * CELL_W) / 7)))
  const width = M.left + map.impactLevels * CELL_W + M.right
  const height = M.top + map.likelihoodLevels * CELL_H + M.bottom + notes.length * 18
  const x = (impact: number) => M.left + (impact - 1) * CELL_W
  const y = (likelihood: number) => M.top + (map.likelihoodLevels - likelihood) * CELL_H
  // A scale without names of its own says at least which end is which.
  const label = (labels: readonly string[], level: number, levels: number, ends: readonly [string, string]) =>
    labels[level - 1] ?? (level === 1 ? ends[0] : level === levels ? ends[1] : '')
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Arial, Helvetica, sans-serif" role="img" aria-label="${escapeXml(`${partnershipName}: ${title}`)}">`,
    `<title>${escapeXml(`${partnershipName}: ${title}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${M.left}" y="30" font-size="18" font-weight="bold" fill="#1f2328">${escapeXml(partnershipName)}</text>`,
    `<text x="${M.left}" y="54" font-size="13" fill="#57606a">${escapeXml(`${title} on ${map.at}, each risk by its latest assessment`)}</text>`,
  ]
  for (const cell of map.cells) {
    const [cx, cy] = [x(cell.impact), y(cell.likelihood)]
    parts.push(
      `<rect x="${cx}" y="${cy}" width="${CELL_W}" height="${CELL_H}" fill="${FILL[cell.band]}" stroke="#1f2328" stroke-width="1.5"/>`,
      `<text x="${cx + 8}" y="${cy + 18}" font-size="12" fill="#1f2328">${BAND_NAME[cell.band]}</text>`,
      `<text x="${cx + CELL_W - 8}" y="${cy + CELL_H - 8}" font-size="12" fill="#1f2328" text-anchor="end">${cell.score}</text>`,
    )
    wrap(
      cell.references.map((r, i, all) => `${r}${markOf.get(r) ?? ''}${i < all.length - 1 ? ',' : ''}`),
      LINE_CHARS,
      MAX_LINES,
    ).forEach((line, i, all) =>
      parts.push(
        `<text x="${cx + CELL_W / 2}" y="${cy + CELL_H / 2 + 6 + (i - (all.length - 1) / 2) * 18}" font-size="15" font-weight="bold" fill="#000000" text-anchor="middle">${escapeXml(line)}</text>`,
      ),
    )
  }
  for (let level = 1; level <= map.likelihoodLevels; level++)
    parts.push(
      `<text x="${M.left - 10}" y="${y(level) + CELL_H / 2 + 5}" font-size="14" text-anchor="end" fill="#1f2328">${level}</text>`,
      `<text x="${M.left - 10}" y="${y(level) + CELL_H / 2 + 21}" font-size="10" text-anchor="end" fill="#57606a">${escapeXml(label(scale.likelihoodLabels, level, map.likelihoodLevels, ['least likely', 'most likely']))}</text>`,
    )
  for (let level = 1; level <= map.impactLevels; level++)
    parts.push(
      `<text x="${x(level) + CELL_W / 2}" y="${M.top + map.likelihoodLevels * CELL_H + 20}" font-size="14" text-anchor="middle" fill="#1f2328">${level}</text>`,
      `<text x="${x(level) + CELL_W / 2}" y="${M.top + map.likelihoodLevels * CELL_H + 35}" font-size="10" text-anchor="middle" fill="#57606a">${escapeXml(label(scale.impactLabels, level, map.impactLevels, ['least impact', 'greatest impact']))}</text>`,
    )
  const gridBottom = M.top + map.likelihoodLevels * CELL_H
  // The appetite: every edge between a cell above it and one within it (or the grid's edge), drawn once.
  const above = (likelihood: number, impact: number) =>
    likelihood >= 1 && impact >= 1 && likelihood <= map.likelihoodLevels && impact <= map.impactLevels
      ? likelihood * impact > scale.appetite
      : false
  const edges: string[] = []
  for (const { likelihood: l, impact: i } of map.cells) {
    if (!above(l, i)) continue
    const [left, top] = [x(i), y(l)]
    if (!above(l + 1, i) && l < map.likelihoodLevels) edges.push(`M${left},${top} h${CELL_W}`)
    if (!above(l - 1, i)) edges.push(`M${left},${top + CELL_H} h${CELL_W}`)
    if (!above(l, i - 1)) edges.push(`M${left},${top} v${CELL_H}`)
    if (!above(l, i + 1) && i < map.impactLevels) edges.push(`M${left + CELL_W},${top} v${CELL_H}`)
  }
  if (edges.length > 0)
    parts.push(
      `<path d="${edges.join(' ')}" fill="none" stroke="#000000" stroke-width="4" stroke-dasharray="10 5" stroke-linecap="square"/>`,
    )
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
  parts.push(
    `<path d="M${M.left},${gridBottom + 100} h28" stroke="#000000" stroke-width="4" stroke-dasharray="10 5"/>`,
    `<text x="${M.left + 36}" y="${gridBottom + 104}" font-size="12" fill="#1f2328">${escapeXml(
      `Appetite: a score above ${scale.appetite} is escalated`,
    )}</text>`,
  )
  notes.forEach((note, i) =>
    parts.push(
      `<text x="${M.left}" y="${gridBottom + 124 + i * 18}" font-size="12" fill="#1f2328">${escapeXml(note)}</text>`,
    ),
  )
  parts.push('</svg>')
  return parts.join('\n')
}
