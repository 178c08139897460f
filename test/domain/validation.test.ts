import t from 'tap'
import { checkRule, describe, type Expression, type RuleOp, type Term } from '../../src/domain/validation.js'

const same = (indicatorId: string): Term => ({ indicatorId, area: 'same' })
const parent = (indicatorId: string): Term => ({ indicatorId, area: 'parent' })
const sumOf = (...terms: Term[]): Expression => ({ terms, constant: 0 })
const figures =
  (values: Record<string, number | null>) =>
  (term: Term): number | null =>
    values[`${term.area}:${term.indicatorId}`] ?? null

t.test('NI 33(i) + NI 33(ii) = NI 33: a sum against a total', async (t) => {
  const rule = {
    name: 'Arson adds up',
    left: sumOf(same('33i'), same('33ii')),
    op: '=' as const,
    right: sumOf(same('33')),
  }
  t.match(checkRule(rule, figures({ 'same:33i': 12, 'same:33ii': 4, 'same:33': 16 })), {
    outcome: 'holds',
    left: 16,
    right: 16,
  })
  const broken = checkRule(rule, figures({ 'same:33i': 12, 'same:33ii': 4, 'same:33': 15 }))
  t.match(broken, { outcome: 'violated', left: 16, right: 15 })
  t.equal(describe(rule, broken), 'Arson adds up: 16 = 15 is broken')
  t.match(
    checkRule(rule, figures({ 'same:33i': 0.1, 'same:33ii': 0.2, 'same:33': 0.3 })),
    { outcome: 'holds' },
    'decimals add up as decimals',
  )
})

t.test('a rule with a missing figure is not evaluable, not violated', async (t) => {
  const rule = {
    name: 'Arson adds up',
    left: sumOf(same('33i'), same('33ii')),
    op: '=' as const,
    right: sumOf(same('33')),
  }
  const result = checkRule(rule, figures({ 'same:33i': 12, 'same:33': 16 }))
  t.match(result, { outcome: 'not_evaluable', left: null, right: 16, missing: [{ indicatorId: '33ii' }] })
  t.match(describe(rule, result), /not evaluable \(1 figure\(s\) missing\)/)
})

t.test('every operator, on both sides of the line', async (t) => {
  const at = (op: RuleOp, left: number, right: number) =>
    checkRule({ left: sumOf(same('a')), op, right: sumOf(same('b')) }, figures({ 'same:a': left, 'same:b': right }))
      .outcome
  const cases: Array<[RuleOp, number, number, 'holds' | 'violated']> = [
    ['=', 5, 5, 'holds'],
    ['=', 5, 6, 'violated'],
    ['<=', 5, 5, 'holds'],
    ['<=', 6, 5, 'violated'],
    ['>=', 5, 5, 'holds'],
    ['>=', 4, 5, 'violated'],
    ['<', 4, 5, 'holds'],
    ['<', 5, 5, 'violated'],
    ['>', 6, 5, 'holds'],
    ['>', 5, 5, 'violated'],
  ]
  for (const [op, left, right, expected] of cases) t.equal(at(op, left, right), expected, `${left} ${op} ${right}`)
})

t.test('a constant side, and an area against its parent', async (t) => {
  // Repeat MARAC cases <= MARAC cases; and a rate cannot pass 100.
  const repeats = { left: sumOf(same('rpt')), op: '<=' as const, right: sumOf(same('cases')) }
  t.match(checkRule(repeats, figures({ 'same:rpt': 88, 'same:cases': 221 })), { outcome: 'holds' })
  t.match(checkRule(repeats, figures({ 'same:rpt': 231, 'same:cases': 221 })), { outcome: 'violated' })
  const capped = { left: sumOf(same('pct')), op: '<=' as const, right: { terms: [], constant: 100 } }
  t.match(checkRule(capped, figures({ 'same:pct': 101 })), { outcome: 'violated', right: 100 })
  const withinParent = { left: sumOf(same('ni20')), op: '<=' as const, right: sumOf(parent('ni20')) }
  t.match(checkRule(withinParent, figures({ 'same:ni20': 31, 'parent:ni20': 95 })), { outcome: 'holds' })
  t.match(checkRule(withinParent, figures({ 'same:ni20': 310, 'parent:ni20': 95 })), { outcome: 'violated' })
  t.match(checkRule(withinParent, figures({ 'same:ni20': 31 })), { outcome: 'not_evaluable' }, 'no parent figure')
})
