/**
 * Ready mappings for layouts partners publish. A preset names indicators by reference, as a partnership
 * would write them: POST it to /feeds with those references changed to its own, then load its locations.
 */

/** Every crime type data.police.uk publishes in its street-level files (2023). */
export const POLICE_UK_CRIME_TYPES = [
  'Anti-social behaviour',
  'Bicycle theft',
  'Burglary',
  'Criminal damage and arson',
  'Drugs',
  'Other crime',
  'Other theft',
  'Possession of weapons',
  'Public order',
  'Robbery',
  'Shoplifting',
  'Theft from the person',
  'Vehicle crime',
  'Violence and sexual offences',
] as const

/** The police.uk layout, its rules naming the indicators by their usual local references. */
export const POLICE_UK_PRESET = {
  name: 'data.police.uk street-level crime',
  kind: 'police_uk' as const,
  description:
    "A force's monthly street-level CSV as data.police.uk publishes it: a row per crime or ASB incident, dated by Month, placed by LSOA code. " +
    'police.uk publishes violence and sexual offences as one crime type, and burglary of homes and of other buildings as one.',
  dateColumn: 'Month',
  locationColumn: 'LSOA code',
  rules: [
    { indicator: 'LOCAL ASB', where: { 'Crime type': ['Anti-social behaviour'] } },
    { indicator: 'LOCAL CD', where: { 'Crime type': ['Criminal damage and arson'] } },
    { indicator: 'LOCAL VAP', where: { 'Crime type': ['Violence and sexual offences'] } },
    { indicator: 'LOCAL TFS', where: { 'Crime type': ['Shoplifting'] } },
    { indicator: 'NI 16', where: { 'Crime type': ['Burglary', 'Vehicle crime', 'Robbery'] } },
  ],
}

export const PRESETS = [
  POLICE_UK_PRESET,
  {
    name: 'London Fire Brigade incident records',
    kind: 'incidents' as const,
    description:
      "The London Fire Brigade's open incident records: a row per incident, dated by DateOfCall, placed by IncGeo_WardCode, classed by IncidentGroup and StopCodeDescription. " +
      'NI 33 counts deliberate fires; the open data carries no motive column, so this counts every primary and secondary fire: a brigade whose file has one adds it to each rule (e.g. "Motive": ["Deliberate"]).',
    dateColumn: 'DateOfCall',
    locationColumn: 'IncGeo_WardCode',
    rules: [
      { indicator: 'NI 33(i)', where: { IncidentGroup: ['Fire'], StopCodeDescription: ['Primary Fire'] } },
      { indicator: 'NI 33(ii)', where: { IncidentGroup: ['Fire'], StopCodeDescription: ['Secondary Fire'] } },
    ],
  },
]
