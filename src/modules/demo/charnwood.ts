import type { DemoGroup, DemoStream } from './demo.types.js'

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
export const indicators = [] as const
export const measurements = [] as const

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
