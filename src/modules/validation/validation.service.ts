import type { Db } from '../../db/client.js'
import { DomainError } from '../../domain/errors.js'
import { checkRule, describe, termsOf, type Outcome, type Term } from '../../domain/validation.js'
import { createResourceService } from '../resource/resource.service.js'
import {
  areaParents,
  figuresAt,
  figuresBetween,
  rulesInForce,
  validationRuleSpec,
  type FigureKey,
  type StoredRule,
} from './validation.repository.js'

/** The rules in force, and whether a broken error refuses (the partnership's strictValidation). */
export interface RulesInForce {
  rules: StoredRule[]
  strict: boolean
}
export { rulesInForce }

export interface RuleCheck {
  ruleId: string
  name: string
  severity: 'warning' | 'error'
  message: string | null
  areaId: string
  period: string
  outcome: Outcome
  left: number | null
  right: number | null
  description: string
}

const keyOf = (k: FigureKey) => `${k.indicatorId}|${k.areaId}|${k.period}`

/**
 * Checks the rules touched by some figures, at every area and period those figures bear on: a figure of
 * a `same` term at its own area, of a `parent` term at each of its area's children. `sent` are figures not
 * stored yet (a write being checked), which stand in for the stored ones.
 */
async function checkAround(
  db: Db,
  partnershipId: string,
  rules: readonly StoredRule[],
  touched: readonly FigureKey[],
  sent: ReadonlyMap<string, number> = new Map(),
): Promise<RuleCheck[]> {
  if (rules.length === 0 || touched.length === 0) return []
  const areas = await areaParents(db, partnershipId)
  const parentOf = new Map(areas.map((a) => [a.id, a.parentId]))
  const childrenOf = new Map<string, string[]>()
  for (const a of areas)
    if (a.parentId !== null) childrenOf.set(a.parentId, [...(childrenOf.get(a.parentId) ?? []), a.id])
  const points: Array<{ rule: StoredRule; areaId: string; period: string }> = []
  for (const rule of rules) {
    const seen = new Set<string>()
    for (const figure of touched)
      for (const term of termsOf({ left: rule.leftSide, op: rule.op, right: rule.rightSide })) {
        if (term.indicatorId !== figure.indicatorId) continue
        for (const areaId of term.area === 'same' ? [figure.areaId] : (childrenOf.get(figure.areaId) ?? [])) {
          const point = `${areaId}|${figure.period}`
          if (seen.has(point)) continue
          seen.add(point)
          points.push({ rule, areaId, period: figure.period })
        }
      }
  }
  const where = (term: Term, areaId: string) => (term.area === 'same' ? areaId : (parentOf.get(areaId) ?? null))
  const needed: FigureKey[] = []
  for (const { rule, areaId, period } of points)
    for (const term of termsOf({ left: rule.leftSide, op: rule.op, right: rule.rightSide })) {
      const at = where(term, areaId)
      if (at !== null && !sent.has(keyOf({ indicatorId: term.indicatorId, areaId: at, period })))
        needed.push({ indicatorId: term.indicatorId, areaId: at, period })
    }
  const stored = await figuresAt(db, partnershipId, needed)
  return points.map(({ rule, areaId, period }) => {
    const shape = { name: rule.name, left: rule.leftSide, op: rule.op, right: rule.rightSide }
    const result = checkRule(shape, (term) => {
      const at = where(term, areaId)
      if (at === null) return null
      const key = keyOf({ indicatorId: term.indicatorId, areaId: at, period })
      return sent.get(key) ?? stored.get(key) ?? null
    })
    return {
      ruleId: rule.id,
      name: rule.name,
      severity: rule.severity,
      message: rule.message,
      areaId,
      period,
      outcome: result.outcome,
      left: result.left,
      right: result.right,
      description: describe(shape, result),
    }
  })
}

/** A broken rule as a write's answer tells it, with the rows of the write whose figures it rests on. */
export interface Violation extends RuleCheck {
  rows: number[]
  /** Refused: a broken error in strict mode. */
  refused: boolean
}

/**
 * The rules a write's figures break, checked before they are stored, against the write's own figures
 * and the stored ones. In strict mode a broken error refuses the rows it rests on.
 */
export async function violationsOf(
  db: Db,
  partnershipId: string,
  { rules, strict }: RulesInForce,
  written: ReadonlyArray<FigureKey & { row: number; value: number }>,
): Promise<Violation[]> {
  if (rules.length === 0) return []
  const sent = new Map(written.map((w) => [keyOf(w), w.value]))
  const checks = await checkAround(db, partnershipId, rules, written, sent)
  const broken = checks.filter((c) => c.outcome === 'violated')
  if (broken.length === 0) return []
  const byRule = new Map(rules.map((r) => [r.id, r]))
  return broken.map((c) => {
    const rule = byRule.get(c.ruleId)!
    const ids = new Set(termsOf({ left: rule.leftSide, op: rule.op, right: rule.rightSide }).map((t) => t.indicatorId))
    const rows = written.filter((w) => w.period === c.period && ids.has(w.indicatorId)).map((w) => w.row)
    return { ...c, rows, refused: strict && c.severity === 'error' }
  })
}

export function createValidationService(db: Db) {
  const rules = createResourceService(db, validationRuleSpec, {
    async beforeWrite(trx, scope, values, existing) {
      // Every indicator a rule names is one of this partnership's: another's reads as absent.
      const sides = {
        leftSide: values.leftSide ?? existing?.leftSide,
        rightSide: values.rightSide ?? existing?.rightSide,
      }
      const named = Object.entries(sides).flatMap(([side, expression]) =>
        (expression as { terms: Term[] }).terms.map((term, i) => ({
          field: `body.${side}.terms.${i}.indicatorId`,
          id: term.indicatorId,
        })),
      )
      if (named.length > 0) {
        const found = await trx
          .selectFrom('indicator')
          .select('id')
          .where('partnershipId', '=', scope.partnershipId)
          .where('id', 'in', [...new Set(named.map((n) => n.id))])
          .execute()
        const known = new Set(found.map((f) => f.id))
        const unknown = named.filter((n) => !known.has(n.id))
        if (unknown.length > 0)
          throw new DomainError(
            'RULE.INDICATOR',
            'unprocessable',
            'A rule names an indicator this partnership does not have.',
            unknown.map(({ field }) => ({ field, message: 'names no indicator of this partnership' })),
          )
      }
      return values
    },
  })
  return {
    rules,
    /** Every rule at every area and period its figures have in a window: what holds, what is broken, what cannot be told. */
    async check(partnershipId: string, window: { from: string; to: string; areaId?: string }) {
      const inForce = await rulesInForce(db, partnershipId)
      const indicatorIds = [
        ...new Set(
          inForce.flatMap((r) => termsOf({ left: r.leftSide, op: r.op, right: r.rightSide }).map((t) => t.indicatorId)),
        ),
      ]
      const figures = await figuresBetween(db, partnershipId, indicatorIds, window.from, window.to)
      const checks = await checkAround(db, partnershipId, inForce, figures)
      return checks
        .filter((c) => window.areaId === undefined || c.areaId === window.areaId)
        .sort(
          (a, b) =>
            a.name.localeCompare(b.name) || a.period.localeCompare(b.period) || a.areaId.localeCompare(b.areaId),
        )
    },
  }
}
