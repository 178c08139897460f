// East Lincolnshire CSP, from its Partnership Plan 2008-11 (2010/11 refresh): seed 000.

export { actionPlans, groups } from './east-lincolnshire-actions.js'
export { riskRounds, risks } from './east-lincolnshire-risks.js'
export { benchmarking } from './east-lincolnshire-peers.js'
import { POLICE_UK_PRESET } from '../feeds/presets.js'
import { BOSTON_LSOAS, EAST_LINDSEY_LSOAS } from './east-lincolnshire-lsoas.js'

export const partnership = {
  slug: 'east-lincolnshire',
  name: 'East Lincolnshire Community Safety Partnership',
  financialYearStartMonth: 4,
}

/** Parents are named by code; the plan reports for the two districts and the fire service's station ground groups. */
export const areas = [
  { code: 'E10000019', name: 'Lincolnshire', type: 'county', parent: null },
  { code: 'EAST-LINCS', name: 'East Lincolnshire', type: 'partnership', parent: 'E10000019' },
  { code: 'E07000136', name: 'Boston', type: 'district', parent: 'EAST-LINCS' },
  { code: 'E07000137', name: 'East Lindsey', type: 'district', parent: 'EAST-LINCS' },
  { code: 'SSG-2', name: 'SSG 2: East Lindsey', type: 'fire_station_ground', parent: 'E10000019' },
  { code: 'SSG-3', name: 'SSG 3: Boston & South Holland', type: 'fire_station_ground', parent: 'E10000019' },
  { code: 'EAST-BCU', name: 'East Lincolnshire BCU', type: 'police_bcu', parent: 'E10000019' },
] as const

export const agencies = [
  {
    name: 'Boston Borough Council',
    role: 'responsible_authority',
    dataSupplied: 'ASB incidents reported to the council',
  },
  {
    name: 'East Lindsey District Council',
    role: 'responsible_authority',
    dataSupplied: 'ASB incidents reported to the council',
  },
  {
    name: 'Lincolnshire County Council',
    role: 'responsible_authority',
    dataSupplied: 'Road safety (KSI) and youth offending data; performance reporting (Safer Communities Team)',
  },
  { name: 'Lincolnshire Police', role: 'responsible_authority', dataSupplied: 'Recorded crime and ASB incidents' },
  { name: 'Lincolnshire Police Authority', role: 'responsible_authority', dataSupplied: null },
  {
    name: 'Lincolnshire Fire and Rescue',
    role: 'responsible_authority',
    dataSupplied: 'Primary and secondary arson incidents, dwelling fires',
  },
  {
    name: 'NHS Lincolnshire',
    role: 'responsible_authority',
    dataSupplied: 'Drug treatment and alcohol-related admissions',
  },
  {
    name: 'Lincolnshire Probation Trust',
    role: 'responsible_authority',
    dataSupplied: 'Reoffending of adult offenders',
  },
  { name: 'Lincolnshire Criminal Justice Board', role: 'other', dataSupplied: null },
  { name: 'Addaction', role: 'other', dataSupplied: null },
  { name: 'Boston Mayflower', role: 'other', dataSupplied: null },
  { name: 'New Linx Housing Trust', role: 'other', dataSupplied: null },
  { name: 'Longhurst Homes', role: 'other', dataSupplied: null },
  {
    name: 'Lincolnshire Road Safety Partnership',
    role: 'other',
    dataSupplied: 'Killed and seriously injured casualties',
  },
] as const

export const priorities = [
  {
    code: 'P1',
    name: 'Anti-Social Behaviour & Road Safety',
    description:
      'Anti-social behaviour (including criminal damage, hate crime and arson) and road safety (including reduction in killed or seriously injured adults and young people and localised speeding issues).',
    objectives: [
      "Increase public confidence in partners' response to ASB and crime",
      'Engage with local communities on crime & ASB & publicise the work of the partnership',
      'Reduce the perception of ASB as a problem',
      'Raise awareness of the impact of speeding and dangerous driving',
      'Encourage local communities to tackle localised speeding issues',
      'Prevent young people from engaging in crime and anti-social behaviour',
      'Reduce the number of accidental fires and deaths and injuries in dwelling fires',
    ],
  },
  {
    code: 'P2',
    name: 'Violent Crime & Substance Misuse',
    description:
      'Violent crime (including domestic abuse, sexual offences, violence against the person) and substance misuse (including drugs and alcohol).',
    objectives: [
      'Reduce violent crime and disorder in the evening economy',
      'Create a safe, secure and responsibly-led drinking environment in licensed premises',
      'Reduce alcohol & drug-related violence through enforcement, education and support',
      'Reduce repeat incidents of domestic abuse and increase reporting',
    ],
  },
  {
    code: 'P3',
    name: 'Acquisitive Crime',
    description:
      'Including robbery, domestic and non-domestic burglary, theft of and from vehicles and theft from shops.',
    objectives: [
      'Implement preventative measures to reduce opportunities for acquisitive crime',
      'Implement measures to increase identification of perpetrators of acquisitive crime',
      'Raise awareness of the Acquisitive Crime Group and its activities',
    ],
  },
  {
    code: 'P4',
    name: 'Prolific & other Priority Offenders',
    description:
      'Reducing reoffending: prolific and other priority offenders, selected criminals with the highest level of criminal activity, managed by the East Lincolnshire PPO scheme.',
    objectives: [],
  },
] as const

export const themes = [
  {
    name: 'Tackling the fear of crime',
    description: "A cross-cutting theme to be considered as high priority in all of the partnership's work.",
  },
  {
    name: 'The seasonal nature of crime in East Lindsey',
    description: 'A cross-cutting theme: crime in the coastal resorts rises with the summer visitor season.',
  },
] as const

import type { DemoFeed, DemoIndicator, DemoMeasurement, DemoRound } from './demo.types.js'

// Data lags as the sources publish (issue 26): the Place Survey's results came about six months after its
// autumn fieldwork; the force's monthly crime extract about three weeks after the month; the fire
// service's incident returns four weeks; DfT's casualty figures for a year the following summer; hospital
// episode statistics a quarter after the year; probation's quarterly returns six weeks.
const survey = {
  unit: 'percentage',
  frequency: 'biennial',
  aggregation: 'latest',
  decimalPlaces: 1,
  source: 'Lincolnshire County Council',
  dataLagDays: 183,
} as const
const police = {
  unit: 'count',
  frequency: 'monthly',
  aggregation: 'sum',
  source: 'Lincolnshire Police',
  dataLagDays: 21,
} as const
const monitored = {
  unit: 'count',
  polarity: 'monitor_only',
  frequency: 'quarterly',
  aggregation: 'sum',
  targets: [],
} as const

/** "Indicators and Targets To Measure Success", all four priority tables of the 2010/11 plan. */
export const indicators: DemoIndicator[] = [
  {
    reference: 'NI 17',
    name: 'Perceptions of anti-social behaviour',
    priority: 'P1',
    polarity: 'lower_better',
    ...survey,
    targets: [
      { area: 'E07000136', baseline: ['18', 'FY2008-09'], target: { value: '17.3' } },
      { area: 'E07000137', baseline: ['13.9', 'FY2008-09'], target: { value: '13.4' } },
    ],
  },
  {
    reference: 'NI 21',
    name: 'Dealing with anti-social behaviour and crime',
    priority: 'P1',
    polarity: 'higher_better',
    ...survey,
    targets: [
      { area: 'E07000136', baseline: ['21.3', 'FY2008-09'], target: { value: '32.8' } },
      { area: 'E07000137', baseline: ['24.2', 'FY2008-09'], target: { value: '32.8' } },
    ],
  },
  {
    reference: 'NI 27',
    name: 'Police & public services understanding of ASB and crime',
    priority: 'P1',
    polarity: 'higher_better',
    ...survey,
    targets: [
      { area: 'E07000136', baseline: ['22.4', 'FY2008-09'], target: { value: '24.8' } },
      { area: 'E07000137', baseline: ['21', 'FY2008-09'], target: { value: '24.8' } },
    ],
  },
  {
    reference: 'NI 33(i)',
    name: 'Number of primary arson incidents',
    priority: 'P1',
    polarity: 'lower_better',
    unit: 'count',
    frequency: 'monthly',
    aggregation: 'sum',
    source: 'Lincolnshire Fire and Rescue',
    dataLagDays: 28,
    targets: [
      { area: 'SSG-2', baseline: ['90', 'FY2009-10'], target: { value: '91' } },
      { area: 'SSG-3', baseline: ['155', 'FY2009-10'], target: { value: '124' } },
    ],
  },
  {
    reference: 'NI 33(ii)',
    name: 'Number of secondary arson incidents',
    priority: 'P1',
    polarity: 'lower_better',
    unit: 'count',
    frequency: 'monthly',
    aggregation: 'sum',
    source: 'Lincolnshire Fire and Rescue',
    dataLagDays: 28,
    targets: [
      { area: 'SSG-2', baseline: ['79', 'FY2009-10'], target: { value: '61' } },
      { area: 'SSG-3', baseline: ['73', 'FY2009-10'], target: { value: '77' } },
    ],
  },
  {
    reference: 'NI 47',
    name: 'People killed or seriously injured in road traffic accidents',
    priority: 'P1',
    polarity: 'lower_better',
    unit: 'count',
    frequency: 'monthly',
    aggregation: 'sum',
    source: 'Lincolnshire Road Safety Partnership',
    dataLagDays: 180,
    targets: [{ area: 'EAST-BCU', target: 'tbc' }],
  },
  {
    reference: 'LOCAL CD',
    name: 'Criminal damage offences',
    priority: 'P1',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', baseline: ['1349', 'FY2009-10'], target: { change: '-4' } },
      { area: 'E07000137', baseline: ['2195', 'FY2009-10'], target: { change: '-4' } },
    ],
  },
  {
    reference: 'LOCAL ASB',
    name: 'ASB incidents reported to the police',
    priority: 'P1',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', baseline: ['3976', 'FY2009-10'], target: { change: '-3' } },
      { area: 'E07000137', baseline: ['7547', 'FY2009-10'], target: { change: '-3' } },
    ],
  },
  { reference: 'LOCAL UBWL', name: 'Number of UBWL sent (1st & 2nd stage)', priority: 'P1', ...monitored },
  { reference: 'LOCAL ASBO', name: 'Number of ASBOs issued', priority: 'P1', ...monitored },
  { reference: 'LOCAL ABC', name: 'Number of contracts issued', priority: 'P1', ...monitored },
  { reference: 'LOCAL ASBO-B', name: 'Number of ASBO breaches', priority: 'P1', ...monitored },
  {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    priority: 'P2',
    polarity: 'lower_better',
    ...police,
    targets: [
      // The plan prints 331 for Boston; the rule (374 x 0.882 = 329.868) gives 330, which is what is stored.
      { area: 'E07000136', baseline: ['374', 'FY2009-10'], target: { change: '-11.8' } },
      { area: 'E07000137', baseline: ['763', 'FY2009-10'], target: { change: '-11.8' } },
    ],
  },
  {
    reference: 'NI 15',
    name: 'Most serious violence',
    priority: 'P2',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', baseline: ['47', 'FY2009-10'], target: { change: '-4' } },
      { area: 'E07000137', baseline: ['42', 'FY2009-10'], target: { change: '-4' } },
    ],
  },
  {
    reference: 'NI 32',
    name: 'Repeat incidents of domestic abuse',
    priority: 'P2',
    polarity: 'lower_better',
    unit: 'percentage',
    frequency: 'monthly',
    aggregation: 'ratio_of_sums',
    decimalPlaces: 1,
    targets: [{ area: 'EAST-BCU', baseline: ['11.8', 'FY2009-10'], target: { value: '27' } }],
  },
  {
    reference: 'NI 41',
    name: 'Perceptions of drunk and rowdy behaviour as a problem',
    priority: 'P2',
    polarity: 'lower_better',
    ...survey,
    targets: [
      { area: 'E07000136', baseline: ['24.7', 'FY2008-09'], target: { value: '24' } },
      { area: 'E07000137', baseline: ['25.2', 'FY2008-09'], target: { value: '24.2' } },
    ],
  },
  {
    reference: 'LOCAL VAP',
    name: 'Violence against the person',
    priority: 'P2',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', baseline: ['937', 'FY2009-10'], target: { change: '-4' } },
      { area: 'E07000137', baseline: ['1720', 'FY2009-10'], target: { change: '-4' } },
    ],
  },
  {
    reference: 'NI 39',
    name: 'Alcohol related hospital admissions',
    priority: 'P2',
    polarity: 'lower_better',
    unit: 'count',
    frequency: 'annual',
    aggregation: 'sum',
    source: 'NHS Lincolnshire',
    dataLagDays: 91,
    targets: [{ area: 'EAST-LINCS', target: 'tbc' }],
  },
  {
    reference: 'LOCAL SO',
    name: 'Sexual offences',
    priority: 'P2',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', baseline: ['55', 'FY2009-10'], target: 'tbc' },
      { area: 'E07000137', baseline: ['123', 'FY2009-10'], target: 'tbc' },
    ],
  },
  {
    reference: 'LOCAL HATE',
    name: 'Hate crime',
    priority: 'P2',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', target: 'tbc' },
      { area: 'E07000137', target: 'tbc' },
    ],
  },
  { reference: 'LOCAL ARC', name: 'Alcohol related crime', priority: 'P2', ...monitored },
  { reference: 'LOCAL ARVC', name: 'Alcohol related violent crime', priority: 'P2', ...monitored },
  {
    reference: 'NI 16',
    name: 'Serious acquisitive crime',
    priority: 'P3',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', baseline: ['760', 'FY2009-10'], target: 'tbc' },
      { area: 'E07000137', baseline: ['1152', 'FY2009-10'], target: 'tbc' },
    ],
  },
  {
    reference: 'LOCAL BOTD',
    name: 'Burglary other than dwelling',
    priority: 'P3',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', baseline: ['760', 'FY2009-10'], target: 'tbc' },
      { area: 'E07000137', baseline: ['934', 'FY2009-10'], target: 'tbc' },
    ],
  },
  {
    reference: 'LOCAL TFS',
    name: 'Theft from shops',
    priority: 'P3',
    polarity: 'lower_better',
    ...police,
    targets: [
      { area: 'E07000136', baseline: ['301', 'FY2009-10'], target: 'tbc' },
      { area: 'E07000137', baseline: ['510', 'FY2009-10'], target: 'tbc' },
    ],
  },
  {
    reference: 'NI 30',
    name: 'Re-offending of prolific and priority offenders',
    priority: 'P4',
    polarity: 'lower_better',
    unit: 'count',
    frequency: 'quarterly',
    aggregation: 'sum',
    source: 'Lincolnshire Probation Trust',
    dataLagDays: 42,
    targets: [{ area: 'EAST-LINCS', target: 'tbc' }],
  },
]

function surveyBaselines(): DemoMeasurement[] {
  return indicators
    .filter((i) => i.aggregation === 'latest')
    .flatMap((i) =>
      i.targets.flatMap((t) =>
        t.baseline === undefined
          ? []
          : [{ indicator: i.reference, area: t.area, period: t.baseline[1], value: t.baseline[0], source: PRINTED }],
      ),
    )
}

const PRINTED = 'East Lincolnshire CSP Partnership Plan 2008-11 (2010/11 refresh): baseline as printed'
const SPLIT = 'Illustrative: the plan prints the 2009/10 total only; split over its months by a seasonal shape'
const INVENTED = 'Illustrative: the plan prints no 2010/11 figures'

/**
 * How a year's count falls over its months, April first: Boston's evenly; East Lindsey's and its fire
 * station ground's with the summer visitors to the coast (the plan's cross-cutting theme).
 */
const SHAPES: Record<string, readonly number[]> = {
  even: [83, 85, 87, 88, 89, 85, 83, 80, 84, 79, 77, 80],
  coastal: [76, 84, 93, 104, 109, 88, 79, 72, 76, 69, 68, 82],
}
const shapeOf = (area: string) => (area === 'E07000137' || area === 'SSG-2' ? SHAPES.coastal! : SHAPES.even!)

/** April to September 2010 against the same months of 2009, per indicator and area (illustrative). */
const FACTORS: Record<string, Record<string, number>> = {
  'LOCAL CD': { E07000136: 0.88, E07000137: 0.86 },
  'LOCAL ASB': { E07000136: 0.99, E07000137: 0.9 },
  'NI 20': { E07000136: 0.82, E07000137: 0.97 },
  'NI 15': { E07000136: 0.75, E07000137: 1.3 },
  'LOCAL VAP': { E07000136: 0.96, E07000137: 0.89 },
  'LOCAL SO': { E07000136: 1, E07000137: 0.95 },
  'NI 16': { E07000136: 0.93, E07000137: 1.04 },
  'LOCAL BOTD': { E07000136: 0.97, E07000137: 0.92 },
  'LOCAL TFS': { E07000136: 1.08, E07000137: 0.98 },
  'NI 33(i)': { 'SSG-2': 0.95, 'SSG-3': 0.7 },
  'NI 33(ii)': { 'SSG-2': 0.72, 'SSG-3': 1.1 },
}

/** A whole number split in proportion to weights, the parts adding up to it exactly (largest remainder). */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (total * w) / sum)
  const parts = exact.map(Math.floor)
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  const left = total - parts.reduce((a, b) => a + b, 0)
  for (let k = 0; k < left; k++) parts[order[k]![1]]! += 1
  return parts
}

const month = (year: number, index: number) =>
  `${year + Math.floor((3 + index) / 12)}-${String(((3 + index) % 12) + 1).padStart(2, '0')}`

function illustrativeCounts(): DemoMeasurement[] {
  return indicators.flatMap((i) =>
    i.targets.flatMap((t) => {
      const factor = FACTORS[i.reference]?.[t.area]
      if (t.baseline === undefined || factor === undefined) return []
      const lastYear = apportion(Number(t.baseline[0]), shapeOf(t.area))
      return [
        ...lastYear.map((value, m) => ({
          indicator: i.reference,
          area: t.area,
          period: month(2009, m),
          value: String(value),
          source: SPLIT,
        })),
        ...lastYear.slice(0, 6).map((value, m) => ({
          indicator: i.reference,
          area: t.area,
          period: month(2010, m),
          value: String(Math.round(value * factor)),
          source: INVENTED,
        })),
      ]
    }),
  )
}

/**
 * Actuals. The plan prints each indicator's baseline, and those are loaded as it prints them: the surveys'
 * 2008-09 results as that year's figures (a survey's latest value is what it is judged on). For the
 * monthly counts it prints a 2009/10 total only, and it is a plan, so it prints nothing of 2010/11. Those
 * figures are illustrative, and their source says so: the 2009/10 total split over its months by a
 * seasonal shape (the months add up to the printed total exactly), and April to September 2010 as last
 * year's month times a factor, chosen so that the half-year report shows greens, ambers and reds.
 */
// Built last, once the tables above are in place.
export const measurements: DemoMeasurement[] = [...surveyBaselines(), ...illustrativeCounts()]

/**
 * Lincolnshire Police's street-level crime as data.police.uk publishes it, counted into the plan's local
 * indicators by district. police.uk publishes violence and sexual offences as one crime type, so it feeds
 * LOCAL VAP and cannot feed LOCAL SO; and burglary of homes and of other buildings as one, so it feeds
 * NI 16 (with vehicle crime and robbery) and cannot feed LOCAL BOTD.
 */
export const feeds: DemoFeed[] = [
  {
    name: 'Lincolnshire Police street-level crime (data.police.uk)',
    kind: 'police_uk',
    description: "The force's monthly street-level CSV as downloaded from data.police.uk, for Boston and East Lindsey.",
    agency: 'Lincolnshire Police',
    // The police.uk preset's rules: they name these indicators by the plan's references.
    rules: POLICE_UK_PRESET.rules,
    locations: [
      ...BOSTON_LSOAS.map((code) => [code, 'E07000136'] as const),
      ...EAST_LINDSEY_LSOAS.map((code) => [code, 'E07000137'] as const),
    ],
  },
]

/**
 * The half year's round (seed 000 Appendix 1), the partnership's Q2, July to September 2010: the theme
 * groups meet in October, PMG after them and the Strategic Group in November. The PPO group did not
 * return; PMG issued with its reason.
 */
export const rounds: DemoRound[] = [
  {
    period: '2010-Q3',
    themeMeetingsOn: '2010-10-12',
    pmgMeetingOn: '2010-10-26',
    strategicMeetingOn: '2010-11-09',
    pmg: 'pmg.chair@example.org',
    strategic: 'strategic.chair@example.org',
    returns: {
      'Anti-Social Behaviour & Road Safety Group':
        'ASB in Boston remains above profile after the summer; the town-centre dispersal order and Operation Pivot address it. Road casualties are on track.',
      'Violent Crime & Substance Misuse Group':
        'Assault with less serious injury is level with last year; the night-time economy scheme starts in November.',
      'Acquisitive Crime Group':
        'Serious acquisitive crime is below target in both districts; vehicle crime in East Lindsey is watched.',
    },
    missingReturnsReason:
      'The PPO group did not meet this quarter; its scheme manager reports verbally to PMG and its figures are on target.',
    responses: [
      {
        indicator: 'LOCAL ASB',
        area: 'E07000136',
        response: 'further_support_required',
        note: 'The ASB group needs the youth service and the licensing team at its table for Boston town centre.',
      },
      {
        indicator: 'NI 20',
        area: 'E07000137',
        response: 'accepted',
        note: 'The night-time economy scheme answers it.',
      },
      {
        indicator: 'NI 33(i)',
        area: 'SSG-2',
        response: 'raise_at_county_board',
        note: 'Arson on the East Lindsey station ground is for the county fire and rescue board.',
      },
    ],
  },
]
