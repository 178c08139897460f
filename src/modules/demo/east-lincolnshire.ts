// East Lincolnshire CSP, from its Partnership Plan 2008-11 (2010/11 refresh): seed 000.

export const partnership = { slug: 'east-lincolnshire', name: 'East Lincolnshire Community Safety Partnership', financialYearStartMonth: 4 }

/** Parents are named by code; the plan reports for the two districts and the fire service's station ground groups. */
export const areas = [
  { code: 'E10000019', name: 'Lincolnshire', type: 'county', parent: null },
  { code: 'EAST-LINCS', name: 'East Lincolnshire', type: 'partnership', parent: 'E10000019' },
  { code: 'E07000136', name: 'Boston', type: 'district', parent: 'EAST-LINCS' },
  { code: 'E07000137', name: 'East Lindsey', type: 'district', parent: 'EAST-LINCS' },
  { code: 'SSG-2', name: 'SSG 2: East Lindsey', type: 'fire_station_ground', parent: 'E10000019' },
  { code: 'SSG-3', name: 'SSG 3: Boston & South Holland', type: 'fire_station_ground', parent: 'E10000019' },
] as const

export const agencies = [
  { name: 'Boston Borough Council', role: 'responsible_authority', dataSupplied: 'ASB incidents reported to the council' },
  { name: 'East Lindsey District Council', role: 'responsible_authority', dataSupplied: 'ASB incidents reported to the council' },
  { name: 'Lincolnshire County Council', role: 'responsible_authority', dataSupplied: 'Road safety (KSI) and youth offending data; performance reporting (Safer Communities Team)' },
  { name: 'Lincolnshire Police', role: 'responsible_authority', dataSupplied: 'Recorded crime and ASB incidents' },
  { name: 'Lincolnshire Police Authority', role: 'responsible_authority', dataSupplied: null },
  { name: 'Lincolnshire Fire and Rescue', role: 'responsible_authority', dataSupplied: 'Primary and secondary arson incidents, dwelling fires' },
  { name: 'NHS Lincolnshire', role: 'responsible_authority', dataSupplied: 'Drug treatment and alcohol-related admissions' },
  { name: 'Lincolnshire Probation Trust', role: 'responsible_authority', dataSupplied: 'Reoffending of adult offenders' },
  { name: 'Lincolnshire Criminal Justice Board', role: 'other', dataSupplied: null },
  { name: 'Addaction', role: 'other', dataSupplied: null },
  { name: 'Boston Mayflower', role: 'other', dataSupplied: null },
  { name: 'New Linx Housing Trust', role: 'other', dataSupplied: null },
  { name: 'Longhurst Homes', role: 'other', dataSupplied: null },
  { name: 'Lincolnshire Road Safety Partnership', role: 'other', dataSupplied: 'Killed and seriously injured casualties' },
] as const

export const priorities = [
  {
    code: 'P1',
    name: 'Anti-Social Behaviour & Road Safety',
    description: 'Anti-social behaviour (including criminal damage, hate crime and arson) and road safety (including reduction in killed or seriously injured adults and young people and localised speeding issues).',
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
    description: 'Violent crime (including domestic abuse, sexual offences, violence against the person) and substance misuse (including drugs and alcohol).',
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
    description: 'Including robbery, domestic and non-domestic burglary, theft of and from vehicles and theft from shops.',
    objectives: [
      'Implement preventative measures to reduce opportunities for acquisitive crime',
      'Implement measures to increase identification of perpetrators of acquisitive crime',
      'Raise awareness of the Acquisitive Crime Group and its activities',
    ],
  },
  {
    code: 'P4',
    name: 'Prolific & other Priority Offenders',
    description: 'Reducing reoffending: prolific and other priority offenders, selected criminals with the highest level of criminal activity, managed by the East Lincolnshire PPO scheme.',
    objectives: [],
  },
] as const

export const themes = [
  { name: 'Tackling the fear of crime', description: 'A cross-cutting theme to be considered as high priority in all of the partnership\'s work.' },
  { name: 'The seasonal nature of crime in East Lindsey', description: 'A cross-cutting theme: crime in the coastal resorts rises with the summer visitor season.' },
] as const
