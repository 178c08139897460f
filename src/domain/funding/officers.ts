import type { Office } from '../actions/context.js'

/** Seed 002: a bid at or under the threshold is approved by the designated officer, the chair and the vice chair. */
export const DECIDING_OFFICES: readonly Office[] = ['designated_officer', 'chair', 'vice_chair']

export interface OfficerApproval {
  subject: string
  /** The deciding offices the person held when they approved. */
  offices: readonly Office[]
}

/**
 * Whether the approvals given cover the three offices with three different people: each office is matched
 * to a distinct approver who held it, so one person holding two offices counts once.
 */
export function officersAgree(approvals: readonly OfficerApproval[]): boolean {
  const people = [...new Map(approvals.map((a) => [a.subject, a.offices])).values()]
  const assign = (office: number, used: ReadonlySet<number>): boolean =>
    office === DECIDING_OFFICES.length ||
    people.some(
      (offices, i) =>
        !used.has(i) && offices.includes(DECIDING_OFFICES[office]!) && assign(office + 1, new Set([...used, i])),
    )
  return assign(0, new Set())
}
