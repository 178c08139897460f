import t from 'tap'
import {
  createEvaluator,
  dueDate,
  rollUp,
  type EvalIndicator,
  type EvalMeasurement,
  type EvalTarget,
} from '../../src/domain/evaluation/index.js'
import { parsePeriod } from '../../src/domain/periods.js'

const count: EvalIndicator = {
  unit: 'count',
  polarity: 'lower_better',
  frequency: 'monthly',
  aggregation: 'sum',
  ratePer: null,
  decimalPlaces: 0,
  defaultTolerancePercent: '5',
  dataLagDays: 0,
}
const percentage: EvalIndicator = { ...count, unit: 'percentage', aggregation: 'ratio_of_sums', decimalPlaces: 1 }
const target = (period: string, value: string | null, extra: Partial<EvalTarget> = {}): EvalTarget => ({
  period,
  status: value === null ? 'tbc' : 'set',
  baselineValue: null,
  targetValue: value,
  tolerancePercent: null,
  profile: null,
  ...extra,
})
/** Monthly values from a first month on: months('2009-01', [9, 4]) */
function months(first: string, values: Array<number | null>, extra: Partial<EvalMeasurement> = {}): EvalMeasurement[] {
  const start = parsePeriod(first).firstMonth
  return values.flatMap((value, i) => {
    if (value === null) return []
    const m = start + i
    return [
      {
        period: `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`,
        value: String(value),
        numerator: null,
        denominator: null,
        status: 'validated',
        ...extra,
      },
    ]
  })
}
const ratios = (first: string, pairs: Array<[number, number]>): EvalMeasurement[] =>
  months(
    first,
    pairs.map(() => 0),
  ).map((m, i) => ({
    ...m,
    numerator: String(pairs[i]![0]),
    denominator: String(pairs[i]![1]),
    value: String((pairs[i]![0] / pairs[i]![1]) * 100),
  }))
const AS_OF = '2030-01-01'

t.test('rule 7 on seed 003 NI 47: a calendar-year cumulative profile in a financial-year partnership', async (t) => {
  const ksiProfile = ['9', '14', '23', '29', '38', '46', '55', '65', '73', '82', '90', '99'].map((value, i) => ({
    period: `2009-${String(i + 1).padStart(2, '0')}`,
    value,
  }))
  const evaluate = createEvaluator(
    count,
    [target('2009', '99', { profile: { cumulative: true, values: ksiProfile } })],
    months('2009-01', [9, 4, 12, 5]),
    4,
  )
  const seen = ['2009-01', '2009-02', '2009-03', '2009-04'].map((p) => evaluate(p, AS_OF))
  t.same(
    seen.map((e) => `${e.comparison.actual} vs ${e.comparison.target} ${e.rag}`),
    ['9 vs 9 green', '13 vs 14 green', '25 vs 23 red', '30 vs 29 amber'],
    'green, green, red, amber',
  )
  t.equal(seen[2]!.comparison.relativeVariancePercent, 8.7, 'March is 8.7% worse')
  t.equal(seen[0]!.targetPeriod, '2009', 'year to date runs from January, the target year, not April')
  t.equal(seen[2]!.target.basis, 'profile_cumulative')
  t.same(
    seen[2]!.flags.map((f) => f.flag),
    ['off_target'],
  )
  t.match(seen[2]!.flags[0], {
    direction: 'bad',
    figures: { actual: 25, target: 23, variance: 2, relativeVariancePercent: 8.7 },
  })
  t.equal(seen[0]!.comparison.judgement, 'on_target')
  t.match(
    seen[3]!.forecast,
    { value: 90, method: 'straight_line', target: 99, misses: false },
    'April: 30 in four months runs at 90 a year',
  )
  t.same(evaluate('2009-Q1', AS_OF).comparison, seen[2]!.comparison, 'a quarter is evaluated at its last month')
})

t.test('rule 5 on seed 003 NI 20: 1,557 against 1,595 is ahead of target by 2.4%', async (t) => {
  const values = [130, 130, 130, 130, 130, 130, 130, 130, 130, 130, 130, 127] // 1,557
  const e = createEvaluator(count, [target('FY2009-10', '1595')], months('2009-04', values), 4)('2010-03', AS_OF)
  t.match(e.comparison, {
    actual: 1557,
    target: 1595,
    variance: -38,
    relativeVariancePercent: -2.4,
    judgement: 'better',
  })
  t.equal(e.rag, 'green')
  t.equal(e.target.basis, 'pro_rata')
  t.same(e.flags, [], 'within tolerance: not exceeding the target either')
  t.match(e.actual, { rolling12: 1557, rolling12Complete: true, ytdPeriods: 12, ytdExpectedPeriods: 12 })
})

t.test('rule 6 on seed 003: the change needed to meet the target, relative to the current figure', async (t) => {
  const twelve = (total: number) =>
    Array.from({ length: 12 }, (_, i) => Math.floor(total / 12) + (i < total % 12 ? 1 : 0))
  const ni16 = createEvaluator(
    count,
    [target('FY2009-10', '4574')],
    months('2008-06', twelve(5295)),
    4,
  )('2009-05', AS_OF)
  t.match(
    ni16.requiredChange,
    { from: 5295, basis: 'rolling12', percent: -13.6, alreadyMet: false },
    'NI 16 at 5,295 needs a 13.6% reduction to reach 4,574',
  )
  const ni33 = createEvaluator(count, [target('FY2009-10', '722')], months('2008-06', twelve(818)), 4)('2009-05', AS_OF)
  t.equal(ni33.requiredChange?.percent, -11.7, 'NI 33 at 818 needs 11.7% to reach 722')
  const ni40Indicator: EvalIndicator = { ...count, polarity: 'higher_better', aggregation: 'latest', dataLagDays: 84 }
  const ni40 = createEvaluator(
    ni40Indicator,
    [target('FY2008-09', '808')],
    months('2009-01', [797]),
    4,
  )('2009-01', AS_OF)
  t.match(
    ni40.requiredChange,
    { from: 797, basis: 'latest', percent: 1.4 },
    'NI 40 at 797 needs an increase of 1.4% to reach 808',
  )
  t.equal(ni40.rag, 'amber', 'the latest value, 797, is 1.4% short of 808: within the 5% tolerance')
})

t.test('rule 3 on seed 003 MARAC: rolling twelve months as a ratio of sums', async (t) => {
  // Twelve months to April 2008 with 79 repeat cases in 167.
  const pairs: Array<[number, number]> = [
    [6, 14],
    [7, 13],
    [6, 14],
    [7, 14],
    [6, 14],
    [7, 14],
    [6, 14],
    [7, 14],
    [6, 14],
    [7, 14],
    [6, 14],
    [8, 14],
  ]
  t.equal(
    pairs.reduce((a, p) => a + p[0], 0),
    79,
  )
  t.equal(
    pairs.reduce((a, p) => a + p[1], 0),
    167,
  )
  const e = createEvaluator(percentage, [], ratios('2007-05', pairs), 4)('2008-04', AS_OF)
  t.equal(e.actual.rolling12, 47.3, '79 / 167 = 47.3%')
  t.equal(e.actual.ytd, 57.1, 'year to date is April alone: 8 / 14')
})

// Seed 003 section 4.5.1 prints April 2008 to February 2009; the rolling totals of 8.3 (208 and 83 at
// April 2009, 221 and 88 at May) leave March 2009 at 20 cases, 10 of them repeats.
const MARAC_MONTHS: Array<[number, number]> = [
  [13, 15], // 2008-04
  [5, 14],
  [9, 14],
  [14, 16],
  [6, 14],
  [5, 14],
  [2, 18],
  [10, 29],
  [6, 31],
  [7, 19],
  [5, 7],
  [10, 20], // 2009-03
  [4, 12], // 2009-04 (seed 003 section 8.3)
  [10, 27], // 2009-05
]
/** Seed 003 section 8.3: the repeat rate's monthly trajectory to 35% by March 2010. */
const MARAC_PROFILE = ['41.4', '40.8', '40.3', '39.7', '39.1', '38.5', '37.9', '37.3', '36.8', '36.2', '35.6', '35.0']
const maracTarget = (judgedOn?: EvalTarget['judgedOn']) =>
  target('FY2009-10', '35.0', {
    ...(judgedOn === undefined ? {} : { judgedOn }),
    profile: {
      cumulative: false,
      values: MARAC_PROFILE.map((value, i) => ({
        period: months(
          '2009-04',
          MARAC_PROFILE.map(() => 0),
        )[i]!.period,
        value,
      })),
    },
  })

t.test('a target judged on the rolling twelve months: seed 003 MARAC at 39.8% for May 2009', async (t) => {
  const evaluate = createEvaluator(percentage, [maracTarget('rolling_12_months')], ratios('2008-04', MARAC_MONTHS), 4)
  const may = evaluate('2009-05', AS_OF)
  t.match(may.comparison, { basis: 'rolling_12_months', actual: 39.8, target: 40.8, judgement: 'better' }, '88 / 221')
  t.equal(may.rag, 'green')
  t.equal(may.target.basis, 'profile', "the trajectory's value for May")
  const april = evaluate('2009-04', AS_OF)
  t.match(april.comparison, { actual: 39.9, target: 41.4 }, '83 / 208 against 41.4%')
  const ytd = createEvaluator(percentage, [maracTarget()], ratios('2008-04', MARAC_MONTHS), 4)('2009-05', AS_OF)
  t.match(ytd.comparison, { basis: 'year_to_date', actual: 35.9, target: 40.8 }, 'judged on the year to date: 14 / 39')
})

t.test('rolling twelve months for counts: the annual target, and grey on a part year', async (t) => {
  const values = [130, 130, 130, 130, 130, 130, 130, 130, 130, 130, 130, 127] // 1,557 to March 2009
  const ni20 = [target('FY2009-10', '1595', { judgedOn: 'rolling_12_months' })]
  const may = createEvaluator(count, ni20, months('2008-06', values), 4)('2009-05', AS_OF)
  t.match(
    may.comparison,
    { basis: 'rolling_12_months', actual: 1557, target: 1595, variance: -38, relativeVariancePercent: -2.4 },
    'seed 003 NI 20: the rolling figure at May 2009 is 2.4% ahead of the March 2010 target',
  )
  t.equal(may.target.basis, 'annual')
  t.equal(may.rag, 'green')
  const short = createEvaluator(count, ni20, months('2008-07', values.slice(1)), 4)('2009-05', AS_OF)
  t.equal(short.rag, 'grey', 'eleven months of twelve are not a year')
  t.match(short.ragReason, /rolling twelve months, of which 11 of 12 periods have a figure/)
  t.equal(short.comparison.actual, null)
})

t.test('a target judged on the period alone: its share of the year, or its profile value', async (t) => {
  const month = createEvaluator(
    count,
    [target('FY2010-11', '1200', { judgedOn: 'period' })],
    months('2010-04', [90, 110]),
    4,
  )
  t.match(month('2010-05', AS_OF).comparison, {
    basis: 'period',
    actual: 110,
    target: 100,
    relativeVariancePercent: 10,
  })
  t.equal(month('2010-05', AS_OF).target.basis, 'per_period')
  t.equal(month('2010-05', AS_OF).rag, 'red', 'May alone is 10% over its 100')
  t.equal(month('2010-04', AS_OF).rag, 'green')
  const cumulative = createEvaluator(
    count,
    [
      target('FY2010-11', '1200', {
        judgedOn: 'period',
        profile: {
          cumulative: true,
          // Sent out of order: the value before June's is still May's.
          values: [
            { period: '2010-05', value: '190' },
            { period: '2010-04', value: '80' },
            { period: '2010-06', value: '300' },
          ],
        },
      }),
    ],
    months('2010-04', [90, 110, 105]),
    4,
  )('2010-06', AS_OF)
  t.match(cumulative.comparison, { actual: 105, target: 110 }, "a cumulative profile's June is 300 less May's 190")
})

t.test('rule 2 on seed 003 test purchases: 24 sales in 85 visits is 28%, not the 41% mean of the rates', async (t) => {
  const visits = [...ratios('2007-02', [[3, 7]]), ...ratios('2007-06', [[17, 71]]), ...ratios('2007-12', [[4, 7]])]
  const e = createEvaluator(
    { ...percentage, decimalPlaces: 0 },
    [target('2007', '25', { tolerancePercent: '10' })],
    visits,
    4,
  )('2007-12', AS_OF)
  t.equal(e.actual.ytd, 28)
  t.equal(Math.round(((3 / 7 + 17 / 71 + 4 / 7) * 100) / 3), 41, 'the mean of the three rates would say 41')
  t.equal(e.target.basis, 'annual', 'a percentage is compared with the annual target itself')
  t.equal(e.rag, 'red', '28 against 25 is 12% worse, beyond a 10% tolerance')
})

t.test('rule 4: pro rata for counts, annual for ratios, and a non-cumulative profile', async (t) => {
  const e = createEvaluator(
    count,
    [target('FY2010-11', '1200')],
    months('2010-04', [100, 100, 100]),
    4,
  )('2010-06', AS_OF)
  t.match(e.target, { year: 1200, period: 300, basis: 'pro_rata' })
  const maracProfile = ['41.4', '40.8', '40.3'].map((value, i) => ({ period: `2009-0${i + 4}`, value }))
  const marac = createEvaluator(
    percentage,
    [target('FY2009-10', '35.0', { profile: { cumulative: false, values: maracProfile } })],
    ratios('2009-04', [
      [4, 12],
      [10, 27],
    ]),
    4,
  )
  t.match(
    marac('2009-05', AS_OF).comparison,
    { actual: 35.9, target: 40.8, judgement: 'better' },
    'May: 14 of 39 cases so far against the profiled 40.8%',
  )
  const monthly = createEvaluator(
    count,
    [
      target('FY2010-11', '120', {
        profile: {
          cumulative: false,
          values: [
            { period: '2010-04', value: '5' },
            { period: '2010-05', value: '15' },
          ],
        },
      }),
    ],
    months('2010-04', [6, 15]),
    4,
  )
  t.match(
    monthly('2010-05', AS_OF).target,
    { period: 20, basis: 'profile' },
    'a non-cumulative count profile sums to date',
  )
})

t.test('edge cases: zero target, zero counts, TBC, monitor only, no target', async (t) => {
  const zero = createEvaluator(count, [target('FY2010-11', '0')], months('2010-04', [0, 1]), 4)
  t.match(zero('2010-04', AS_OF), {
    rag: 'green',
    comparison: { actual: 0, target: 0, relativeVariancePercent: null, judgement: 'on_target' },
  })
  t.match(
    zero('2010-05', AS_OF),
    { rag: 'red', comparison: { variance: 1, relativeVariancePercent: null } },
    'any count against a zero target is beyond tolerance',
  )
  const zeros = createEvaluator(
    count,
    [target('FY2010-11', '12')],
    [...months('2009-04', [0, 0]), ...months('2010-04', [0, 0])],
    4,
  )('2010-05', AS_OF)
  t.match(
    zeros.significance,
    { test: 'none', significant: false, direction: 'no_significant_change' },
    'no events either year: nothing to test',
  )
  t.match(zeros.forecast, { value: 0 })
  t.equal(zeros.requiredChange?.percent, null, 'no relative change from zero')

  const tbc = createEvaluator(count, [target('FY2010-11', null)], months('2010-04', [5]), 4)('2010-04', AS_OF)
  t.match(tbc, { rag: 'grey', ragReason: 'target to be confirmed', target: { status: 'tbc', period: null } })
  t.same(
    tbc.flags.map((f) => f.flag),
    ['no_target'],
  )

  const quarters = [
    { period: '2010-Q1', value: '4' },
    { period: '2010-Q2', value: '9' },
  ].map((q) => ({ ...q, numerator: null, denominator: null, status: 'validated' }))
  const monitor = createEvaluator(
    { ...count, polarity: 'monitor_only', frequency: 'quarterly' },
    [],
    quarters,
    4,
  )('2010-06', AS_OF)
  t.match(monitor, { evaluatedPeriod: '2010-Q2', rag: 'grey', ragReason: 'monitor only', requiredChange: null })
  t.match(monitor.travel.previousPeriod, {
    against: '2010-Q1',
    previous: 4,
    current: 9,
    direction: 'no_significant_change',
    test: 'exact_binomial',
  })
  t.same(monitor.flags, [], 'monitor-only indicators raise no good or bad flags')

  const noBaseline = createEvaluator(
    count,
    [target('FY2010-11', '120', { baselineValue: null })],
    months('2010-04', [9]),
    4,
  )('2010-04', AS_OF)
  t.match(
    noBaseline,
    { rag: 'green', comparison: { actual: 9, target: 10 } },
    'a target set outright, with no baseline, is judged all the same',
  )

  const none = createEvaluator(count, [], months('2010-04', [5]), 4)('2010-04', AS_OF)
  t.match(none, { rag: 'grey', target: { status: 'none' }, targetPeriod: 'FY2010-11' })
})

t.test('missing months, data lag and a late revision', async (t) => {
  const lagged = { ...count, dataLagDays: 84 }
  const gap = createEvaluator(lagged, [target('FY2010-11', '1200')], months('2010-04', [100, null, 100]), 4)
  const june = gap('2010-06', '2010-10-01')
  t.match(june.actual, { ytd: 200, ytdPeriods: 2, ytdExpectedPeriods: 3 })
  t.match(
    june.flags.find((f) => f.flag === 'missing_data'),
    { direction: 'bad', figures: { missing: '2010-05' } },
    'May is past 31 May + 84 days by October',
  )
  t.notOk(
    gap('2010-06', '2010-08-01').flags.some((f) => f.flag === 'missing_data'),
    'in August May is not yet due',
  )
  t.equal(dueDate(parsePeriod('2010-05'), 84), '2010-08-23')

  const july = gap('2010-07', '2010-12-01')
  t.match(
    july,
    { rag: 'grey', ragReason: 'no data for 2010-07', actual: { period: null } },
    'a period with no data is grey, not an error',
  )
  t.match(july.flags.find((f) => f.flag === 'missing_data')?.figures, { missing: '2010-05,2010-07' })

  const before = createEvaluator(
    count,
    [target('FY2010-11', '1200')],
    months('2010-04', [100, 100]),
    4,
  )('2010-05', AS_OF)
  const revised = createEvaluator(
    count,
    [target('FY2010-11', '1200')],
    months('2010-04', [100, 135]),
    4,
  )('2010-05', AS_OF)
  t.same(
    [before.rag, revised.rag],
    ['green', 'red'],
    'a late revision of May (100 -> 135) turns the year to date red: 235 vs 200',
  )
})

t.test('rules 8-11: travel, significance, SPC, forecasts and flags', async (t) => {
  const steady = Array(21).fill(100) as number[]
  // Last year Apr-Jun 100 a month; this year 125: 300 -> 375 is significant (z = 75 / sqrt(675) = 2.89).
  const worse = createEvaluator(
    count,
    [target('FY2010-11', '1200')],
    [...months('2008-07', steady), ...months('2010-04', [125, 125, 125])],
    4,
  )('2010-06', AS_OF)
  t.match(worse.significance, {
    x1: 300,
    x2: 375,
    test: 'normal_approximation',
    z: 2.89,
    significant: true,
    direction: 'deteriorating',
  })
  t.match(
    worse.travel.sameLastYear,
    { against: '2009-06', previous: 100, current: 125, direction: 'no_significant_change' },
    'one month, 100 -> 125, is within chance (z = 1.67)',
  )
  t.ok(worse.flags.some((f) => f.flag === 'significant_deterioration'))
  t.ok(
    worse.flags.some((f) => f.flag === 'off_target'),
    '375 against 300 is red',
  )
  t.match(worse.forecast, { value: 1500, method: 'seasonal', misses: true }, '375 x 1200 / 300')

  const better = createEvaluator(
    count,
    [target('FY2010-11', '1200')],
    [...months('2008-07', steady), ...months('2010-04', [60, 60, 60])],
    4,
  )('2010-06', AS_OF)
  t.same(better.flags.map((f) => f.flag).sort(), ['exceeding_target', 'significant_improvement', 'spc_signal'].sort())
  t.match(
    better.flags.find((f) => f.flag === 'spc_signal'),
    { direction: 'good', figures: { rule: 'outside_limits', value: 60 } },
    '60 lies below the lower limit of about 67',
  )
  t.match(better.travel.previousPeriod, { against: '2010-05', direction: 'no_significant_change' })

  const spike = createEvaluator(
    count,
    [],
    [...months('2008-06', Array(24).fill(16)), ...months('2010-06', [30])],
    4,
  )('2010-06', AS_OF)
  t.match(spike.spc, {
    mean: 16,
    upper: 28,
    lower: 4,
    months: 24,
    direction: 'bad',
    signals: [{ rule: 'outside_limits', side: 'above' }],
  })
  t.ok(spike.flags.some((f) => f.flag === 'spc_signal' && f.direction === 'bad'))

  // Rule 10: a green year to date whose seasonal forecast misses. Last year: a quiet spring, a busy rest.
  const lastYear = [50, 50, 50, 150, 150, 150, 150, 150, 150, 150, 150, 150]
  const seasonal = createEvaluator(
    count,
    [target('FY2010-11', '1200')],
    [...months('2009-04', lastYear), ...months('2010-04', [60, 60, 60])],
    4,
  )('2010-06', AS_OF)
  t.equal(seasonal.rag, 'green', '180 against a pro rata 300')
  t.match(
    seasonal.forecast,
    { value: 1800, method: 'seasonal', target: 1200, relativeVariancePercent: 50, misses: true },
    '180 x 1500 / 150',
  )
  t.ok(
    seasonal.flags.some((f) => f.flag === 'forecast_miss'),
    'flagged while the year to date is green',
  )
  const straight = createEvaluator(
    count,
    [target('FY2010-11', '1200')],
    months('2010-04', [60, 60, 60]),
    4,
  )('2010-06', AS_OF)
  t.match(straight.forecast, { value: 720, method: 'straight_line', misses: false }, 'no last year: straight line')
})

t.test('roll-up from child areas: counts sum, ratios sum numerators and denominators', async (t) => {
  const boston = months('2010-04', [10, 12, 9])
  const eastLindsey = months('2010-04', [20, null, 21])
  t.same(
    rollUp([boston, eastLindsey], 'sum', 1)
      .map((m) => `${m.period}=${m.value}`)
      .sort(),
    ['2010-04=30', '2010-06=30'],
    'May is missing for East Lindsey, so for the parent',
  )
  const rates = rollUp([ratios('2010-04', [[4, 12]]), ratios('2010-04', [[10, 27]])], 'ratio_of_sums', 100)
  t.match(rates, [{ numerator: '14', denominator: '39' }])
  t.equal(Number(rates[0]!.value).toFixed(1), '35.9')
  t.same(rollUp([boston], 'latest', 1), [], 'surveys do not roll up')
})

t.test('stale_data: a survey judged when a newer one was due says what it rests on', async (t) => {
  // NI 21 Boston (seed 001): the Place Survey, biennial, published six months after its year; 21.3% in
  // 2008-09 against a target of 32.8%. Its 2010-11 round was cancelled, so that figure went on being judged.
  const survey: EvalIndicator = {
    ...percentage,
    polarity: 'higher_better',
    frequency: 'biennial',
    aggregation: 'latest',
    dataLagDays: 183,
  }
  const figures: EvalMeasurement[] = [
    { period: 'FY2008-09', value: '21.3', numerator: null, denominator: null, status: 'published' },
  ]
  const evaluate = createEvaluator(survey, [target('FY2010-11', '32.8'), target('FY2011-12', '32.8')], figures, 4)
  const half = evaluate('2010-09', '2010-10-21')
  t.equal(half.evaluatedPeriod, 'FY2008-09')
  t.notOk(
    half.flags.some((f) => f.flag === 'stale_data'),
    'at the half year of 2010-11 the 2008-09 survey is the latest a biennial survey can have',
  )
  const later = evaluate('2011-12', '2012-01-20')
  t.match(
    later.flags.find((f) => f.flag === 'stale_data'),
    {
      direction: 'bad',
      reason: "judged on FY2008-09, the latest figure: FY2010-11's was due by 2011-09-30 and has not come",
      figures: { restsOn: 'FY2008-09', expected: 'FY2010-11', dueOn: '2011-09-30' },
    },
  )
  t.equal(later.rag, 'red', 'the judgement stands; the flag says what it rests on')
  t.notOk(
    evaluate('2011-12', '2011-09-30').flags.some((f) => f.flag === 'stale_data'),
    'not before the newer figure was due',
  )
  const annual = createEvaluator({ ...survey, frequency: 'annual', dataLagDays: 0 }, [], figures, 4)
  t.match(
    annual('2010-09', '2010-10-21').flags.find((f) => f.flag === 'stale_data'),
    {
      reason: "judged on FY2008-09, the latest figure: FY2009-10's was due by 2010-03-31 and has not come",
    },
  )
})

t.test('persistently_off_target: red for the partnership’s number of reported periods running', async (t) => {
  // NI 20 against 1,200 for 2010/11 (100 a month): 130, 125 and 120 are red on the year to date each month.
  const figures = months('2010-04', [130, 125, 120, 90])
  const evaluate = createEvaluator(count, [target('FY2010-11', '1200')], figures, 4)
  const flagged = (period: string) =>
    evaluate(period, AS_OF).flags.find((f) => f.flag === 'persistently_off_target') ?? null
  t.equal(evaluate('2010-05', AS_OF).rag, 'red')
  t.equal(flagged('2010-05'), null, 'red twice is not yet persistent')
  t.match(flagged('2010-06'), {
    direction: 'bad',
    reason: 'red for 3 reported periods running, 2010-04 to 2010-06',
    figures: { periods: 3, from: '2010-04', to: '2010-06' },
  })
  t.equal(evaluate('2010-07', AS_OF).rag, 'red', 'July is still red on the year to date (465 against 400)')
  t.match(flagged('2010-07'), { figures: { from: '2010-05', to: '2010-07' } })
  const two = createEvaluator(count, [target('FY2010-11', '1200')], figures, 4, 2)
  t.ok(
    two('2010-05', AS_OF).flags.some((f) => f.flag === 'persistently_off_target'),
    'a partnership that escalates after two',
  )
  // A month without its figure breaks the run.
  const gap = createEvaluator(count, [target('FY2010-11', '1200')], months('2010-04', [130, null, 250]), 4)
  t.equal(gap('2010-06', AS_OF).rag, 'red')
  t.notOk(gap('2010-06', AS_OF).flags.some((f) => f.flag === 'persistently_off_target'))
})
