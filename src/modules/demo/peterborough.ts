import type { DemoGroup, DemoIndicator, DemoMeasurement, DemoRound } from './demo.types.js'

// Safer Peterborough Partnership, from its Partnership Plan 2010-11, section 8: seed 003.

export const partnership = { slug: 'peterborough', name: 'Safer Peterborough Partnership', financialYearStartMonth: 4 }

export const areas = [{ code: 'E06000031', name: 'Peterborough', type: 'district', parent: null }] as const

export const agencies = [
  { name: 'Peterborough City Council', role: 'responsible_authority', dataSupplied: 'Place Survey results' },
  {
    name: 'Cambridgeshire Constabulary',
    role: 'responsible_authority',
    dataSupplied: 'Recorded crime, KSI casualties',
  },
  {
    name: 'Cambridgeshire Fire and Rescue Service',
    role: 'responsible_authority',
    dataSupplied: 'Deliberate primary and secondary fires',
  },
  { name: 'NHS Peterborough', role: 'responsible_authority', dataSupplied: 'Drug users in effective treatment' },
  {
    name: 'Cambridgeshire Probation Service',
    role: 'responsible_authority',
    dataSupplied: 'Re-offending of prolific and priority offenders',
  },
] as const

export const priorities = [
  { code: 'SAC', name: 'Serious Acquisitive Crime', description: 'Section 8.1.', objectives: [] },
  { code: 'ASB', name: 'Anti Social Behaviour', description: 'Section 8.2.', objectives: [] },
  { code: 'DA', name: 'Domestic Abuse', description: 'Section 8.3: repeat cases reviewed by MARAC.', objectives: [] },
  {
    code: 'SSV',
    name: 'Serious Sexual Violence',
    description:
      'Sections 4.4 and 8.4: specialist support for victims through the Sexual Assault Referral Centre (open since January 2010); its figures are being collected.',
    objectives: [],
  },
  { code: 'VC', name: 'Violent Crime', description: 'Section 8.5.', objectives: [] },
  { code: 'RS', name: 'Road Safety', description: 'Section 8.6: targeted on calendar years.', objectives: [] },
  {
    code: 'IOM',
    name: 'Integrated Offender Management',
    description:
      'Sections 4.1.2 and 7.7: the Prolific and Priority Offenders Scheme redesigned, the Drugs Intervention Programme aligned with it.',
    objectives: [],
  },
  {
    code: 'SAT',
    name: 'Satisfaction Levels',
    description: 'Section 8.7: whether residents feel safer.',
    objectives: [],
  },
] as const

export const themes = [] as const

const PB = 'E06000031'
const police = {
  unit: 'count',
  frequency: 'monthly',
  aggregation: 'sum',
  source: 'Cambridgeshire Constabulary',
  dataLagDays: 21,
} as const
const placeSurvey = {
  unit: 'percentage',
  frequency: 'biennial',
  aggregation: 'latest',
  decimalPlaces: 1,
  source: 'Peterborough City Council',
  dataLagDays: 183,
} as const
const months2009 = [
  '2009-01',
  '2009-02',
  '2009-03',
  '2009-04',
  '2009-05',
  '2009-06',
  '2009-07',
  '2009-08',
  '2009-09',
  '2009-10',
  '2009-11',
  '2009-12',
]
const fy2009 = [
  '2009-04',
  '2009-05',
  '2009-06',
  '2009-07',
  '2009-08',
  '2009-09',
  '2009-10',
  '2009-11',
  '2009-12',
  '2010-01',
  '2010-02',
  '2010-03',
]
const zip = (periods: string[], values: string[]) => periods.map((p, i) => [p, values[i]!] as const)

export const indicators: DemoIndicator[] = [
  {
    reference: 'NI 16',
    name: 'Serious acquisitive crime',
    priority: 'SAC',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: PB, period: 'FY2009-10', baseline: ['5295', '2009-05'], target: { value: '4574' } },
      { area: PB, period: 'FY2010-11', baseline: ['5295', '2009-05'], target: { value: '4375' } },
    ],
  },
  {
    reference: 'NI 40',
    name: 'Drug users recorded as being in effective treatment',
    priority: 'SAC',
    polarity: 'higher_better',
    unit: 'count',
    frequency: 'monthly',
    aggregation: 'latest',
    source: 'NHS Peterborough',
    dataLagDays: 84,
    targets: [
      { area: PB, period: 'FY2008-09', baseline: ['797', '2009-01'], target: { value: '764' } },
      { area: PB, period: 'FY2009-10', baseline: ['797', '2009-01'], target: { value: '808' } },
    ],
  },
  {
    reference: 'NI 17',
    name: 'Perceptions of anti-social behaviour',
    priority: 'ASB',
    polarity: 'lower_better',
    ...placeSurvey,
    targets: [{ area: PB, baseline: ['20.5', '2008'], target: { value: '17.0' } }],
  },
  {
    reference: 'NI 33',
    name: 'Number of deliberate primary and secondary fires',
    priority: 'ASB',
    polarity: 'lower_better',
    unit: 'count',
    frequency: 'monthly',
    aggregation: 'sum',
    source: 'Cambridgeshire Fire and Rescue Service',
    dataLagDays: 28,
    targets: [
      { area: PB, period: 'FY2009-10', baseline: ['818', '2009-05'], target: { value: '722' } },
      { area: PB, period: 'FY2010-11', baseline: ['818', '2009-05'], target: { value: '667' } },
    ],
  },
  {
    reference: 'MARAC RPT',
    name: 'Repeat cases heard at MARAC',
    priority: 'DA',
    polarity: 'lower_better',
    unit: 'percentage',
    frequency: 'monthly',
    aggregation: 'ratio_of_sums',
    decimalPlaces: 1,
    targets: [
      {
        area: PB,
        period: 'FY2009-10',
        target: { value: '35.0' },
        // Section 8.3 tabulates the repeat rate over the twelve months to each month against this trajectory.
        judgedOn: 'rolling_12_months',
        profile: {
          cumulative: false,
          values: zip(fy2009, [
            '41.4',
            '40.8',
            '40.3',
            '39.7',
            '39.1',
            '38.5',
            '37.9',
            '37.3',
            '36.8',
            '36.2',
            '35.6',
            '35.0',
          ]),
        },
      },
      { area: PB, period: 'FY2010-11', target: { value: '28' }, judgedOn: 'rolling_12_months' },
    ],
  },
  {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    priority: 'VC',
    polarity: 'lower_better',
    ...police,
    targets: [
      // "The rolling 12 month average was already ahead of the March 2010 target" (section 8.5).
      {
        area: PB,
        period: 'FY2009-10',
        baseline: ['1557', '2009-05'],
        target: { value: '1595' },
        judgedOn: 'rolling_12_months',
      },
      {
        area: PB,
        period: 'FY2010-11',
        baseline: ['1557', '2009-05'],
        target: { value: '1538' },
        judgedOn: 'rolling_12_months',
      },
    ],
  },
  {
    reference: 'NI 47',
    name: 'People killed or seriously injured in road traffic accidents',
    priority: 'RS',
    polarity: 'lower_better',
    ...police,
    targets: [
      {
        area: PB,
        period: '2009',
        target: { value: '99' },
        profile: {
          cumulative: true,
          values: zip(months2009, ['9', '14', '23', '29', '38', '46', '55', '65', '73', '82', '90', '99']),
        },
      },
    ],
  },
  {
    reference: 'NI 48',
    name: 'Children killed or seriously injured in road traffic accidents',
    priority: 'RS',
    polarity: 'lower_better',
    ...police,
    targets: [{ area: PB, period: '2009', target: 'tbc' }],
  },
  // Performance measures the plan names without figures or targets yet ("Data to be updated at end of
  // financial year"; NI 26's is being collected since the SARC opened): they are grey until figures come.
  {
    reference: 'NI 111',
    name: 'First time entrants to the Youth Justice System aged 10-17',
    priority: 'SAC',
    polarity: 'lower_better',
    unit: 'count',
    frequency: 'annual',
    aggregation: 'sum',
    source: 'Peterborough City Council',
    // The Youth Offending Service's year, a quarter after it ends.
    dataLagDays: 91,
    targets: [],
  },
  {
    reference: 'NI 26',
    name: 'Specialist support for victims of serious sexual offences',
    priority: 'SSV',
    polarity: 'higher_better',
    unit: 'count',
    frequency: 'quarterly',
    aggregation: 'sum',
    source: 'NHS Peterborough',
    // The SARC's quarterly return.
    dataLagDays: 42,
    targets: [],
  },
  {
    reference: 'NI 30',
    name: 'Re-offending rate of prolific and priority offenders',
    priority: 'IOM',
    polarity: 'lower_better',
    unit: 'percentage',
    frequency: 'quarterly',
    aggregation: 'latest',
    decimalPlaces: 1,
    source: 'Cambridgeshire Probation Service',
    // Probation's quarterly figure, as East Lincolnshire's probation figures come.
    dataLagDays: 42,
    targets: [],
  },
  {
    reference: 'NI 21',
    name: 'Dealing with local concerns about anti-social behaviour and crime by the council and police',
    priority: 'SAT',
    polarity: 'higher_better',
    ...placeSurvey,
    targets: [{ area: PB, baseline: ['24.1', '2008'], target: { value: '35.6' } }],
  },
]

const MARAC_MONTHS = [
  ['2008-04', '13', '15'],
  ['2008-05', '5', '14'],
  ['2008-06', '9', '14'],
  ['2008-07', '14', '16'],
  ['2008-08', '6', '14'],
  ['2008-09', '5', '14'],
  ['2008-10', '2', '18'],
  ['2008-11', '10', '29'],
  ['2008-12', '6', '31'],
  ['2009-01', '7', '19'],
  ['2009-02', '5', '7'],
  ['2009-03', '10', '20'],
  ['2009-04', '4', '12'],
  ['2009-05', '10', '27'],
] as const

export const measurements: DemoMeasurement[] = [
  // NI 47 and NI 48 monthly KSIs, January to April 2009.
  ...zip(['2009-01', '2009-02', '2009-03', '2009-04'], ['9', '4', '12', '5']).map(([period, value]) => ({
    indicator: 'NI 47',
    area: PB,
    period,
    value,
  })),
  ...zip(['2009-01', '2009-02', '2009-03', '2009-04'], ['0', '0', '2', '1']).map(([period, value]) => ({
    indicator: 'NI 48',
    area: PB,
    period,
    value,
  })),
  // MARAC: repeat cases of cases heard. Section 4.5.1 prints April 2008 to February 2009, section 8.3 April
  // and May 2009; its rolling totals (208 and 83 at April, 221 and 88 at May) leave March 2009 at 20 and 10.
  ...MARAC_MONTHS.map(([period, numerator, denominator]) => ({
    indicator: 'MARAC RPT',
    area: PB,
    period,
    numerator,
    denominator,
  })),
]

// Section 3: the Task and Finish Groups (one per priority, each led by its theme lead) report monthly to
// the Performance Challenge meeting (the partnership's performance management group), whose minutes go
// to the Delivery Board and on to the Partnership Board (section 9). The people are illustrative, bar
// the Partnership Board's chair, whom the plan names.
const since = '2009-04-01'
const COUNCIL = 'Peterborough City Council'
const POLICE = 'Cambridgeshire Constabulary'
const NHS = 'NHS Peterborough'
const FIRE = 'Cambridgeshire Fire and Rescue Service'
const lead = (subject: string, name: string, agency: string) => ({
  subject,
  name,
  agency,
  offices: ['chair'] as const,
  startsOn: since,
})

/** A Task and Finish Group for a priority, led by its theme lead (section 3.4). */
const taskAndFinish = (priority: string, topic: string, agency: string, leadName: string, description: string) => ({
  name: `${topic} Task and Finish Group`,
  kind: 'theme' as const,
  priority,
  description,
  members: [lead(`${priority.toLowerCase()}.lead@peterborough.example.org`, leadName, agency)],
})

export const groups: DemoGroup[] = [
  taskAndFinish(
    'SAC',
    'Serious Acquisitive Crime',
    POLICE,
    'DCI, SAC theme lead',
    'Led by a Detective Chief Inspector.',
  ),
  taskAndFinish('ASB', 'Anti Social Behaviour', COUNCIL, 'ASB theme lead', 'Led by Peterborough City Council.'),
  taskAndFinish('DA', 'Domestic Abuse', COUNCIL, 'Domestic abuse theme lead', 'Repeat cases reviewed by MARAC.'),
  taskAndFinish(
    'VC',
    'Violent Crime',
    POLICE,
    'Violent crime theme lead',
    'Hate crime with the Racial Equality Council.',
  ),
  taskAndFinish(
    'SSV',
    'Serious Sexual Violence',
    NHS,
    'Serious sexual violence theme lead',
    'Led by NHS Peterborough; oversees the work on street sex work too.',
  ),
  taskAndFinish('RS', 'Road Safety', COUNCIL, 'Road safety theme lead', 'Led by Peterborough City Council.'),
  taskAndFinish(
    'IOM',
    'Integrated Offender Management',
    COUNCIL,
    'Integrated offender management theme lead',
    'Led by Peterborough City Council: the Prolific and Priority Offenders Scheme.',
  ),
  {
    name: 'Performance Challenge meeting',
    kind: 'performance',
    description:
      'Performance leads and theme leads, monthly, between the Task and Finish Groups and the Delivery Board (section 3.3).',
    members: [
      lead('performance.lead@peterborough.example.org', 'Partnership performance lead', COUNCIL),
      { subject: 'analyst@peterborough.example.org', name: 'Partnership analyst', agency: NHS, startsOn: since },
    ],
  },
  {
    name: 'Partnership Board',
    kind: 'strategic',
    description: 'The statutory partnership (section 3.1).',
    members: [lead('chris.strickland@peterborough.example.org', 'Chris Strickland, Deputy Chief Fire Officer', FIRE)],
  },
]

/** May 2009's monthly round, as section 9 runs it: the Task and Finish Groups, the challenge, the Board. */
export const rounds: DemoRound[] = [
  {
    period: '2009-05',
    themeMeetingsOn: '2009-06-09',
    pmgMeetingOn: '2009-06-16',
    strategicMeetingOn: '2009-06-30',
    pmg: 'performance.lead@peterborough.example.org',
    strategic: 'chris.strickland@peterborough.example.org',
    returns: {
      'Serious Acquisitive Crime Task and Finish Group':
        'Burglary dwelling and robbery of personal property remain the concerns; the rolling year is ahead of the March 2010 target.',
      'Anti Social Behaviour Task and Finish Group': 'Begging publicity campaign continues; no variance to the plan.',
      'Domestic Abuse Task and Finish Group':
        'MARAC heard 27 cases in May, 10 of them repeats; the IDVA service reviews referrals from the police.',
      'Violent Crime Task and Finish Group': 'City-centre night-time economy work with the licensed trade continues.',
      'Serious Sexual Violence Task and Finish Group':
        'Preparing the Sexual Assault Referral Centre with the PCT; a focus group on street sex work is planned.',
      'Integrated Offender Management Task and Finish Group':
        'The redesign of the Prolific and Priority Offenders Scheme continues; the cohort is being refreshed.',
      'Road Safety Task and Finish Group':
        'KSI casualties for the calendar year to April are within profile; targets for 2009 are to be confirmed.',
    },
    // MARAC goes up as the good news it is (the repeat rate significantly below a year before); May's 27
    // cases, queried on arrival as far above the months before, are the seed's own figure.
    selections: [
      {
        indicator: 'MARAC RPT',
        area: PB,
        decision: 'keep',
        reason:
          'Repeats over the twelve months to May (39.8%, 88 of 221 cases) are ahead of the new trajectory (40.8%); the 27 cases heard in May are confirmed by the MARAC coordinator.',
      },
    ],
    responses: [
      {
        indicator: 'MARAC RPT',
        area: PB,
        response: 'accepted',
        note: 'Ahead of the trajectory to 35% by March 2010; the Board will follow it monthly.',
      },
    ],
  },
]
