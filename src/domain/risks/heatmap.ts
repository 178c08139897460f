import { bandOf, scoreOf, type Band, type RiskScale } from './scale.js'

export const EXPOSURES = ['inherent', 'current', 'target'] as const
export type Exposure = (typeof EXPOSURES)[number]

export interface Cell {
  likelihood: number
  impact: number
}

/** One assessment of one risk, as the heat map reads it. */
export interface AssessmentFacts {
  riskId: string
  reference: string
  assessedOn: string
  /** Written later than another on the same day wins: the order assessments were made in. */
  order: number
  inherent: Cell
  current: Cell
  target: Cell | null
}

/** Each risk's latest assessment on or before a date. */
export function latestOn(assessments: readonly AssessmentFacts[], date: string): Map<string, AssessmentFacts> {
  const latest = new Map<string, AssessmentFacts>()
  for (const a of assessments) {
    if (a.assessedOn > date) continue
    const known = latest.get(a.riskId)
    if (
      known === undefined ||
      a.assessedOn > known.assessedOn ||
      (a.assessedOn === known.assessedOn && a.order > known.order)
    )
      latest.set(a.riskId, a)
  }
  return latest
}

export interface HeatmapCell extends Cell {
  score: number
  band: Band
  references: string[]
}

export interface Heatmap {
  exposure: Exposure
  at: string
  likelihoodLevels: number
  impactLevels: number
  /** Rows from the highest likelihood down, each from the lowest impact up: as the matrix is printed. */
  cells: HeatmapCell[]
  /**
   * Risks whose exposure lies beyond the scale in force (assessed on a larger one): never dropped
   * silently, they are listed here with their cell and score.
   */
  offScale: Array<{ reference: string; likelihood: number; impact: number; score: number }>
}

const byReference = new Intl.Collator('en-GB', { numeric: true }).compare

/** The likelihood x impact matrix of the risks' exposure at a date, with the references in each cell. */
export function heatmap(
  assessments: readonly AssessmentFacts[],
  at: string,
  exposure: Exposure,
  scale: RiskScale,
): Heatmap {
  const latest = [...latestOn(assessments, at).values()]
  const cells: HeatmapCell[] = []
  for (let likelihood = scale.likelihoodLevels; likelihood >= 1; likelihood--)
    for (let impact = 1; impact <= scale.impactLevels; impact++) {
      const score = scoreOf(likelihood, impact)
      const references = latest
        .filter((a) => {
          const cell = a[exposure]
          return cell !== null && cell.likelihood === likelihood && cell.impact === impact
        })
        .map((a) => a.reference)
        .sort(byReference)
      cells.push({ likelihood, impact, score, band: bandOf(score, scale), references })
    }
  const offScale = latest
    .flatMap((a) => {
      const cell = a[exposure]
      return cell !== null && (cell.likelihood > scale.likelihoodLevels || cell.impact > scale.impactLevels)
        ? [{ reference: a.reference, ...cell, score: scoreOf(cell.likelihood, cell.impact) }]
        : []
    })
    .sort((a, b) => b.score - a.score || byReference(a.reference, b.reference))
  return { exposure, at, likelihoodLevels: scale.likelihoodLevels, impactLevels: scale.impactLevels, cells, offScale }
}

export interface Movement {
  reference: string
  from: (Cell & { score: number }) | null
  to: (Cell & { score: number }) | null
  /** By score: up is worse. Across a cell of the same score, sideways. */
  direction: 'up' | 'down' | 'sideways' | 'none' | 'new' | 'gone'
}

/** Which risks moved cell between two dates, and which way. */
export function movement(
  assessments: readonly AssessmentFacts[],
  from: string,
  to: string,
  exposure: Exposure,
): Movement[] {
  const before = latestOn(assessments, from)
  const after = latestOn(assessments, to)
  const cell = (a: AssessmentFacts | undefined) => {
    const c = a?.[exposure]
    return c === undefined || c === null ? null : { ...c, score: scoreOf(c.likelihood, c.impact) }
  }
  const ids = [...new Set([...before.keys(), ...after.keys()])]
  return ids
    .map((id) => {
      const [a, b] = [cell(before.get(id)), cell(after.get(id))]
      const reference = (after.get(id) ?? before.get(id))!.reference
      return { reference, from: a, to: b, direction: directionOf(a, b) }
    })
    .sort((x, y) => byReference(x.reference, y.reference))
}

/** Which way a risk moved between two cells, by score: up is worse; across cells of one score, sideways. */
export function directionOf(a: Cell | null, b: Cell | null): Movement['direction'] {
  if (a === null) return 'new'
  if (b === null) return 'gone'
  const [from, to] = [scoreOf(a.likelihood, a.impact), scoreOf(b.likelihood, b.impact)]
  if (to !== from) return to > from ? 'up' : 'down'
  return a.likelihood !== b.likelihood || a.impact !== b.impact ? 'sideways' : 'none'
}
