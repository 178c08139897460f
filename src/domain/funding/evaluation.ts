/**
 * Seed 002: evaluation of a funded project is mandatory, and failing to evaluate endangers future funding.
 * An approved bid whose evaluation was due before the as-of date and had none recorded by then is overdue.
 */
export function evaluationOverdue(
  bid: { state: string; evaluationDueOn: string | null; firstEvaluatedOn: string | null },
  asOf: string,
): boolean {
  return (
    bid.state === 'approved' &&
    bid.evaluationDueOn !== null &&
    bid.evaluationDueOn < asOf &&
    (bid.firstEvaluatedOn === null || bid.firstEvaluatedOn > asOf)
  )
}
