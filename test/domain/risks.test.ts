import t from 'tap'
import {
  bandOf,
  checkFits,
  checkScale,
  DEFAULT_SCALE,
  heatmap,
  movement,
  reviewDueOn,
  riskFlags,
  type AssessmentFacts,
  type Heatmap,
} from '../../src/domain/risks/index.js'
import { riskRounds, risks } from '../../src/modules/demo/east-lincolnshire-risks.js'

/** Seed 000's rounds as the engine reads them. */
const facts: AssessmentFacts[] = riskRounds.flatMap((round, r) =>
  risks.map((risk, i) => {
    const [il, ii] = round.inherent[risk.reference]!
    const [cl, ci] = round.current[risk.reference]!
    return {
      riskId: risk.reference,
      reference: risk.reference,
      assessedOn: round.assessedOn,
      order: r * 100 + i,
      inherent: { likelihood: il, impact: ii },
      current: { likelihood: cl, impact: ci },
      target: null,
    }
  }),
)

/** A heat map as seed 000 prints it: a row per likelihood from 4 down, a cell per impact from 1 up. */
const printed = (map: Heatmap) =>
  [4, 3, 2, 1].map((l) =>
    [1, 2, 3, 4]
      .map((i) =>
        map.cells
          .find((c) => c.likelihood === l && c.impact === i)!
          .references.map((r) => r.replace('CSP', ''))
          .join(','),
      )
      .join(' | '),
  )

t.test("seed 000's three matrices come out cell by cell", async (t) => {
  t.same(
    printed(heatmap(facts, '2010-06-30', 'inherent', DEFAULT_SCALE)),
    [' |  |  | ', '5 |  | 2,8,9,10 | 1', ' | 3,7 | 4,6 | ', ' |  |  | '],
    'matrix 1: inherent exposure',
  )
  t.same(
    printed(heatmap(facts, '2010-05-31', 'current', DEFAULT_SCALE)),
    [' |  |  | ', ' |  |  | ', ' |  | 2,8,9,10 | 1', '5 | 3,6,7 | 4 | '],
    'matrix 2: current exposure',
  )
  t.same(
    printed(heatmap(facts, '2010-06-30', 'current', DEFAULT_SCALE)),
    [' |  |  | ', ' |  |  | ', ' | 2 | 8,9,10 | 1', '3,5 | 6,7 | 4 | '],
    'matrix 3: current exposure',
  )
  t.same(
    printed(heatmap(facts, '2010-04-29', 'current', DEFAULT_SCALE)),
    [' |  |  | ', ' |  |  | ', ' |  |  | ', ' |  |  | '],
    'nothing before the first round',
  )
  const cell = heatmap(facts, '2010-06-30', 'inherent', DEFAULT_SCALE).cells.find(
    (c) => c.likelihood === 3 && c.impact === 4,
  )
  t.match(cell, { score: 12, band: 'very_high', references: ['CSP1'] }, 'risk 1 inherent: 3 x 4 = 12, very high')
})

t.test('movement between rounds: which risks moved cell, and which way', async (t) => {
  const moved = movement(facts, '2010-05-31', '2010-06-30', 'current').filter((m) => m.direction !== 'none')
  t.same(
    moved.map((m) => [m.reference, m.from?.score, m.to?.score, m.direction]),
    [
      ['CSP2', 6, 4, 'down'],
      ['CSP3', 2, 1, 'down'],
    ],
    'between matrices 2 and 3 only risks 2 and 3 moved, both down',
  )
  const first = movement(facts, '2010-04-30', '2010-05-31', 'current')
  t.equal(first.filter((m) => m.direction === 'down').length, 10, 'every risk came down once controls were counted')
  t.same(
    movement(facts, '2010-01-01', '2010-04-30', 'current').map((m) => m.direction),
    Array(10).fill('new'),
    'new on the first round',
  )
  const sideways = movement(
    [
      { ...facts[0]!, assessedOn: '2011-01-01', current: { likelihood: 2, impact: 3 } },
      { ...facts[0]!, assessedOn: '2011-02-01', order: 999, current: { likelihood: 3, impact: 2 } },
    ],
    '2011-01-15',
    '2011-02-15',
    'current',
  )
  t.equal(sideways[0]!.direction, 'sideways', 'a move across cells of one score is sideways')
})

t.test('flags: review due and overdue, a rising score, above appetite, no treating action', async (t) => {
  const of = (reference: string) => facts.filter((f) => f.reference === reference)
  const ctx = {
    open: true,
    createdOn: '2010-04-01',
    reviewIntervalMonths: 6,
    treatingActions: 1,
    assessments: of('CSP1'),
    asOf: '2010-12-01',
  }
  t.equal(reviewDueOn(ctx), '2010-12-30', 'six months after the latest assessment')
  t.same(riskFlags(ctx, DEFAULT_SCALE), [{ flag: 'review_due', reason: 'review due by 2010-12-30' }])
  t.same(
    riskFlags({ ...ctx, asOf: '2010-12-31' }, DEFAULT_SCALE).map((f) => f.flag),
    ['review_overdue'],
    'overdue the day after',
  )
  t.same(riskFlags({ ...ctx, asOf: '2010-10-01' }, DEFAULT_SCALE), [], 'nothing to say mid-interval')
  const rising = [
    ...of('CSP2'),
    { ...of('CSP2')[2]!, assessedOn: '2010-09-30', order: 999, current: { likelihood: 3, impact: 3 } },
  ]
  t.same(riskFlags({ ...ctx, assessments: rising, asOf: '2010-10-01', treatingActions: 0 }, DEFAULT_SCALE), [
    { flag: 'score_rising', reason: 'current score rose from 4 (2010-06-30) to 9 (2010-09-30)' },
    { flag: 'above_appetite', reason: 'current score 9 is above the appetite of 8' },
    { flag: 'no_treating_action', reason: 'no action treats it' },
  ])
  t.same(riskFlags({ ...ctx, open: false, treatingActions: 0, asOf: '2012-01-01' }, DEFAULT_SCALE), [], 'closed: none')
  t.match(
    riskFlags({ ...ctx, assessments: [], asOf: '2010-11-01' }, DEFAULT_SCALE),
    [{ flag: 'review_overdue', reason: 'review was due by 2010-10-01' }],
    'never assessed: due six months after it was recorded',
  )
})

t.test('scales: bands, consistency, and a change that open risks do not fit', async (t) => {
  t.same(
    [1, 3, 4, 6, 8, 9, 12, 16].map((s) => bandOf(s, DEFAULT_SCALE)),
    ['low', 'low', 'medium', 'medium', 'high', 'high', 'very_high', 'very_high'],
  )
  t.doesNotThrow(() => checkScale({ ...DEFAULT_SCALE, likelihoodLevels: 5, impactLevels: 5, veryHighFrom: 20 }))
  t.throws(() => checkScale({ ...DEFAULT_SCALE, likelihoodLabels: ['low', 'high'] }), { code: 'RISK.SCALE' })
  t.throws(() => checkScale({ ...DEFAULT_SCALE, mediumFrom: 9, highFrom: 8 }), { code: 'RISK.SCALE' })
  t.throws(() => checkScale({ ...DEFAULT_SCALE, likelihoodLevels: 3, impactLevels: 3 }), {
    code: 'RISK.SCALE',
    message: /largest score on this scale is 9/,
  })
  const open = [
    { reference: 'CSP1', assessedOn: '2010-06-30', likelihoods: [3, 2], impacts: [4, 4] },
    { reference: 'CSP5', assessedOn: '2010-06-30', likelihoods: [3, 1], impacts: [1, 1] },
  ]
  t.throws(() => checkFits({ ...DEFAULT_SCALE, impactLevels: 3, veryHighFrom: 9 }, open), {
    code: 'RISK.SCALE_IN_USE',
    message: /open risks CSP1 \(2010-06-30\): an earlier one becomes current again/,
  })
  t.doesNotThrow(() => checkFits({ ...DEFAULT_SCALE, likelihoodLevels: 5, impactLevels: 5 }, open), 'growing fits')
})
