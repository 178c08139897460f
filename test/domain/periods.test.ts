import t from 'tap'
import { DomainError } from '../../src/domain/errors.js'
import { checkPeriodFits } from '../../src/domain/indicators.js'
import {
  contains,
  dateRange,
  monthsOf,
  parsePeriod,
  periodContaining,
  printedPeriod,
  shift,
} from '../../src/domain/periods.js'

t.test('string forms parse to canonical periods', async (t) => {
  const cases: Array<[string, number, string, string, string]> = [
    // text, year-start month, kind, start, end
    ['2010-04', 4, 'month', '2010-04-01', '2010-04-30'],
    ['2012-02', 4, 'month', '2012-02-01', '2012-02-29'],
    ['2010-Q2', 4, 'quarter', '2010-04-01', '2010-06-30'],
    ['FY2010-11', 4, 'financial_year', '2010-04-01', '2011-03-31'],
    ['FY1999-00', 4, 'financial_year', '1999-04-01', '2000-03-31'],
    ['FY2010', 1, 'financial_year', '2010-01-01', '2010-12-31'],
    ['FY2010-11', 7, 'financial_year', '2010-07-01', '2011-06-30'],
    ['2009', 4, 'calendar_year', '2009-01-01', '2009-12-31'],
  ]
  for (const [text, start, kind, from, to] of cases) {
    const period = parsePeriod(text, start)
    t.equal(period.kind, kind, `${text} is a ${kind}`)
    t.equal(period.key, text, `${text} is canonical`)
    t.same(dateRange(period), { start: from, end: to }, `${text} runs ${from} to ${to}`)
  }
})

t.test('malformed periods are refused with a reason', async (t) => {
  for (const [text, start] of [
    ['2010-13', 4],
    ['2010-00', 4],
    ['2010-Q5', 4],
    ['FY2010-12', 4],
    ['FY2010', 4],
    ['FY2010-11', 1],
    ['10-04', 4],
    ['2010/12', 4],
    ['2010/11', 1],
    ['', 4],
    ['1850-01', 4],
    ['2010-4', 4],
  ] as const) {
    t.throws(() => parsePeriod(text, start), DomainError, `"${text}" is refused`)
  }
  t.throws(() => parsePeriod('2010-04', 13), RangeError, 'a year-start month outside 1-12 is a programming error')
})

t.test('"2010/11", as plans write a financial year, is FY2010-11', async (t) => {
  t.equal(parsePeriod('2010/11').key, 'FY2010-11')
  t.equal(parsePeriod('2010/11', 7).key, 'FY2010-11', 'whatever month the year starts in, bar January')
})

t.test('the financial year containing a month follows the year-start month', async (t) => {
  const march2011 = parsePeriod('2011-03').firstMonth
  const april2011 = parsePeriod('2011-04').firstMonth
  t.equal(periodContaining('financial_year', march2011, 4).key, 'FY2010-11', 'March 2011 ends 2010/11')
  t.equal(periodContaining('financial_year', april2011, 4).key, 'FY2011-12', 'April 2011 starts 2011/12')
  t.equal(periodContaining('financial_year', march2011, 1).key, 'FY2011')
  t.equal(periodContaining('quarter', march2011).key, '2011-Q1')
  t.equal(periodContaining('calendar_year', march2011).key, '2011', 'NI 47 is targeted on calendar years')
  t.ok(contains(parsePeriod('FY2010-11'), parsePeriod('2011-Q1')), 'Jan-Mar 2011 lies in 2010/11')
  t.notOk(contains(parsePeriod('FY2010-11'), parsePeriod('2011')), 'calendar 2011 straddles two financial years')
})

t.test('shifting and listing months', async (t) => {
  t.equal(shift(parsePeriod('2010-12'), 1).key, '2011-01')
  t.equal(shift(parsePeriod('2010-01'), -1).key, '2009-12')
  t.equal(shift(parsePeriod('2010-Q4'), 1).key, '2011-Q1')
  t.equal(shift(parsePeriod('FY2010-11'), -1).key, 'FY2009-10', 'same period last year')
  t.same(monthsOf(parsePeriod('2010-Q2')), ['2010-04', '2010-05', '2010-06'])
  t.equal(monthsOf(parsePeriod('FY2010-11')).length, 12)
})

t.test("a period must fit the indicator's frequency", async (t) => {
  t.doesNotThrow(() => checkPeriodFits(parsePeriod('2010-04'), 'monthly'))
  t.doesNotThrow(() => checkPeriodFits(parsePeriod('FY2010-11'), 'annual'))
  t.doesNotThrow(() => checkPeriodFits(parsePeriod('2009'), 'biennial'))
  const err = t.throws(() => checkPeriodFits(parsePeriod('2010-Q2'), 'monthly')) as DomainError
  t.equal(err.code, 'PERIOD.MISMATCH')
  t.match(err.message, /quarter \(2010-Q2\)/)
  t.throws(() => checkPeriodFits(parsePeriod('2010-04'), 'quarterly'), DomainError)
})

t.test("a quarter of the partnership's year, as plans write it, is the calendar quarter it covers", async (t) => {
  for (const text of ['FY2010-11-Q2', '2010/11 Q2', 'Q2 2010/11'])
    t.equal(parsePeriod(text, 4).key, '2010-Q3', `${text}: July to September 2010 in an April year`)
  t.equal(parsePeriod('FY2010-11-Q4', 4).key, '2011-Q1', "the year's last quarter is January to March")
  t.equal(parsePeriod('FY2010-Q2', 1).key, '2010-Q2', 'a January year: its quarters are the calendar ones')
  t.equal(parsePeriod('FY2010-11-Q1', 7).key, '2010-Q3', 'a July year starts in July')
  t.throws(() => parsePeriod('FY2010-11-Q1', 5), {
    code: 'PERIOD.INVALID',
    message: /not the quarters figures are kept in/,
  })
  t.throws(() => parsePeriod('FY2010-12-Q1', 4), { code: 'PERIOD.INVALID', message: /write FY2010-11/ })
  t.throws(() => parsePeriod('FY2010-11-Q5', 4), { code: 'PERIOD.INVALID' })
})

t.test("a quarter is printed as a quarter of the partnership's year, and read back as the same quarter", async (t) => {
  t.equal(printedPeriod('2010-Q3', 4), 'FY2010-11-Q2', 'July to September 2010: Q2 of an April year')
  t.equal(printedPeriod('2011-Q1', 4), 'FY2010-11-Q4', 'January to March 2011: the last quarter of 2010/11')
  t.equal(printedPeriod('2010-Q2', 4), 'FY2010-11-Q1')
  t.equal(printedPeriod('2010-Q3', 1), 'FY2010-Q3', 'a January year: its quarters are the calendar ones')
  t.equal(printedPeriod('2010-Q3', 7), 'FY2010-11-Q1', 'a July year starts in July')
  t.equal(printedPeriod('2010-Q2', 7), 'FY2009-10-Q4')
  t.equal(
    printedPeriod('2010-Q3', 10),
    'FY2009-10-Q4',
    'an October year: the last quarter of the year from October 2009',
  )
  t.equal(printedPeriod('2010-Q3', 5), '2010-Q3', 'a May year has no quarters of its own: the calendar quarter')
  for (const key of ['2010-09', 'FY2010-11', '2010', 'FY2010'])
    t.equal(printedPeriod(key, 4), key, `${key}: every other period as kept`)
  // Every quarter of 1999-2012, in every year that has quarters: printed, it reads back as itself.
  const misread: string[] = []
  let printed = 0
  for (const start of [1, 4, 7, 10])
    for (let year = 1999; year <= 2012; year++)
      for (const q of [1, 2, 3, 4]) {
        const key = `${year}-Q${q}`
        const text = printedPeriod(key, start)
        printed += text.startsWith('FY') ? 1 : 0
        if (parsePeriod(text, start).key !== key) misread.push(`${key} in a year from month ${start}: ${text}`)
      }
  t.equal(printed, 4 * 14 * 4, 'each printed as a quarter of the year')
  t.same(misread, [], 'and each read back as itself')
})
