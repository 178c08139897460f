import t from 'tap'
import {
  actionDates,
  actionFlags,
  activityRag,
  checkLead,
  checkResources,
  milestoneDates,
  milestoneLabel,
  monthsBefore,
  pounds,
  type ActionContext,
  type ActionResource,
} from '../../src/domain/actions/index.js'
import { DomainError } from '../../src/domain/errors.js'

const resource = (r: Partial<ActionResource>): ActionResource => ({
  description: null,
  amountPence: null,
  amountTbc: false,
  approximate: false,
  source: null,
  secured: null,
  ...r,
})

/**
 * Seed 000's "Establish a Street Pastor scheme in Skegness" (Violent Crime & Substance Misuse, objective
 * 1): April 2010 to March 2011, lead TBC, "£3500 (approx) for training – not yet secured", milestones by
 * quarter of 2010/11 (Q1 = 2010-Q2).
 */
const streetPastors: Omit<ActionContext, 'asOf'> = {
  status: 'on_track',
  startsOn: '2010-04-01',
  endsOn: '2011-03-31',
  leadTbc: true,
  resources: [resource({ amountPence: 350_000, approximate: true, description: 'for training', secured: false })],
  milestones: [
    {
      description: 'Establish progress made with Skegness Town Centre Manager',
      dueOn: '2010-06-30',
      doneOn: '2010-06-10',
    },
    { description: 'Recruit volunteers & provide training', dueOn: '2010-09-30', doneOn: null },
    { description: 'Commence Street Pastor Scheme', dueOn: '2010-12-31', doneOn: null },
    { description: 'Monitor progress of scheme', dueOn: '2011-03-31', doneOn: null },
  ],
  lastProgressOn: '2010-07-15',
}

const flagsAt = (ctx: Omit<ActionContext, 'asOf'>, asOf: string) => actionFlags({ ...ctx, asOf }).map((f) => f.flag)

t.test('every flag on one seed action, as the year goes by', async (t) => {
  t.same(flagsAt(streetPastors, '2010-08-01'), ['resources_unsecured', 'lead_tbc'], 'August: nothing is late yet')
  t.same(
    flagsAt(streetPastors, '2010-10-01'),
    ['milestone_overdue', 'status_contradicts_milestones', 'resources_unsecured', 'lead_tbc'],
    'October: the Q2 milestone is overdue while the status says on track',
  )
  t.same(
    flagsAt(streetPastors, '2010-10-16'),
    ['milestone_overdue', 'status_contradicts_milestones', 'resources_unsecured', 'no_recent_progress', 'lead_tbc'],
    'mid-October: the last update (15 July) is more than a quarter old',
  )
  t.same(
    flagsAt(streetPastors, '2011-04-01'),
    [
      'past_end_not_complete',
      'milestone_overdue',
      'status_contradicts_milestones',
      'resources_unsecured',
      'no_recent_progress',
      'lead_tbc',
    ],
    'April 2011: past its end and not complete',
  )
  const reasons = actionFlags({ ...streetPastors, asOf: '2010-10-16' })
  t.match(reasons, [
    { flag: 'milestone_overdue', reason: '"Recruit volunteers & provide training" was due by 2010-09-30' },
    { flag: 'status_contradicts_milestones', reason: 'status on track while a milestone is overdue' },
    { flag: 'resources_unsecured', reason: 'not secured: £3,500 (approx) for training' },
    { flag: 'no_recent_progress', reason: 'last progress update 2010-07-15, none since 2010-07-16' },
    { flag: 'lead_tbc', reason: 'the lead is to be confirmed' },
  ])
})

t.test('milestone_overdue: due by a date, done by the as-of date', async (t) => {
  const one = (dueOn: string, doneOn: string | null) => ({
    ...streetPastors,
    leadTbc: false,
    resources: [],
    lastProgressOn: '2010-09-01',
    milestones: [{ description: 'Q2 milestone', dueOn, doneOn }],
  })
  t.same(flagsAt(one('2010-09-30', null), '2010-09-30'), [], 'not overdue on its due day')
  t.same(flagsAt(one('2010-09-30', null), '2010-10-01'), ['milestone_overdue', 'status_contradicts_milestones'])
  t.same(flagsAt(one('2010-09-30', '2010-09-29'), '2010-10-01'), [], 'done in time')
  t.same(
    flagsAt(one('2010-09-30', '2010-10-20'), '2010-10-01'),
    ['milestone_overdue', 'status_contradicts_milestones'],
    'done later than the as-of date: overdue as of then',
  )
  t.same(flagsAt(one('2010-09-30', '2010-10-20'), '2010-10-21'), [], 'and not once it was done')
  t.same(
    flagsAt({ ...one('2010-09-30', null), status: 'at_risk' }, '2010-10-01'),
    ['milestone_overdue'],
    'at risk says so: no contradiction',
  )
})

t.test('status_contradicts_milestones counts the overdue milestones', async (t) => {
  const flags = actionFlags({ ...streetPastors, asOf: '2011-01-05' })
  t.match(
    flags.find((f) => f.flag === 'status_contradicts_milestones'),
    {
      reason: 'status on track while 2 milestones are overdue',
    },
  )
  t.match(
    flags.find((f) => f.flag === 'milestone_overdue'),
    {
      reason: '"Recruit volunteers & provide training" was due by 2010-09-30 and 1 more',
    },
  )
})

t.test('no_recent_progress: owed a quarter after the start, none for a start TBC', async (t) => {
  const fresh = { ...streetPastors, leadTbc: false, resources: [], milestones: [], lastProgressOn: null }
  t.same(flagsAt({ ...fresh, startsOn: '2010-06-01' }, '2010-08-31'), [], 'running under a quarter')
  t.same(flagsAt({ ...fresh, startsOn: '2010-06-01' }, '2010-09-01'), ['no_recent_progress'], 'a quarter in, no update')
  t.match(actionFlags({ ...fresh, startsOn: '2010-06-01', asOf: '2010-09-01' })[0], {
    reason: 'no progress update since it started on 2010-06-01',
  })
  t.same(flagsAt({ ...fresh, startsOn: null }, '2011-01-01'), [], 'start TBC: not owed one')
  t.same(
    flagsAt({ ...fresh, lastProgressOn: '2010-06-30' }, '2010-09-30'),
    [],
    'an update exactly a quarter ago counts',
  )
})

t.test('past_end_not_complete and ongoing actions', async (t) => {
  const plain = { ...streetPastors, leadTbc: false, resources: [], milestones: [], lastProgressOn: '2011-03-30' }
  t.same(flagsAt(plain, '2011-03-31'), [], 'on its last day')
  t.same(flagsAt(plain, '2011-04-01'), ['past_end_not_complete'])
  t.same(flagsAt({ ...plain, endsOn: null }, '2015-04-01'), ['no_recent_progress'], 'ongoing: never past its end')
})

t.test('complete and cancelled actions raise no flags', async (t) => {
  for (const status of ['complete', 'cancelled'] as const)
    t.same(flagsAt({ ...streetPastors, status }, '2011-06-01'), [], status)
})

t.test('resources_unsecured: only a resource stated as not secured', async (t) => {
  const base = { ...streetPastors, leadTbc: false, milestones: [], lastProgressOn: '2010-07-01' }
  t.same(
    flagsAt(
      { ...base, resources: [resource({ amountPence: 600_000, source: 'DA SMB', secured: true })] },
      '2010-08-01',
    ),
    [],
    'the Sanctuary Scheme: secured',
  )
  t.same(
    flagsAt({ ...base, resources: [resource({ source: 'CSP allocation' })] }, '2010-08-01'),
    [],
    'not stated: no flag',
  )
  t.match(
    actionFlags({
      ...base,
      asOf: '2010-08-01',
      resources: [resource({ amountTbc: true, source: 'County ABG', secured: false })],
    }),
    [{ flag: 'resources_unsecured', reason: 'not secured: amount TBC County ABG' }],
  )
})

t.test('the activity RAG rule, first match decides', async (t) => {
  const calm = { ...streetPastors, leadTbc: false, resources: [], milestones: [], lastProgressOn: '2010-07-01' }
  const rag = (ctx: Omit<ActionContext, 'asOf'>, asOf: string) => {
    const full = { ...ctx, asOf }
    return activityRag(full, actionFlags(full))
  }
  const cases: Array<[string, Omit<ActionContext, 'asOf'>, string, string, string]> = [
    ['cancelled', { ...streetPastors, status: 'cancelled' }, '2011-06-01', 'grey', 'cancelled'],
    ['complete', { ...streetPastors, status: 'complete' }, '2011-06-01', 'green', 'complete'],
    ['off track', { ...calm, status: 'off_track' }, '2010-08-01', 'red', 'status off track'],
    [
      'past its end',
      { ...calm, lastProgressOn: '2011-03-01' },
      '2011-04-01',
      'red',
      'past its end date: ended 2011-03-31, status on track',
    ],
    ['at risk', { ...streetPastors, status: 'at_risk' }, '2010-08-01', 'amber', 'status at risk'],
    [
      'on track with a flag',
      streetPastors,
      '2010-08-01',
      'amber',
      'resources unsecured: not secured: £3,500 (approx) for training',
    ],
    [
      'not started after its start',
      { ...calm, status: 'not_started' },
      '2010-08-01',
      'amber',
      'not started, due to start 2010-04-01',
    ],
    [
      'not started before its start',
      { ...calm, status: 'not_started', startsOn: '2010-09-01' },
      '2010-08-01',
      'green',
      'not yet due to start',
    ],
    [
      'not started, start TBC',
      { ...calm, status: 'not_started', startsOn: null },
      '2010-08-01',
      'green',
      'not started, no start date set',
    ],
    ['on track', calm, '2010-08-01', 'green', 'status on track'],
  ]
  for (const [name, ctx, asOf, expected, reason] of cases) t.same(rag(ctx, asOf), { rag: expected, reason }, name)
})

t.test('action dates as the plan writes them', async (t) => {
  t.same(
    actionDates('2010-04', '2010-12', 4),
    { starts: '2010-04', ends: '2010-12', startsOn: '2010-04-01', endsOn: '2010-12-31' },
    'April to December 2010',
  )
  t.same(
    actionDates('FY2010-11', 'FY2010-11', 4),
    { starts: 'FY2010-11', ends: 'FY2010-11', startsOn: '2010-04-01', endsOn: '2011-03-31' },
    'April to March',
  )
  t.same(
    actionDates('2009-06-01', '2011-03', 4),
    { starts: '2009-06-01', ends: '2011-03', startsOn: '2009-06-01', endsOn: '2011-03-31' },
    '1st June 2009 to March 2011',
  )
  t.same(
    actionDates('2010-04', 'ongoing', 4),
    { starts: '2010-04', ends: 'ongoing', startsOn: '2010-04-01', endsOn: null },
    'ongoing',
  )
  t.same(actionDates(null, null, 4), { starts: null, ends: null, startsOn: null, endsOn: null }, 'TBC')
  t.throws(() => actionDates('2011-03', '2010-04', 4), { code: 'ACTION.TIMING' }, 'cannot end before it starts')
  t.throws(() => actionDates('2010-02-30', null, 4), { code: 'PERIOD.INVALID' }, 'not a day')
  t.throws(() => actionDates('April 2010', null, 4), DomainError, 'words are not a period')
})

t.test('milestones: due by the end of their period, labelled by the quarter of the year', async (t) => {
  t.same(milestoneDates('2010-Q2', null, 4), { due: '2010-Q2', dueFrom: null, dueOn: '2010-06-30' })
  t.same(milestoneDates('2011-Q1', '2010-Q2', 4), { due: '2011-Q1', dueFrom: '2010-Q2', dueOn: '2011-03-31' })
  t.same(milestoneDates('2010-08-21', null, 4).dueOn, '2010-08-21', 'a day: the Hot Hatch event in Boston')
  t.throws(() => milestoneDates('2010-Q2', '2010-Q3', 4), { code: 'MILESTONE.TIMING' })
  t.equal(milestoneLabel('2010-Q2', null, 4), 'Q1', "2010's April-June quarter is Q1 of 2010/11")
  t.equal(milestoneLabel('2011-Q1', null, 4), 'Q4')
  t.equal(milestoneLabel('2011-Q1', '2010-Q2', 4), 'Q1-4')
  t.equal(milestoneLabel('2010-Q4', '2010-Q3', 4), 'Q2-3')
  t.equal(milestoneLabel('2011-Q2', '2010-Q2', 4), '2010-Q2 to 2011-Q2', 'across two years: as written')
  t.equal(milestoneLabel('2010-Q2', null, 1), 'Q2', 'a January year: calendar quarters')
  t.equal(milestoneLabel('2010-Q2', null, 2), '2010-Q2', "quarters that do not align with the year's start: as written")
  t.equal(milestoneLabel('2010-10', null, 4), '2010-10')
})

t.test('lead and resources: TBC is a state', async (t) => {
  t.doesNotThrow(() => checkLead({ leadName: null, leadAgencyId: null, leadTbc: true }))
  t.doesNotThrow(() => checkLead({ leadName: 'Peter Hunn & John Fleming', leadAgencyId: null, leadTbc: false }))
  t.throws(() => checkLead({ leadName: 'Sue', leadAgencyId: null, leadTbc: true }), { code: 'ACTION.LEAD' })
  t.throws(() => checkLead({ leadName: ' TBC ', leadAgencyId: null, leadTbc: false }), { code: 'ACTION.LEAD' })
  t.doesNotThrow(() => checkResources([resource({ amountTbc: true, source: 'CSP funding allocation' })]))
  t.throws(() => checkResources([resource({ amountTbc: true, amountPence: 100 })]), { code: 'ACTION.RESOURCE' })
  t.throws(() => checkResources([resource({ approximate: true })]), { code: 'ACTION.RESOURCE' })
})

t.test('dates and money helpers', async (t) => {
  t.equal(monthsBefore('2010-05-31', 3), '2010-02-28', 'kept within the shorter month')
  t.equal(monthsBefore('2011-01-15', 3), '2010-10-15', 'across a year')
  t.equal(pounds(600_000), '£6,000')
  t.equal(pounds(4_950_000), '£49,500')
  t.equal(pounds(65_450), '£654.50')
})
