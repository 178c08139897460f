import { DomainError } from '../errors.js'
import { requireDone } from '../periods.js'

/**
 * A funding bid's life (seed 002, "Funding Process", stages 1 to 4):
 *
 *   draft or returned --submit (applicant)--> submitted
 *   submitted --support / return (reason) / reject (reason) (delivery group)--> supported / returned / rejected
 *   supported, over the threshold --approve / reject (reason) (Performance Group)--> approved / rejected
 *   supported, at or under it --approve (designated officer, chair, vice chair: all three)--> approved
 *                              --reject (reason) (any of the three)--> referred
 *   referred --approve / reject (reason) (Performance Group, whose decision stands)--> approved / rejected
 *   any state before a final decision --withdraw (applicant)--> withdrawn
 */
export const BID_STATES = [
  'draft',
  'submitted',
  'returned',
  'supported',
  'referred',
  'approved',
  'rejected',
  'withdrawn',
] as const
export type BidState = (typeof BID_STATES)[number]

export const BID_ACTIONS = ['submit', 'support', 'return', 'reject', 'approve', 'withdraw'] as const
export type BidAction = (typeof BID_ACTIONS)[number]

/** Who takes a step: the stage of the process it belongs to. */
export const STAGES = ['applicant', 'delivery_group', 'officers', 'performance_group'] as const
export type Stage = (typeof STAGES)[number]

/** At year end each funded project is considered for mainstreaming (seed 002's funding principles). */
export const MAINSTREAMING = ['mainstream', 'fund_again', 'end'] as const
export type Mainstreaming = (typeof MAINSTREAMING)[number]

export const FINAL_STATES: readonly BidState[] = ['approved', 'rejected', 'withdrawn']

/** Seed 002: "greater than £1,000.00" goes to the Performance Group; £1,000.00 itself stays with the officers. */
export type Route = 'officers' | 'performance_group'
export const routeFor = (amountPence: number, thresholdPence: number): Route =>
  amountPence > thresholdPence ? 'performance_group' : 'officers'

export interface BidFacts {
  state: BidState
  amountPence: number
  thresholdPence: number
}

export interface Step {
  /** The state the bid moves to; for an officer's approval, approved only once all three agree. */
  to: BidState
  stage: Stage
  reasonRequired: boolean
}

function stepOf(facts: BidFacts, action: BidAction): Step | null {
  const { state } = facts
  if (action === 'withdraw')
    return FINAL_STATES.includes(state) ? null : { to: 'withdrawn', stage: 'applicant', reasonRequired: false }
  switch (state) {
    case 'draft':
    case 'returned':
      return action === 'submit' ? { to: 'submitted', stage: 'applicant', reasonRequired: false } : null
    case 'submitted':
      if (action === 'support') return { to: 'supported', stage: 'delivery_group', reasonRequired: false }
      if (action === 'return') return { to: 'returned', stage: 'delivery_group', reasonRequired: true }
      if (action === 'reject') return { to: 'rejected', stage: 'delivery_group', reasonRequired: true }
      return null
    case 'supported': {
      const route = routeFor(facts.amountPence, facts.thresholdPence)
      if (action === 'approve') return { to: 'approved', stage: route, reasonRequired: false }
      if (action === 'reject')
        return { to: route === 'officers' ? 'referred' : 'rejected', stage: route, reasonRequired: true }
      return null
    }
    case 'referred':
      if (action === 'approve') return { to: 'approved', stage: 'performance_group', reasonRequired: false }
      if (action === 'reject') return { to: 'rejected', stage: 'performance_group', reasonRequired: true }
      return null
    default:
      return null
  }
}

export const allowedActions = (facts: BidFacts): BidAction[] => BID_ACTIONS.filter((a) => stepOf(facts, a) !== null)

/** The step an action takes from the bid's state, or a 409 naming the state and what it allows. */
export function stepFor(facts: BidFacts, action: BidAction, reason: string | null): Step {
  const step = stepOf(facts, action)
  if (step === null) {
    const allowed = allowedActions(facts)
    throw new DomainError(
      'BID.TRANSITION',
      'conflict',
      `A ${facts.state} bid cannot be ${PAST[action]}; ${allowed.length === 0 ? 'its decision is final' : `it can be ${allowed.map((a) => PAST[a]).join(', ')}`}.`,
      [{ field: 'state', message: `${facts.state}; allowed: ${allowed.join(', ') || 'none'}` }],
      { facts: { allowed } },
    )
  }
  if (step.reasonRequired && (reason === null || reason.trim() === ''))
    throw new DomainError('BID.REASON', 'unprocessable', `A reason is required to ${action} a bid.`, [
      { field: 'body.reason', message: 'is required' },
    ])
  return step
}

/**
 * The day a step was taken: a meeting's decision is often minuted days later, so the step says its day.
 * It has happened (not after today) and follows the bid's previous step (never dated before it).
 */
export function requireDecisionDay(day: string, previous: string | null, today: string): void {
  requireDone(day, today, 'body.decidedOn', 'A decision')
  if (previous !== null && day < previous)
    throw new DomainError(
      'DATE.RANGE',
      'unprocessable',
      `The bid's previous step was taken on ${previous}: a later step cannot be dated before it.`,
      [{ field: 'body.decidedOn', message: `must be from ${previous} to ${today}` }],
    )
}

const PAST: Record<BidAction, string> = {
  submit: 'submitted',
  support: 'supported',
  return: 'returned for revision',
  reject: 'rejected',
  approve: 'approved',
  withdraw: 'withdrawn',
}
