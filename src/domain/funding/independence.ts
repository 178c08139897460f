import type { Office } from '../actions/context.js'
import { DECIDING_OFFICES, officersAgree } from './officers.js'
import type { Stage } from './states.js'

/** Someone who holds a place at a decision stage on the decision's date. */
export interface Holder {
  subject: string
  name: string | null
  offices: readonly Office[]
}

/**
 * Seed 002's process exists so that someone other than the applicant decides: whoever applied for a bid
 * never takes a decision step on it. Answers who else may take the stage's step, and whether they are
 * enough to take it (the officers' route needs the three offices held by three people besides the
 * applicant); a stage they are not enough for is blocked until someone else is appointed, never skipped.
 */
export function independentDeciders(stage: Exclude<Stage, 'applicant'>, holders: readonly Holder[], applicant: string) {
  const others = holders.filter((h) => h.subject !== applicant)
  const enough =
    stage === 'officers'
      ? officersAgree(others.map((h) => ({ subject: h.subject, offices: h.offices })))
      : others.length > 0
  return { others, enough }
}

/** Names for a message: "Dora (chair), Pat". */
export function holderNames(holders: readonly Holder[], stage: Stage): string {
  if (holders.length === 0) return 'nobody'
  return holders
    .map((h) => {
      const offices = stage === 'officers' ? h.offices.filter((o) => DECIDING_OFFICES.includes(o)) : h.offices
      return `${h.name ?? h.subject}${offices.length > 0 ? ` (${offices.join(', ').replaceAll('_', ' ')})` : ''}`
    })
    .join(', ')
}
