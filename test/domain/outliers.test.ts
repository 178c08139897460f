import t from 'tap'
import {
  expectedFigure,
  judgeFigure,
  poissonLower,
  poissonUpper,
  type HistoryPoint,
} from '../../src/domain/outliers.js'

/** Months from year 0, as periods.ts counts them. */
const month = (year: number, m: number) => year * 12 + m - 1
/** Monthly counts ending the month before `to`, oldest first. */
const counts = (to: number, values: number[]): HistoryPoint[] =>
  values.map((value, i) => ({ month: to - values.length + i, value, numerator: null, denominator: null }))
const rules = (found: ReturnType<typeof judgeFigure>) => found.map((f) => f.rule)

t.test('Poisson tails, against sums of the mass function done by hand (Python, math.lgamma)', async (t) => {
  const close = (a: number, b: number, what: string) => t.ok(Math.abs(a - b) <= 1e-9 * b, `${what}: ${a} ~ ${b}`)
  close(poissonUpper(14, 9), 0.07385076930791001, 'P(X >= 14 | 9)')
  close(poissonUpper(15, 5), 0.0002262536761772349, 'P(X >= 15 | 5)')
  close(poissonUpper(12, 5), 0.005453091913009911, 'P(X >= 12 | 5)')
  close(poissonUpper(400, 335), 0.0003040491458385919, 'P(X >= 400 | 335)')
  close(poissonLower(0, 7), 0.0009118819655545162, 'P(X <= 0 | 7)')
  close(poissonLower(0, 335), 3.2460003506922445e-146, 'P(X <= 0 | 335)')
  t.equal(poissonUpper(0, 4), 1, 'every count is 0 or more')
})

t.test('the expected count: last year moved by the level, the mean of the two, or the one there is', async (t) => {
  const oct = month(2010, 10)
  // A December peak: last December 500 on a level of 300, this autumn's level 330.
  const history = counts(
    month(2010, 12),
    [290, 300, 310, 290, 500, 300, 305, 295, 300, 310, 300, 290, 300, 330, 340, 330],
  ).map((p): [number, number] => [p.month, p.value])
  t.equal(expectedFigure(history, month(2010, 12)), (500 * 330) / 300, 'S x L / L’ = 500 x 330 / 300 = 550')
  t.equal(
    expectedFigure(
      [
        [oct - 12, 9],
        [oct - 1, 9],
      ],
      oct,
    ),
    9,
    'small levels: (S + L) / 2',
  )
  t.equal(expectedFigure([[oct - 1, 335]], oct), 335, 'a history of one figure: that figure')
  t.equal(expectedFigure([], oct), null, 'no history: nothing to expect')
})

t.test('the 3,400 typo for LOCAL ASB Boston, and the 344 it replaced', async (t) => {
  const history = counts(
    month(2010, 9),
    [
      318, 341, 352, 330, 327, 345, 336, 329, 350, 338, 331, 340, 325, 333, 347, 339, 335, 342, 330, 336, 328, 345, 337,
      334,
    ],
  )
  const typo = judgeFigure('count', { month: month(2010, 9), value: 3400, numerator: null, denominator: null }, history)
  t.same(rules(typo), ['poisson_tail', 'above_previous_max'])
  t.match(
    typo[0],
    { figure: 'value', sent: 3400, expected: 324.04, low: 270, high: 381 },
    'E = S x L / L’ = 325 (September 2009) x 337 / 338; the range by summing the mass function (Python)',
  )
  t.match(typo[1], { high: 1056, score: 9.66 }, 'more than 3 x the largest earlier figure (352)')
  t.same(judgeFigure('count', { month: month(2010, 9), value: 344, numerator: null, denominator: null }, history), [])
})

t.test(
  'small counts are judged as counts: 14 against 9 is not an outlier, a flat history of 5 tops out at 13',
  async (t) => {
    const nines = counts(month(2010, 9), Array(12).fill(9))
    t.same(judgeFigure('count', { month: month(2010, 9), value: 14, numerator: null, denominator: null }, nines), [])
    const fives = counts(month(2010, 9), Array(12).fill(5))
    const at = (value: number) =>
      judgeFigure('count', { month: month(2010, 9), value, numerator: null, denominator: null }, fives)
    t.same(at(13), [], 'P(X >= 13 | 5) = 0.0020')
    t.match(at(14), [{ rule: 'poisson_tail', expected: 5, low: 0, high: 13 }], 'P(X >= 14 | 5) = 0.0007')
    t.same(rules(at(16)), ['poisson_tail', 'above_previous_max'], '16 > 3 x 5')
    t.same(
      rules(at(0)),
      ['unexpected_zero'],
      'a zero against twelve 5s: P(X <= 0 | 5) = 0.0067 passes, the zero rule does not',
    )
  },
)

t.test('a zero where the history has none; a run of zeros does not make one incident impossible', async (t) => {
  const figure = (value: number) => ({ month: month(2010, 9), value, numerator: null, denominator: null })
  const busy = counts(month(2010, 9), [335, 340, 331, 338, 329, 342, 336, 333, 341, 330, 337, 334])
  t.same(rules(judgeFigure('count', figure(0), busy)), ['poisson_tail', 'unexpected_zero'])
  const small = counts(month(2010, 9), [1, 2, 1])
  t.same(judgeFigure('count', figure(0), small), [], 'E 1')
  const zeros = counts(month(2010, 9), Array(12).fill(0))
  t.same(judgeFigure('count', figure(1), zeros), [], 'one arson after a year of none')
  t.same(rules(judgeFigure('count', figure(5), zeros)), ['poisson_tail'], 'five: P(X >= 5 | 0.5) = 0.00017')
})

t.test(
  'in a figure’s first year (no same period a year earlier) the tail waits: a season is not an outlier',
  async (t) => {
    const spring = counts(month(2009, 7), [300, 310, 305])
    const july = (value: number) =>
      judgeFigure('count', { month: month(2009, 7), value, numerator: null, denominator: null }, spring)
    t.same(july(420), [], 'a summer rise against the spring’s level')
    t.same(rules(july(0)), ['unexpected_zero'])
    t.same(rules(july(3400)), ['above_previous_max'], 'the typo is still caught: more than 3 x 310')
  },
)

t.test('a seasonal month is expected to be seasonal', async (t) => {
  const history = counts(
    month(2010, 12),
    [290, 300, 310, 290, 500, 300, 305, 295, 300, 310, 300, 290, 300, 330, 340, 330],
  )
  const december = (value: number) =>
    judgeFigure('count', { month: month(2010, 12), value, numerator: null, denominator: null }, history)
  t.same(december(560), [], '560 against 550 expected (the mean of last December and the level, 415, would query it)')
  t.match(december(700), [{ rule: 'poisson_tail', expected: 550 }])
})

t.test(
  'a ratio: numerator and denominator as counts, the rate by a modified z-score over 12 or more figures',
  async (t) => {
    const cases = [167, 170, 172, 165, 168, 171, 169, 166, 173, 170, 168, 167]
    const repeats = [79, 75, 82, 77, 80, 76, 81, 78, 74, 83, 79, 77]
    const history = cases.map((d, i) => ({
      month: month(2009, 4) + i,
      value: (100 * repeats[i]!) / d,
      numerator: repeats[i]!,
      denominator: d,
    }))
    const next = month(2010, 4)
    const typo = judgeFigure(
      'rate',
      { month: next, value: (100 * 79) / 1670, numerator: 79, denominator: 1670 },
      history,
    )
    t.same(rules(typo), ['poisson_tail', 'rate_outlier'], 'a denominator typed with a digit too many')
    t.equal(typo[0]!.figure, 'denominator')
    t.ok(typo[1]!.score! < -3.5, 'far below the median rate')
    t.same(judgeFigure('rate', { month: next, value: (100 * 80) / 169, numerator: 80, denominator: 169 }, history), [])
    const short = history.slice(0, 11).map((p) => ({ ...p, numerator: null, denominator: null }))
    t.same(
      judgeFigure('rate', { month: next, value: 20, numerator: null, denominator: null }, short),
      [],
      'no z-score on 11 figures',
    )
  },
)

t.test('the maximum rule takes its multiple from the settings', async (t) => {
  const flat = counts(month(2010, 9), Array(12).fill(100))
  const figure = { month: month(2010, 9), value: 250, numerator: null, denominator: null }
  t.same(rules(judgeFigure('count', figure, flat, { level: 0.001, maxMultiple: 2 })), [
    'poisson_tail',
    'above_previous_max',
  ])
  t.same(rules(judgeFigure('count', figure, flat)), ['poisson_tail'], '250 is under 3 x 100')
})
