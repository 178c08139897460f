import t from 'tap'
import { completeness, expectedPeriods, returnState } from '../../src/domain/returns.js'

const month = (year: number, m: number) => year * 12 + m - 1

t.test('expected periods: due by the last day plus the lag, expected once that day has passed', async (t) => {
  // Police counts, three weeks after the month; asked on 2010-10-21 from April 2010.
  const police = { frequency: 'monthly', dataLagDays: 21, kind: 'month', anchorMonth: null } as const
  const due = expectedPeriods(police, month(2010, 4), '2010-10-21', 4)
  t.same(
    due.map((e) => `${e.period.key} ${e.dueOn}`),
    ['2010-04 2010-05-21', '2010-05 2010-06-21', '2010-06 2010-07-21', '2010-07 2010-08-21', '2010-08 2010-09-21'],
    'September is due on 21 October: not yet expected on that day',
  )
  t.equal(expectedPeriods(police, month(2010, 4), '2010-10-22', 4).length, 6, 'the day after, it is')
  // The six monitored quarterly counts, with no lag: the partnership's quarters of 2010/11 so far.
  const monitored = { frequency: 'quarterly', dataLagDays: 0, kind: 'quarter', anchorMonth: null } as const
  t.same(
    expectedPeriods(monitored, month(2010, 4), '2011-01-05', 4).map((e) => e.period.key),
    ['2010-Q2', '2010-Q3', '2010-Q4'],
  )
  // NI 40, about twelve weeks after its year.
  const ni40 = { frequency: 'annual', dataLagDays: 84, kind: 'financial_year', anchorMonth: null } as const
  t.same(
    expectedPeriods(ni40, month(2008, 4), '2010-06-23', 4).map((e) => `${e.period.key} ${e.dueOn}`),
    ['FY2008-09 2009-06-23'],
    'FY2009-10 is due on 23 June 2010 (31 March + 84 days): not yet expected on that day',
  )
  t.equal(expectedPeriods(ni40, month(2008, 4), '2010-06-24', 4).length, 2, 'the day after, it is')
  // A biennial survey in step with its latest figure (FY2008-09): every other year.
  const survey = { frequency: 'biennial', dataLagDays: 0, kind: 'financial_year', anchorMonth: month(2008, 4) } as const
  t.same(
    expectedPeriods(survey, month(2009, 4), '2013-05-01', 4).map((e) => e.period.key),
    ['FY2010-11', 'FY2012-13'],
  )
})

t.test('a return is on time, late or overdue, and completeness counts them', async (t) => {
  t.same(returnState('2010-05-21', '2010-05-21', '2010-10-01'), { state: 'on_time', daysLate: 0 })
  t.same(returnState('2010-05-21', '2010-06-02', '2010-10-01'), { state: 'late', daysLate: 12 })
  t.same(returnState('2010-09-21', null, '2010-10-01'), { state: 'overdue', daysLate: 10 })
  t.same(completeness(['on_time', 'on_time', 'late', 'overdue']), {
    expected: 4,
    received: 3,
    onTime: 2,
    late: 1,
    overdue: 1,
    completenessPercent: 75,
    timelinessPercent: 50,
  })
  t.match(completeness([]), { expected: 0, completenessPercent: 0 })
})
