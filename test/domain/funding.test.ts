import t from 'tap'
import { DomainError } from '../../src/domain/errors.js'
import {
  allowedActions,
  BID_ACTIONS,
  BID_STATES,
  evaluationOverdue,
  ledger,
  officersAgree,
  requireDecisionDay,
  requireWithin,
  routeFor,
  stepFor,
  type BidAction,
  type BidState,
} from '../../src/domain/funding/index.js'
import { pounds } from '../../src/domain/money.js'

const THRESHOLD = 100000 // £1,000.00, seed 002
const at = (state: BidState, amountPence = 50000) => ({ state, amountPence, thresholdPence: THRESHOLD })

t.test('every step of the process, and who takes it (seed 002 stages 1 to 3)', async (t) => {
  const expected: Array<[BidState, BidAction, number, BidState, string]> = [
    ['draft', 'submit', 50000, 'submitted', 'applicant'],
    ['returned', 'submit', 50000, 'submitted', 'applicant'],
    ['submitted', 'support', 50000, 'supported', 'delivery_group'],
    ['submitted', 'return', 50000, 'returned', 'delivery_group'],
    ['submitted', 'reject', 50000, 'rejected', 'delivery_group'],
    ['supported', 'approve', 100000, 'approved', 'officers'],
    ['supported', 'reject', 100000, 'referred', 'officers'],
    ['supported', 'approve', 100001, 'approved', 'performance_group'],
    ['supported', 'reject', 100001, 'rejected', 'performance_group'],
    ['referred', 'approve', 50000, 'approved', 'performance_group'],
    ['referred', 'reject', 50000, 'rejected', 'performance_group'],
  ]
  for (const [from, action, amount, to, stage] of expected)
    t.match(stepFor(at(from, amount), action, 'a reason'), { to, stage }, `${from} --${action}--> ${to} by ${stage}`)
  for (const state of ['draft', 'submitted', 'returned', 'supported', 'referred'] as const)
    t.match(stepFor(at(state), 'withdraw', null), { to: 'withdrawn', stage: 'applicant' }, `${state} can be withdrawn`)
})

t.test('every other pair of state and action is refused with a 409 naming the state and what it allows', async (t) => {
  const legal = new Set([
    'draft:submit',
    'returned:submit',
    'submitted:support',
    'submitted:return',
    'submitted:reject',
    'supported:approve',
    'supported:reject',
    'referred:approve',
    'referred:reject',
    ...['draft', 'submitted', 'returned', 'supported', 'referred'].map((s) => `${s}:withdraw`),
  ])
  let refused = 0
  for (const state of BID_STATES)
    for (const action of BID_ACTIONS) {
      if (legal.has(`${state}:${action}`)) continue
      refused += 1
      const error = (() => {
        try {
          stepFor(at(state), action, 'why')
        } catch (e) {
          return e as DomainError
        }
        return null
      })()
      t.equal(error?.code, 'BID.TRANSITION', `${state} --${action}--> refused`)
      t.equal(error?.kind, 'conflict')
      t.match(
        error?.errors?.[0]?.message,
        new RegExp(`^${state}; allowed: ${allowedActions(at(state)).join(', ') || 'none'}$`),
      )
    }
  t.equal(refused, BID_STATES.length * BID_ACTIONS.length - legal.size)
  t.same(allowedActions(at('approved')), [], 'a final decision allows nothing')
  t.same(allowedActions(at('submitted')), ['support', 'return', 'reject', 'withdraw'])
})

t.test('a reason is required to reject or return, not to support or approve', async (t) => {
  for (const [state, action] of [
    ['submitted', 'reject'],
    ['submitted', 'return'],
    ['supported', 'reject'],
    ['referred', 'reject'],
  ] as const) {
    t.throws(() => stepFor(at(state), action, null), { code: 'BID.REASON' }, `${state} ${action} without a reason`)
    t.throws(() => stepFor(at(state), action, '  '), { code: 'BID.REASON' }, 'a blank reason is no reason')
  }
  t.doesNotThrow(() => stepFor(at('submitted'), 'support', null))
  t.doesNotThrow(() => stepFor(at('supported'), 'approve', null))
})

t.test("the threshold: £1,000.00 takes the officers' route, £1,000.01 the Performance Group's", async (t) => {
  t.equal(routeFor(100000, THRESHOLD), 'officers')
  t.equal(routeFor(100001, THRESHOLD), 'performance_group')
  t.equal(routeFor(1, 0), 'performance_group', 'a threshold of nothing sends every bid to the Performance Group')
})

t.test('the officers agree when three different people cover the three offices', async (t) => {
  const chair = { subject: 'ann', offices: ['chair'] as const }
  const vice = { subject: 'bob', offices: ['vice_chair'] as const }
  const officer = { subject: 'cat', offices: ['designated_officer'] as const }
  t.ok(officersAgree([chair, vice, officer]), 'chair, vice chair and designated officer')
  t.notOk(officersAgree([chair, vice]), 'two of the three')
  const both = { subject: 'ann', offices: ['chair', 'designated_officer'] as const }
  t.notOk(officersAgree([both, vice]), 'one person holding two offices counts once')
  t.notOk(officersAgree([both, both, vice]), 'approving twice does not count twice')
  t.ok(
    officersAgree([both, vice, { subject: 'dan', offices: ['designated_officer'] }]),
    'someone else holding the office the chair also holds completes it',
  )
  t.ok(
    officersAgree([
      { subject: 'ann', offices: ['chair', 'vice_chair'] },
      { subject: 'bob', offices: ['vice_chair'] },
      officer,
    ]),
    'offices are matched, not taken first come',
  )
})

t.test('an approved bid is overdue for evaluation after its due date until one is recorded', async (t) => {
  const bid = { state: 'approved', evaluationDueOn: '2011-03-31', firstEvaluatedOn: null }
  t.notOk(evaluationOverdue(bid, '2011-03-31'), 'not on the due date')
  t.ok(evaluationOverdue(bid, '2011-04-01'), 'the day after')
  t.notOk(evaluationOverdue({ ...bid, firstEvaluatedOn: '2011-03-15' }, '2011-06-01'), 'evaluated in time')
  t.ok(
    evaluationOverdue({ ...bid, firstEvaluatedOn: '2011-07-01' }, '2011-06-01'),
    'evaluated later than the date asked',
  )
  t.notOk(evaluationOverdue({ ...bid, state: 'rejected' }, '2012-01-01'), 'only funded bids')
})

t.test('money drawn on a limit never passes it', async (t) => {
  t.doesNotThrow(() =>
    requireWithin({ pence: 9635100, what: 'the stream' }, 8327500, 1307600, { code: 'X', field: 'f' }),
  )
  t.throws(() => requireWithin({ pence: 9635100, what: 'the stream' }, 8327500, 1307601, { code: 'X', field: 'f' }), {
    code: 'X',
    message: '£13,076.01 would take the stream past its £96,351: £13,076 remains.',
  })
  t.same(ledger(500000, 150000, 50000), {
    amountPence: 500000,
    committedPence: 150000,
    spentPence: 50000,
    remainingPence: 350000,
  })
  t.equal(pounds(9635100), '£96,351')
  t.equal(pounds(100001), '£1,000.01')
  t.equal(pounds(-5), '-£0.05')
})

t.test("a step's day has happened and never comes before the bid's previous step", async (t) => {
  const today = '2010-11-20'
  t.doesNotThrow(() => requireDecisionDay('2010-11-04', null, today), 'a meeting minuted a fortnight later')
  t.doesNotThrow(() => requireDecisionDay('2010-11-04', '2010-11-04', today), 'the same day as the step before')
  t.doesNotThrow(() => requireDecisionDay(today, '2010-11-04', today))
  const refused = (day: string, previous: string | null) => {
    try {
      requireDecisionDay(day, previous, today)
    } catch (error) {
      return error as DomainError
    }
    return undefined
  }
  t.match(refused('2010-11-21', null), { code: 'DATE.RANGE', message: /after today \(2010-11-20\)/ })
  t.match(refused('2010-11-03', '2010-11-04'), {
    code: 'DATE.RANGE',
    message: /previous step was taken on 2010-11-04/,
    errors: [{ field: 'body.decidedOn', message: 'must be from 2010-11-04 to 2010-11-20' }],
  })
  t.match(refused('1997-12-31', null), { code: 'DATE.RANGE' })
})
