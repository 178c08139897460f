import t from 'tap'
import { DomainError } from '../../src/domain/errors.js'
import {
  checkMeasurement,
  checkPeriodEnded,
  checkStatusMove,
  type IndicatorForMeasurement,
} from '../../src/domain/measurements.js'
import { parsePeriod } from '../../src/domain/periods.js'

const count: IndicatorForMeasurement = { unit: 'count', aggregation: 'sum', ratePer: null, frequency: 'monthly' }
const marac: IndicatorForMeasurement = {
  unit: 'percentage',
  aggregation: 'ratio_of_sums',
  ratePer: null,
  frequency: 'monthly',
}
const survey: IndicatorForMeasurement = {
  unit: 'percentage',
  aggregation: 'latest',
  ratePer: null,
  frequency: 'annual',
}
const rate: IndicatorForMeasurement = {
  unit: 'rate',
  aggregation: 'ratio_of_sums',
  ratePer: 1000,
  frequency: 'quarterly',
}

t.test('settled figures', async (t) => {
  t.match(checkMeasurement(count, { period: '2010-04', value: 31 }, 4), {
    value: '31',
    numerator: null,
    period: { key: '2010-04' },
  })
  t.match(
    checkMeasurement(count, { period: '2010-04', value: '31.000' }, 4),
    { value: '31.000' },
    'a whole number written with zeros',
  )
  // Seed 003's MARAC table: 79 repeat cases in 167 cases is 47.3%.
  t.match(checkMeasurement(marac, { period: '2008-04', numerator: 79, denominator: 167 }, 4), {
    value: '47.305389',
    numerator: '79',
    denominator: '167',
  })
  // Seed 003's test purchases: 24 sales in 85 visits is 28%.
  t.equal(checkMeasurement(marac, { period: '2007-12', numerator: '24', denominator: '85' }, 4).value, '28.235294')
  t.equal(
    checkMeasurement(marac, { period: '2008-04', value: '47.305389', numerator: 79, denominator: 167 }, 4).value,
    '47.305389',
    'a value matching its numerator and denominator (an exported row) is accepted',
  )
  t.equal(
    checkMeasurement(survey, { period: 'FY2008-09', value: '18' }, 4).value,
    '18',
    'a survey percentage as a value',
  )
  t.equal(
    checkMeasurement(rate, { period: '2010-Q2', numerator: 5, denominator: 40000 }, 4).value,
    '0.125000',
    'a rate per 1,000',
  )
})

t.test('refusals name the field and the reason', async (t) => {
  const cases: Array<[IndicatorForMeasurement, object, string]> = [
    [count, { period: '2010-04', value: -1 }, 'value'],
    [count, { period: '2010-04', value: 2.5 }, 'value'],
    [count, { period: '2010-04' }, 'value'],
    [count, { period: '2010-04', numerator: 1, denominator: 2 }, 'numerator'],
    [count, { period: '2010-Q2', value: 3 }, 'period'],
    [count, { period: '2010-13', value: 3 }, 'period'],
    [count, { period: '2010-04', value: 'lots' }, 'value'],
    [count, { period: '2010-04', value: Number.NaN }, 'value'],
    [marac, { period: '2010-04', value: 47 }, 'numerator'],
    [marac, { period: '2008-04', value: '47.3', numerator: 79, denominator: 167 }, 'value'],
    [marac, { period: '2010-04', numerator: 5 }, 'denominator'],
    [marac, { period: '2010-04', numerator: 5, denominator: 0 }, 'denominator'],
    [marac, { period: '2010-04', numerator: 200, denominator: 100 }, 'value'],
    [survey, { period: 'FY2008-09', value: 101 }, 'value'],
    [survey, { period: '2008-04', value: 10 }, 'period'],
  ]
  for (const [indicator, input, field] of cases) {
    const err = t.throws(() => checkMeasurement(indicator, input as never, 4, 'rows.3.'), DomainError) as DomainError
    t.equal(err.errors?.[0]?.field, `rows.3.${field}`, `${JSON.stringify(input)} -> ${field}`)
  }
})

t.test('status moves forward only', async (t) => {
  t.doesNotThrow(() => checkStatusMove('provisional', 'validated'))
  t.doesNotThrow(() => checkStatusMove('validated', 'published'))
  t.doesNotThrow(() => checkStatusMove('provisional', 'published'))
  t.throws(() => checkStatusMove('published', 'provisional'), { code: 'MEASUREMENT.STATUS' })
})

t.test('an actual waits for its period to end', async (t) => {
  const month = parsePeriod('2026-11', 4)
  t.throws(
    () => checkPeriodEnded(month, '2026-11-30', 'period'),
    { code: 'MEASUREMENT.PERIOD_NOT_ENDED' },
    'on its last day',
  )
  t.doesNotThrow(() => checkPeriodEnded(month, '2026-12-01', 'period'), 'from the day after')
  const year = parsePeriod('FY2026-27', 4)
  t.throws(() => checkPeriodEnded(year, '2027-03-31', 'period'), {
    errors: [{ field: 'period', message: /ends on 2027-03-31/ }],
  })
  t.doesNotThrow(() => checkPeriodEnded(year, '2027-04-01', 'period'))
})
