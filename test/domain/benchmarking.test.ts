import t from 'tap'
import { bandOf, byarLimits } from '../../src/domain/benchmarking/byar.js'
import { compareGroup, outlier, type MemberFigures } from '../../src/domain/benchmarking/comparison.js'
import { exposureOf, populationFor } from '../../src/domain/benchmarking/population.js'
import { parsePeriod } from '../../src/domain/periods.js'

t.test("Byar's limits against hand-computed values at O = 0, 1, 10 and 1,000", async (t) => {
  // lower = O(1 - 1/(9O) - z/(3 sqrt O))^3; upper = (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3.
  const cases: Array<[number, number, number, number]> = [
    // O, z, lower, upper
    [0, 1.96, 0, 3.6681], // 1 x (1 - 1/9 + 1.96/3)^3 = 1.542222^3
    [1, 1.96, 0.0131, 5.5639], // 1 x (1 - 1/9 - 1.96/3)^3 = 0.235556^3; 2 x (1 - 1/18 + 1.96/(3 sqrt 2))^3
    [10, 1.96, 4.7874, 18.3916], // 10 x (1 - 1/90 - 1.96/(3 sqrt 10))^3 = 10 x 0.782286^3
    [1000, 1.96, 938.9714, 1063.9538],
    [0, 3.09, 0, 7.0656],
    [1, 3.09, 0, 9.3613], // the formula gives -0.0028: a count's limit is never below 0
    [10, 3.09, 2.9166, 24.1924],
    [1000, 3.09, 905.1218, 1101.6251],
  ]
  for (const [o, z, lower, upper] of cases) {
    const limits = byarLimits(o, z)
    t.ok(Math.abs(limits.lower - lower) < 5e-5, `O = ${o}, z = ${z}: lower ${limits.lower.toFixed(4)} (${lower})`)
    t.ok(Math.abs(limits.upper - upper) < 5e-5, `O = ${o}, z = ${z}: upper ${limits.upper.toFixed(4)} (${upper})`)
  }
  t.equal(bandOf(10, 4, 1.96), 'above', 'expected 4 is below the lower limit of 10 (4.79): above')
  t.equal(bandOf(10, 5, 1.96), 'in_line')
  t.equal(bandOf(10, 19, 1.96), 'below', 'expected 19 is above the upper limit (18.39): below')
  t.equal(bandOf(10, 4, 3.09), 'in_line', 'at 99.8% 4 is within 2.92-24.19')
})

const m = (code: string, count: number, population: number, ours = false): MemberFigures => ({
  code,
  name: code,
  ours,
  count,
  exposure: population,
})

t.test('the group rate is the sum of counts over the sum of populations, never the mean of rates', async (t) => {
  // Seed 002's lesson for ratios, applied to rates: a small area's rate must not weigh as much as a large one's.
  const members = [m('A', 100, 10_000), m('B', 900, 90_000), m('C', 50, 1_000)]
  const c = compareGroup(members, 'lower_better', 1000)!
  t.equal(c.groupRate, (1050 / 101_000) * 1000, '10.40 per 1,000')
  const meanOfRates = (10 + 10 + 50) / 3
  t.not(c.groupRate.toFixed(2), meanOfRates.toFixed(2), `not the mean of rates (${meanOfRates.toFixed(2)})`)
  const a = c.members.find((x) => x.code === 'A')!
  t.equal(a.rate, 10)
  t.equal(a.expected, (10_000 * 1050) / 101_000, 'expected: its population at the group rate')
  t.equal(a.othersRate, (950 / 91_000) * 1000, 'the rest of its group, sum over sum')
  t.ok(Math.abs(a.gap! - (10 - 10.43956)) < 1e-4, 'its gap to them')
  t.equal(c.members.find((x) => x.code === 'C')!.bands['95'], 'above', 'C: 50 against 10.4 expected, above')
  t.equal(compareGroup([], 'lower_better', 1000), null, 'no members: no rate')
})

t.test('ranks follow polarity; ties share a rank; quartiles by rank', async (t) => {
  const members = [
    m('A', 10, 1000),
    m('B', 20, 1000),
    m('C', 20, 1000),
    m('D', 40, 1000),
    m('E', 5, 1000),
    m('F', 30, 1000),
    m('G', 60, 1000),
    m('H', 15, 1000),
  ]
  const lower = compareGroup(members, 'lower_better', 1000)!
  const rank = (c: typeof lower, code: string) => c.members.find((x) => x.code === code)!.rank
  t.same(
    ['E', 'A', 'H', 'B', 'C', 'F', 'D', 'G'].map((code) => rank(lower, code)),
    [1, 2, 3, 4, 4, 6, 7, 8],
    'lower is better: the lowest rate first, B and C tied at 4, the next 6',
  )
  const higher = compareGroup(members, 'higher_better', 1000)!
  t.same(
    ['G', 'D', 'F', 'B', 'C', 'H', 'A', 'E'].map((code) => rank(higher, code)),
    [1, 2, 3, 4, 4, 6, 7, 8],
    'higher is better: the highest first',
  )
  t.same(
    ['E', 'A', 'H', 'B', 'F', 'D', 'G'].map((code) => lower.members.find((x) => x.code === code)!.quartile),
    [1, 1, 2, 2, 3, 4, 4],
    'quartile: ceil(4 x rank / 8)',
  )
  const g = lower.members.find((x) => x.code === 'G')!
  t.equal(outlier(g, 'lower_better'), 'bad', '60 where the group gives 25: significantly worse')
  t.equal(outlier(g, 'higher_better'), 'good', 'and significantly better where higher is better')
  t.equal(outlier(g, 'monitor_only'), null)
})

t.test('the population a period is a rate of, and its exposure', async (t) => {
  const years = new Map([
    [2008, 140_000],
    [2009, 141_000],
  ])
  t.same(populationFor(parsePeriod('FY2009-10', 4), years), { year: 2009, population: 141_000 }, 'mid-2009 for 2009/10')
  t.same(populationFor(parsePeriod('2009-02', 4), years), { year: 2009, population: 141_000 })
  t.same(
    populationFor(parsePeriod('2011-05', 4), years),
    { year: 2009, population: 141_000 },
    'the latest earlier year',
  )
  t.equal(populationFor(parsePeriod('2007', 4), years), null, 'none earlier: no population')
  t.equal(exposureOf(parsePeriod('2009-Q2', 4), 141_000), 35_250, 'a quarter is a quarter of a year of people')
})
