import { DomainError } from '../errors.js'
import { pounds } from '../money.js'

/** What a stream or an allocation holds and what is drawn on it, in pence. */
export interface Ledger {
  amountPence: number
  /** Approved bids. */
  committedPence: number
  /** Payments recorded against approved bids. */
  spentPence: number
  /** Not yet committed. */
  remainingPence: number
}

export const ledger = (amountPence: number, committedPence: number, spentPence: number): Ledger => ({
  amountPence,
  committedPence,
  spentPence,
  remainingPence: amountPence - committedPence,
})

/**
 * A sum drawn on a limit (allocations on a stream's total, approved bids on an allocation, payments on a
 * bid) never passes it: refused with what remains.
 */
export function requireWithin(
  limit: { pence: number; what: string },
  drawnPence: number,
  wantedPence: number,
  problem: { code: string; field: string },
): void {
  if (drawnPence + wantedPence <= limit.pence) return
  const remaining = limit.pence - drawnPence
  throw new DomainError(
    problem.code,
    'conflict',
    `${pounds(wantedPence)} would take ${limit.what} past its ${pounds(limit.pence)}: ${pounds(Math.max(remaining, 0))} remains.`,
    [{ field: problem.field, message: `at most ${remaining} pence remains` }],
    { facts: { remainingPence: Math.max(remaining, 0) } },
  )
}
