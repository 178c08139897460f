import t from 'tap'
import { formatDecimal, parseDecimal, roundHalfAwayFromZero } from '../../src/domain/decimal.js'
import { DomainError } from '../../src/domain/errors.js'
import { deriveTarget } from '../../src/domain/targets.js'

t.test('rule 1 on the East Lincolnshire 2010/11 targets (seed 000), as the plan prints them', async (t) => {
  const cases: Array<[string, string, string, string, string]> = [
    // indicator, area, baseline 2009-10, change %, target 2010/11
    ['criminal damage', 'Boston', '1349', '-4', '1295'],
    ['criminal damage', 'East Lindsey', '2195', '-4', '2107'],
    ['ASB incidents', 'Boston', '3976', '-3', '3857'],
    ['ASB incidents', 'East Lindsey', '7547', '-3', '7321'],
    ['NI 15', 'Boston', '47', '-4', '45'],
    ['NI 15', 'East Lindsey', '42', '-4', '40'],
    ['VAP', 'Boston', '937', '-4', '900'],
    ['VAP', 'East Lindsey', '1720', '-4', '1651'],
    ['NI 20', 'East Lindsey', '763', '-11.8', '673'],
  ]
  for (const [indicator, area, baseline, change, printed] of cases) {
    t.equal(
      deriveTarget(baseline, change, 0).value,
      printed,
      `${indicator} ${area}: ${baseline} at ${change}% gives ${printed}`,
    )
  }
})

t.test('where the plan disagrees with its own rule, the rule wins', async (t) => {
  // Seed 000 prints 331 for NI 20 Boston; 374 x 0.882 = 329.868, which rounds to 330.
  const boston = deriveTarget('374', '-11.8', 0)
  t.equal(boston.exact, '329.868')
  t.equal(boston.value, '330')
  t.not(boston.value, '331', 'the printed 331 is not what the rule gives')
})

t.test('exact arithmetic: no floating-point drift, halves round away from zero', async (t) => {
  const vap = deriveTarget('937', '-4', 0)
  t.equal(vap.exact, '899.52', '937 x 0.96 is exactly 899.52 (floating point says 899.5199999999999)')
  t.equal(vap.rule, '4% reduction on a baseline of 937: 937 x (1 - 4/100) = 899.52, rounded to 0 decimal places: 900')
  t.equal(deriveTarget('50', '-1', 0).value, '50', '49.5 rounds up to 50')
  t.equal(deriveTarget('-50', '-1', 0).value, '-50', '-49.5 rounds away from zero to -50')
  t.equal(deriveTarget('18', '-3.9', 1).value, '17.3', 'a percentage keeps one decimal place: 17.298 is 17.3')
  t.equal(deriveTarget('1.005', '0', 2).value, '1.01', '1.005 to 2 places is 1.01, where toFixed gives 1.00')
  t.equal(deriveTarget('100', '12.5', 0).value, '113', '112.5 rounds up')
  t.equal(deriveTarget('0', '-4', 0).value, '0', 'a zero baseline stays zero')
})

t.test('decimal parsing refuses what is not a plain decimal', async (t) => {
  for (const bad of ['', 'abc', '1e5', '1.2.3', 'NaN', 'Infinity', '12,5', '1'.repeat(16)]) {
    t.throws(() => parseDecimal(bad), DomainError, `"${bad}" is refused`)
  }
  t.equal(formatDecimal(roundHalfAwayFromZero(parseDecimal('-0.005'), 2)), '-0.01')
  t.equal(formatDecimal(parseDecimal('0.050')), '0.050', 'scale is kept')
})
