import { DomainError } from '../errors.js'

/**
 * How a partnership scores risk (seed 000: likelihood x impact on 1-4 scales): the scales, the bands a
 * score falls in, and its appetite, the score above which a risk must be escalated.
 */
export interface RiskScale {
  likelihoodLevels: number
  impactLevels: number
  likelihoodLabels: readonly string[]
  impactLabels: readonly string[]
  /** The lowest score of each band above low. */
  mediumFrom: number
  highFrom: number
  veryHighFrom: number
  appetite: number
}

export const BANDS = ['low', 'medium', 'high', 'very_high'] as const
export type Band = (typeof BANDS)[number]

export const DEFAULT_SCALE: RiskScale = {
  likelihoodLevels: 4,
  impactLevels: 4,
  likelihoodLabels: [],
  impactLabels: [],
  mediumFrom: 4,
  highFrom: 8,
  veryHighFrom: 12,
  appetite: 8,
}

/** Scores are always derived, never typed. */
export const scoreOf = (likelihood: number, impact: number): number => likelihood * impact

export function bandOf(score: number, scale: RiskScale): Band {
  if (score >= scale.veryHighFrom) return 'very_high'
  if (score >= scale.highFrom) return 'high'
  if (score >= scale.mediumFrom) return 'medium'
  return 'low'
}

const invalid = (field: string, message: string) =>
  new DomainError('RISK.SCALE', 'unprocessable', `The risk scale is not valid: ${message}.`, [{ field, message }])

/** A scale is consistent in itself: labels per level at most, bands in order within the largest score. */
export function checkScale(scale: RiskScale): void {
  for (const axis of ['likelihood', 'impact'] as const) {
    const levels = scale[`${axis}Levels`]
    if (levels < 2 || levels > 5) throw invalid(`body.${axis}Levels`, 'scales run from 1 to between 2 and 5')
    const labels = scale[`${axis}Labels`]
    if (labels.length !== 0 && labels.length !== levels)
      throw invalid(`body.${axis}Labels`, `give a label for each of the ${levels} levels, or none`)
  }
  const max = scale.likelihoodLevels * scale.impactLevels
  if (!(1 < scale.mediumFrom && scale.mediumFrom <= scale.highFrom && scale.highFrom <= scale.veryHighFrom))
    throw invalid('body.mediumFrom', 'bands must rise: 1 < mediumFrom <= highFrom <= veryHighFrom')
  if (scale.veryHighFrom > max) throw invalid('body.veryHighFrom', `the largest score on this scale is ${max}`)
  if (scale.appetite < 1 || scale.appetite > max) throw invalid('body.appetite', `must be a score from 1 to ${max}`)
}

export interface ScoredAssessment {
  reference: string
  assessedOn: string
  likelihoods: readonly number[]
  impacts: readonly number[]
}

/**
 * A scale change never rewrites history, so it must fit the assessments open risks stand on: refused with
 * the risks that would not fit.
 */
export function checkFits(scale: RiskScale, open: readonly ScoredAssessment[]): void {
  const misfits = open.filter(
    (a) => Math.max(...a.likelihoods) > scale.likelihoodLevels || Math.max(...a.impacts) > scale.impactLevels,
  )
  if (misfits.length > 0)
    throw new DomainError(
      'RISK.SCALE_IN_USE',
      'unprocessable',
      `The scale does not fit standing assessments of open risks ${misfits.map((m) => `${m.reference} (${m.assessedOn})`).join(', ')}: an earlier one becomes current again when a later one is withdrawn, so withdraw them, or close the risks, first.`,
      misfits.map((m) => ({ field: 'body', message: `${m.reference} is assessed above this scale` })),
    )
}
