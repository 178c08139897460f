import t from 'tap'
import { compareCounts, compareProportions, controlChart } from '../../src/domain/statistics.js'

t.test('rule 9: conditional binomial test, exact below 30 events', async (t) => {
  // 5 then 15: P(X >= 15 | n = 20, p = 1/2) = 0.020695, doubled 0.041389.
  const rise = compareCounts(5, 15)
  t.equal(rise.method, 'exact_binomial')
  t.equal(Number(rise.pValue!.toFixed(6)), 0.041389)
  t.ok(rise.significant, '5 -> 15 is significant')
  const small = compareCounts(6, 13)
  t.equal(Number(small.pValue!.toFixed(4)), 0.1671, '6 -> 13: p = 0.1671')
  t.notOk(small.significant)
  t.same(compareCounts(9, 9).pValue, 1, 'no change: p capped at 1')
  t.same(
    compareCounts(0, 0),
    { method: 'none', x1: 0, x2: 0, pValue: null, z: null, significant: false },
    'no events: nothing to test',
  )
  t.ok(compareCounts(0, 6).significant, '0 -> 6: p = 2/64 = 0.03125')
  t.notOk(compareCounts(0, 5).significant, '0 -> 5: p = 2/32 = 0.0625')
})

t.test('rule 9: normal approximation from 30 events', async (t) => {
  const big = compareCounts(100, 130)
  t.equal(big.method, 'normal_approximation')
  t.equal(Number(big.z!.toFixed(4)), 1.9781, '30 / sqrt(230)')
  t.ok(big.significant, '1.978 > 1.96')
  const under = compareCounts(100, 129)
  t.notOk(under.significant, '29 / sqrt(229) = 1.916')
  // Seed 003 NI 20: 1,595 then 1,557 is well within chance.
  t.notOk(compareCounts(1595, 1557).significant)
  t.ok(compareCounts(5295, 4574).significant, 'NI 16: 5,295 -> 4,574 is not chance')
})

t.test('two-proportion test for ratio indicators', async (t) => {
  // Seed 003 test purchases: 24 sales in 85 visits (2007), 10 in 69 (2008).
  const tp = compareProportions(24, 85, 10, 69)
  t.equal(Number(tp.z!.toFixed(2)), -2.04)
  t.ok(tp.significant)
  t.same(compareProportions(0, 0, 1, 2), { method: 'none', z: null, significant: false })
})

t.test('c-chart: limits from the previous months and the two signals', async (t) => {
  const flat = Array(24).fill(16)
  const chart = controlChart(flat, [16])!
  t.same([chart.mean, chart.upper, chart.lower], [16, 28, 4], 'mean 16, limits 16 +/- 12')
  t.same(chart.signals, [])
  t.same(controlChart(flat, [29])!.signals, [{ rule: 'outside_limits', side: 'above' }])
  t.same(controlChart(flat, [3])!.signals, [{ rule: 'outside_limits', side: 'below' }])
  t.same(
    controlChart(flat, [17, 18, 17, 19, 17, 18, 20])!.signals,
    [{ rule: 'run_of_seven', side: 'above' }],
    'seven points above the mean',
  )
  t.same(controlChart(flat, [17, 18, 16, 19, 17, 18, 20])!.signals, [], 'a point on the mean breaks the run')
  t.equal(controlChart(Array(11).fill(5), [5]), null, 'fewer than 12 previous months: no chart')
  t.equal(controlChart(Array(12).fill(1), [0])!.lower, 0, 'the lower limit stops at 0')
})
