/**
 * Validation rules between figures of the same area and period (issue 26, as DHIS2 has them):
 * `left op right`, each side a sum of indicators' figures and a constant. A term takes its figure from
 * the area the rule is checked at, or from that area's parent (an area's figure <= its parent's). NI 33(i)
 * + NI 33(ii) = NI 33; repeat MARAC cases <= MARAC cases. A rule one of whose figures is missing is not
 * evaluable: it is neither kept nor broken.
 */

export const RULE_OPS = ['=', '<=', '>=', '<', '>'] as const
export type RuleOp = (typeof RULE_OPS)[number]
export const RULE_SEVERITIES = ['warning', 'error'] as const
export type RuleSeverity = (typeof RULE_SEVERITIES)[number]

export interface Term {
  indicatorId: string
  /** same: the area the rule is checked at; parent: that area's parent. */
  area: 'same' | 'parent'
}

export interface Expression {
  terms: Term[]
  constant: number
}

export interface RuleShape {
  left: Expression
  op: RuleOp
  right: Expression
}

export type Outcome = 'holds' | 'violated' | 'not_evaluable'

export interface RuleResult {
  outcome: Outcome
  left: number | null
  right: number | null
  /** The terms with no figure (not evaluable). */
  missing: Term[]
}

/** Sums of decimals compared as decimals would be: equal within a part in 10^9 (figures carry 6 places). */
const EPSILON = 1e-9

function sum(expression: Expression, figure: (term: Term) => number | null, missing: Term[]): number | null {
  let total = expression.constant
  for (const term of expression.terms) {
    const value = figure(term)
    if (value === null) missing.push(term)
    else total += value
  }
  return missing.length > 0 ? null : total
}

function compare(left: number, op: RuleOp, right: number): boolean {
  const tolerance = EPSILON * Math.max(1, Math.abs(left), Math.abs(right))
  const difference = left - right
  switch (op) {
    case '=':
      return Math.abs(difference) <= tolerance
    case '<=':
      return difference <= tolerance
    case '>=':
      return difference >= -tolerance
    case '<':
      return difference < -tolerance
    case '>':
      return difference > tolerance
  }
}

/** Checks a rule at one area and period, given each term's figure there (null: no figure). */
export function checkRule(rule: RuleShape, figure: (term: Term) => number | null): RuleResult {
  const missingLeft: Term[] = []
  const missingRight: Term[] = []
  const left = sum(rule.left, figure, missingLeft)
  const right = sum(rule.right, figure, missingRight)
  const missing = [...missingLeft, ...missingRight]
  if (left === null || right === null) return { outcome: 'not_evaluable', left, right, missing }
  return { outcome: compare(left, rule.op, right) ? 'holds' : 'violated', left, right, missing }
}

/** Every term of a rule, both sides. */
export const termsOf = (rule: RuleShape): Term[] => [...rule.left.terms, ...rule.right.terms]

/** Words for a result, for answers and CSV: "12 + 3 = 16 is false". */
export function describe(rule: RuleShape & { name: string }, result: RuleResult): string {
  if (result.outcome === 'not_evaluable')
    return `${rule.name}: not evaluable (${result.missing.length} figure(s) missing)`
  const verdict = result.outcome === 'holds' ? 'holds' : 'is broken'
  return `${rule.name}: ${result.left} ${rule.op} ${result.right} ${verdict}`
}
