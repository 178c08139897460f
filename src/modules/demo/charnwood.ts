import type { DemoGroup, DemoIndicator, DemoMeasurement, DemoStream } from './demo.types.js'

// Charnwood Community Safety Partnership, from its 2010/11 Performance Plan (seed 002): the funding it
// receives, allocated to initiatives, and the groups its funding process runs through. The plan names the
// groups' roles, not their members: the members below are illustrative, as each group's description says.

export const partnership = {
  slug: 'charnwood',
  name: 'Charnwood Community Safety Partnership',
  financialYearStartMonth: 4,
}

export const areas = [{ code: 'E07000130', name: 'Charnwood', type: 'district', parent: null }] as const

export const agencies = [
  { name: 'Charnwood Borough Council', role: 'responsible_authority', dataSupplied: null },
  { name: 'Leicestershire Police', role: 'responsible_authority', dataSupplied: null },
  { name: 'Leicestershire Police Authority', role: 'responsible_authority', dataSupplied: null },
  { name: 'Leicestershire County Council', role: 'responsible_authority', dataSupplied: null },
  { name: 'Leicestershire Fire Authority', role: 'responsible_authority', dataSupplied: null },
  { name: 'Leicestershire County & Rutland Primary Care Trust', role: 'responsible_authority', dataSupplied: null },
] as const

/** "The Community Safety Plan for 2010-2011 identifies the Partnership's priorities for improvement as". */
export const priorities = [
  { code: 'CC', name: 'Improving Community Confidence', description: 'Community Safety Plan 2010-11.', objectives: [] },
  { code: 'AC', name: 'Reducing Acquisitive Crime', description: 'Community Safety Plan 2010-11.', objectives: [] },
  {
    code: 'VHC',
    name: 'Reducing Violent and Hate Crime',
    description: 'Community Safety Plan 2010-11.',
    objectives: [],
  },
  {
    code: 'ASB',
    name: 'Reducing Anti Social Behaviour',
    description: 'Community Safety Plan 2010-11.',
    objectives: [],
  },
] as const

export const themes = [] as const

// "Measures and Targets" and "Key Diagnostic Indicators" of the plan. Where it states a change against a
// baseline it does not print (a 3% reduction for 2010-11 on 2009-10's outturn), the target is TBC; where
// it prints a figure, the figure is loaded for its period (the 2008 Place Survey as 2008-09).
const CH = 'E07000130'
const POLICE_COUNTS = {
  unit: 'count',
  frequency: 'monthly',
  aggregation: 'sum',
  source: 'Leicestershire Police',
  dataLagDays: 21,
} as const
const PLACE_SURVEY = {
  unit: 'percentage',
  frequency: 'biennial',
  aggregation: 'latest',
  decimalPlaces: 1,
  source: 'Charnwood Borough Council',
  dataLagDays: 183,
} as const
const tbc = (definition: string) => ({ definition, targets: [{ area: CH, target: 'tbc' as const }] })
/** A key diagnostic indicator: it unpicks its headline's figure and carries no target of its own. */
const kdi = (reference: string, name: string, parent: string, priority: string): DemoIndicator => ({
  reference,
  name,
  parent,
  priority,
  polarity: 'lower_better',
  ...POLICE_COUNTS,
  definition: `A key diagnostic indicator of ${parent}: it helps to understand its direction of travel.`,
  targets: [],
})

export const indicators: DemoIndicator[] = [
  {
    reference: 'NI 16',
    name: 'Serious acquisitive crime rate',
    priority: 'AC',
    polarity: 'lower_better',
    ...POLICE_COUNTS,
    ...tbc('Target: a 3% reduction for 2010-2011. Most recent data: 0.1% reduction (1 April to 1 December 2009).'),
  },
  kdi('LOCAL BD', 'Burglary dwelling', 'NI 16', 'AC'),
  kdi('LOCAL TFV', 'Theft from a vehicle', 'NI 16', 'AC'),
  kdi('LOCAL TOV', 'Theft of a vehicle', 'NI 16', 'AC'),
  kdi('LOCAL ROB', 'Robbery', 'NI 16', 'AC'),
  {
    reference: 'LOCAL CYCLE',
    name: 'Cycle theft',
    priority: 'AC',
    polarity: 'lower_better',
    ...POLICE_COUNTS,
    ...tbc(
      'Target: a 3% reduction against the baseline of March 2008 for 2010-2011. Most recent data: 0% increase (1 April to 1 December 2009).',
    ),
  },
  {
    reference: 'NI 40',
    name: 'Drug users in effective treatment',
    priority: 'AC',
    polarity: 'higher_better',
    unit: 'count',
    frequency: 'monthly',
    aggregation: 'latest',
    source: 'Leicestershire County & Rutland Primary Care Trust',
    dataLagDays: 84,
    definition: 'Target 2010/11: 417 in Charnwood. Most recent data: Q2, exceeding target by 3.6% (1,191).',
    targets: [{ area: CH, target: { value: '417' } }],
  },
  {
    reference: 'NI 20',
    name: 'Assault with injury crime rate',
    priority: 'VHC',
    polarity: 'lower_better',
    ...POLICE_COUNTS,
    ...tbc('Target 2010/11: -3%. Most recent data: 11% reduction (1 April to 1 December 2009).'),
  },
  kdi('LOCAL ALSI', 'Assault with less serious injury', 'NI 20', 'VHC'),
  kdi('LOCAL AWI', 'Assault without injury', 'NI 20', 'VHC'),
  kdi('LOCAL OHA', 'Other homicide and assault', 'NI 20', 'VHC'),
  {
    reference: 'NI 32',
    name: 'Repeat incidents of domestic violence',
    priority: 'VHC',
    polarity: 'lower_better',
    unit: 'percentage',
    frequency: 'quarterly',
    aggregation: 'latest',
    decimalPlaces: 1,
    source: 'Leicestershire Police',
    dataLagDays: 42,
    ...tbc('To be set before March 2010: a county-wide target through the MARACs.'),
  },
  {
    reference: 'LOCAL HATE',
    name: 'Reporting of hate incidents and crime',
    priority: 'VHC',
    polarity: 'higher_better',
    ...POLICE_COUNTS,
    ...tbc(
      'Target: a 5% increase against the baseline as at March 2008 for 2010-2011. Most recent data: 12.6% increase at March 2008.',
    ),
  },
  {
    reference: 'NI 17',
    name: 'Percentage who think that anti-social behaviour is a problem in their local area',
    priority: 'ASB',
    polarity: 'lower_better',
    ...PLACE_SURVEY,
    definition: 'Target: a 10% reduction on the 2008 Place Survey (15.6%).',
    targets: [{ area: CH, baseline: ['15.6', 'FY2008-09'], target: { change: '-10' } }],
  },
  {
    reference: 'LOCAL ABC',
    name: 'Acceptable Behaviour Contracts leading to no further action',
    priority: 'ASB',
    polarity: 'higher_better',
    unit: 'percentage',
    frequency: 'quarterly',
    aggregation: 'latest',
    decimalPlaces: 1,
    source: 'Charnwood Borough Council',
    dataLagDays: 42,
    definition: 'Target: 70% of Acceptable Behaviour Contracts lead to no further actions in 2010 to 2011.',
    targets: [{ area: CH, target: { value: '70' } }],
  },
  {
    reference: 'LOCAL CD',
    name: 'Criminal damage',
    priority: 'ASB',
    polarity: 'lower_better',
    ...POLICE_COUNTS,
    ...tbc('Target: a 5% reduction in 2010/2011. Most recent data: 12% decrease at March 2008.'),
  },
  {
    reference: 'NI 21',
    name: 'Dealing with local concerns about anti-social behaviour and crime by the local council and police',
    priority: 'CC',
    polarity: 'higher_better',
    ...PLACE_SURVEY,
    definition: 'Target: 33% by 2010/11 in the Place Survey (25% in 2008). BCS: 50.3%.',
    targets: [{ area: CH, baseline: ['25', 'FY2008-09'], target: { value: '33' } }],
  },
  {
    reference: 'NI 18',
    name: 'Adult re-offending rates for those under probation supervision',
    priority: 'CC',
    polarity: 'lower_better',
    unit: 'ratio',
    frequency: 'annual',
    aggregation: 'latest',
    decimalPlaces: 2,
    source: 'Leicestershire County Council',
    dataLagDays: 91,
    definition:
      'Measured as the change against the predicted rate: target 2010/11 -9.64%; -2.66% April 2008 to March 2009. A change below zero is not a figure the service keeps, so neither is loaded.',
    targets: [],
  },
  {
    reference: 'NI 19',
    name: 'Rate of proven re-offending by young offenders',
    priority: 'CC',
    polarity: 'lower_better',
    unit: 'ratio',
    frequency: 'quarterly',
    aggregation: 'latest',
    decimalPlaces: 2,
    source: 'Leicestershire County Council',
    dataLagDays: 91,
    definition: 'Offences per young offender (PSA 23). Target 2010/11: 1.21; 0.41 offences April to June 2009.',
    targets: [{ area: CH, target: { value: '1.21' } }],
  },
]

/** The figures the plan prints as figures (its other "most recent data" are changes, not figures). */
export const measurements: DemoMeasurement[] = [
  { indicator: 'NI 17', area: CH, period: 'FY2008-09', value: '15.6', source: 'Seed 002: 2008 Place Survey' },
  { indicator: 'NI 21', area: CH, period: 'FY2008-09', value: '25', source: 'Seed 002: 2008 Place Survey' },
  { indicator: 'NI 19', area: CH, period: '2009-Q2', value: '0.41', source: 'Seed 002: April to June 2009' },
]

const ILLUSTRATIVE = 'Members are illustrative: the plan names the group, not its members.'
const since = '2010-04-01'
const CBC = 'Charnwood Borough Council'
const POLICE = 'Leicestershire Police'

export const groups: readonly DemoGroup[] = [
  {
    name: 'Acquisitive Crime Delivery Group',
    kind: 'delivery',
    priority: 'AC',
    description: `Delivery group: receives funding applications for its priority (Funding Process, first stage). ${ILLUSTRATIVE}`,
    members: [
      {
        subject: 'ac.chair@example.org',
        name: 'Delivery group chair',
        agency: POLICE,
        offices: ['chair'],
        startsOn: since,
      },
      { subject: 'ac.member@example.org', name: 'Delivery group member', agency: CBC, startsOn: since },
    ],
  },
  {
    name: 'Anti Social Behaviour Delivery Group',
    kind: 'delivery',
    priority: 'ASB',
    description: `Delivery group for anti-social behaviour. ${ILLUSTRATIVE}`,
    members: [
      {
        subject: 'asb.chair@example.org',
        name: 'Delivery group chair',
        agency: CBC,
        offices: ['chair'],
        startsOn: since,
      },
    ],
  },
  {
    name: 'Performance Group',
    kind: 'performance',
    description: `Monitors the use of funds at each meeting; decides supported bids over the threshold. ${ILLUSTRATIVE}`,
    members: [
      {
        subject: 'pg.chair@example.org',
        name: 'Performance Group chair',
        agency: CBC,
        offices: ['chair'],
        startsOn: since,
      },
      { subject: 'pg.member@example.org', name: 'Performance Group member', agency: POLICE, startsOn: since },
    ],
  },
  {
    name: 'Partnership Board',
    kind: 'strategic',
    description: `The Partnership: its designated officer, chair and vice chair decide supported bids at or under the threshold. ${ILLUSTRATIVE}`,
    members: [
      {
        subject: 'board.chair@example.org',
        name: 'Partnership chair',
        agency: CBC,
        offices: ['chair'],
        startsOn: since,
      },
      {
        subject: 'board.vice@example.org',
        name: 'Partnership vice chair',
        agency: POLICE,
        offices: ['vice_chair'],
        startsOn: since,
      },
      {
        subject: 'policy.officer@example.org',
        name: 'Policy Officer (Community Safety)',
        agency: CBC,
        offices: ['designated_officer'],
        startsOn: since,
      },
    ],
  },
]

/** "The following table sets out the proposed allocation of available funds in 2010/11", to the penny. */
export const funding: readonly DemoStream[] = [
  {
    name: 'Safer and Stronger Communities Fund',
    funder: 'Leicestershire Local Area Agreement (Area Based Grant)',
    financialYear: 'FY2010-11',
    totalPence: 96_351_00,
    accountableBody: CBC,
    notes: 'Partnership funds are managed by the Communities and Partnership Manager at Charnwood Borough Council.',
    allocations: [
      ['Charnwood Mentoring Scheme', 5_000_00],
      ['Diversionary activities', 2_500_00],
      ['Matrix Signs', 2_000_00],
      ['Training of front line staff', 3_000_00],
      ['Charnwood Domestic Abuse Forum Co-ordinator', 10_000_00],
      ['Charnwood Domestic Abuse Clinic', 3_068_00],
      ['Substance Misuse Family Support Project', 7_000_00],
      ['Mobile CCTV', 1_000_00],
      ['Futures Unlocked', 5_000_00],
      ['Burglary Initiatives from Problem Solving Workshop', 5_000_00],
      ['CCTV Monitoring', 25_000_00],
      ['Interagency Community Safety bureau', 5_707_00],
      ['Reassurance', 7_500_00],
      ['Community House', 1_500_00],
      ['Contingency fund', 13_076_00, 'contingency'],
    ],
  },
  {
    name: 'Basic Command Unit (BCU) Fund',
    funder: 'Basic Command Unit allocation',
    financialYear: 'FY2010-11',
    totalPence: 18_000_00,
    accountableBody: CBC,
    notes: 'The final year of this funding.',
    allocations: [
      ['Diversions activities', 2_500_00],
      ['Burglary Initiatives from Problem Solving Workshop', 5_000_00],
      ['Community House', 1_500_00],
      ['Launch of alternative Incremental Approach', 1_000_00],
      ['Contingency fund', 8_000_00, 'contingency'],
    ],
  },
]
