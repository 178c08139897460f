import t from 'tap'
import { DomainError } from '../../src/domain/errors.js'
import {
  checkIssue,
  checkMeetings,
  checkSelection,
  curate,
  returnDeadlines,
  returnStatus,
  type Selection,
} from '../../src/domain/rounds.js'

const codeOf = (fn: () => void) => {
  try {
    fn()
    return null
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError'
  }
}

// East Lincolnshire's half year (seed 000): the period ends 2010-09-30.
const meetings = { themeMeetingsOn: '2010-10-12', pmgMeetingOn: '2010-10-26', strategicMeetingOn: '2010-11-09' }

t.test('the meetings run theme groups, PMG, Strategic Group, after the period ends', async (t) => {
  t.equal(
    codeOf(() => checkMeetings(meetings, '2010-09-30')),
    null,
  )
  t.equal(
    codeOf(() => checkMeetings({ ...meetings, pmgMeetingOn: '2010-10-12' }, '2010-09-30')),
    null,
    'same day',
  )
  t.equal(
    codeOf(() => checkMeetings({ ...meetings, themeMeetingsOn: '2010-09-30' }, '2010-09-30')),
    'ROUND.DATES',
  )
  t.equal(
    codeOf(() => checkMeetings({ ...meetings, pmgMeetingOn: '2010-10-11' }, '2010-09-30')),
    'ROUND.DATES',
  )
  t.equal(
    codeOf(() => checkMeetings({ ...meetings, strategicMeetingOn: '2010-10-25' }, '2010-09-30')),
    'ROUND.DATES',
  )
})

t.test('seed 000: the report goes 7 days before a meeting and comes back within 7 days after', async (t) => {
  t.same(returnDeadlines('2010-10-05', 7, 7), { sendBy: '2010-09-28', returnBy: '2010-10-12' })
  t.same(returnDeadlines('2011-03-01', 7, 7), { sendBy: '2011-02-22', returnBy: '2011-03-08' }, 'across February')
  t.same(returnDeadlines('2010-10-05', 0, 0), { sendBy: '2010-10-05', returnBy: '2010-10-05' })
  t.equal(returnStatus(false, '2010-10-12', '2010-10-12'), 'due', 'due on the day itself')
  t.equal(returnStatus(false, '2010-10-12', '2010-10-13'), 'overdue')
  t.equal(returnStatus(true, '2010-10-12', '2010-11-01'), 'submitted', 'a submitted return is never overdue')
})

const decision = (overrides: Partial<Selection>) => ({
  decision: 'keep' as const,
  direction: null,
  reason: null,
  actionId: null,
  ...overrides,
})

t.test('what PMG may decide of an indicator and area', async (t) => {
  t.equal(
    codeOf(() => checkSelection(decision({ actionId: 'a1' }), true)),
    null,
    'keep, with its action',
  )
  t.equal(
    codeOf(() => checkSelection(decision({}), false)),
    'ROUND.SELECTION',
    'keep what was not raised',
  )
  t.equal(
    codeOf(() => checkSelection(decision({ decision: 'drop' }), true)),
    'ROUND.SELECTION',
    'drop needs a reason',
  )
  t.equal(
    codeOf(() => checkSelection(decision({ decision: 'drop', reason: '  ' }), true)),
    'ROUND.SELECTION',
  )
  t.equal(
    codeOf(() => checkSelection(decision({ decision: 'drop', reason: 'survey only' }), true)),
    null,
  )
  t.equal(
    codeOf(() => checkSelection(decision({ decision: 'drop', reason: 'x', actionId: 'a1' }), true)),
    'ROUND.SELECTION',
    'a dropped exception takes no action',
  )
  const add = decision({ decision: 'add', reason: 'rising fast', direction: 'bad' })
  t.equal(
    codeOf(() => checkSelection(add, false)),
    null,
  )
  t.equal(
    codeOf(() => checkSelection(add, true)),
    'ROUND.SELECTION',
    'adding what is already there',
  )
  t.equal(
    codeOf(() => checkSelection({ ...add, direction: null }, false)),
    'ROUND.SELECTION',
    'good or bad news',
  )
})

const item = (indicator: string, area: string, ...flags: string[]) => ({
  indicator: { id: indicator },
  area: { id: area },
  evaluation: { flags: flags.map((flag) => ({ flag })) },
})

t.test('curation: kept by default, data issues apart, dropped with reasons, added from the rest', async (t) => {
  // Seed 000 at 2010-09: NI 20 Boston off target; NI 21 East Lindsey has a TBC target; LOCAL ASB Boston
  // off target but PMG drops it; NI 16 Boston is no exception, PMG adds it.
  const ni20 = item('NI20', 'BOS', 'off_target')
  const ni21 = item('NI21', 'EL', 'no_target')
  const asb = item('ASB', 'BOS', 'off_target', 'spc_signal')
  const ni16 = item('NI16', 'BOS')
  const candidates = [ni20, ni21, asb]
  const selections: Selection[] = [
    {
      indicatorId: 'ASB',
      areaId: 'BOS',
      decision: 'drop',
      direction: null,
      reason: 'recording change',
      actionId: null,
    },
    { indicatorId: 'NI16', areaId: 'BOS', decision: 'add', direction: 'bad', reason: 'rising', actionId: 'a7' },
  ]
  const { exceptions, dataIssues, dropped } = curate(candidates, [...candidates, ni16], selections)
  t.same(
    exceptions.map((e) => [e.indicator.id, e.selection?.decision ?? 'default', e.direction ?? null]),
    [
      ['NI20', 'default', null],
      ['NI16', 'add', 'bad'],
    ],
  )
  t.same(
    dataIssues.map((d) => d.indicator.id),
    ['NI21'],
    'a TBC target is chased, not escalated',
  )
  t.same(
    dropped.map((d) => [d.indicator.id, d.selection.reason]),
    [['ASB', 'recording change']],
  )

  const kept = curate(candidates, candidates, [
    { indicatorId: 'NI21', areaId: 'EL', decision: 'keep', direction: null, reason: null, actionId: null },
  ])
  t.same(
    kept.exceptions.map((e) => e.indicator.id),
    ['NI20', 'NI21', 'ASB'],
    'a data issue PMG keeps explicitly goes up',
  )
  t.same(kept.dataIssues, [])
  t.same(
    curate([item('X', 'A', 'no_target', 'off_target')], [], []).dataIssues,
    [],
    'a data flag beside a performance flag is a performance exception',
  )
})

t.test('a round is issued with every return in, or with a reason', async (t) => {
  t.equal(
    codeOf(() => checkIssue([], undefined)),
    null,
  )
  t.equal(
    codeOf(() => checkIssue(['PPO group'], undefined)),
    'ROUND.RETURNS_MISSING',
  )
  t.equal(
    codeOf(() => checkIssue(['PPO group'], ' ')),
    'ROUND.RETURNS_MISSING',
  )
  t.equal(
    codeOf(() => checkIssue(['PPO group'], 'chair ill; verbal update at PMG')),
    null,
  )
})
