// East Lindsey beside districts like it: coastal, rural, with an older population and summer visitors. The
// plan (seed 000) compares its figures with no one; iQuanta's Most Similar Groups were how partnerships of
// the time did. The group, its populations and the peers' counts below are illustrative, and say so in
// their source: the district codes are ONS's, the people and the offences are not a published series.
import type { DemoBenchmarking } from './demo.types.js'

const MADE_UP = "Illustrative: a peer's count from an assumed rate per 1,000 people; not a published figure"
const ABOUT = 'Illustrative: near the ONS mid-year estimate, not a published figure'

/** Each peer: its code and name, its people mid-2009 and mid-2010, and its assumed rates per 1,000 a year. */
const PEERS = [
  { code: 'E07000147', name: 'North Norfolk', people: [100_800, 101_200], cd: 10.9, ni16: 5.9 },
  { code: 'E07000168', name: 'Scarborough', people: [108_700, 108_500], cd: 17.6, ni16: 7.8 },
  { code: 'E07000076', name: 'Tendring', people: [144_500, 145_300], cd: 14.1, ni16: 7.1 },
  { code: 'E07000145', name: 'Great Yarmouth', people: [97_300, 97_600], cd: 18.9, ni16: 8.9 },
  // The group as revised for 2010/11: Torridge left it and King's Lynn and West Norfolk joined.
  { code: 'E07000046', name: 'Torridge', people: [64_900, 65_300], cd: 10.2, ni16: 5.2, until: '2010-03-31' },
  {
    code: 'E07000146',
    name: "King's Lynn and West Norfolk",
    people: [146_000, 147_100],
    cd: 13.5,
    ni16: 6.8,
    from: '2010-04-01',
  },
] as const

/** How a peer's year falls over its months, April first (the coast's summer, as East Lindsey's). */
const COASTAL = [76, 84, 93, 104, 109, 88]
/** Their April to September 2010 against the same months' share of their 2009/10 rate. */
const TREND = 0.95

const month = (m: number) => `2010-${String(4 + m).padStart(2, '0')}`

function figures(): DemoBenchmarking['figures'] {
  return PEERS.flatMap((peer) =>
    (['LOCAL CD', 'NI 16'] as const).flatMap((indicator) => {
      const rate = indicator === 'LOCAL CD' ? peer.cd : peer.ni16
      const year = Math.round((rate * peer.people[0]) / 1000)
      const rows = [{ indicator, code: peer.code, period: 'FY2009-10', value: year, source: MADE_UP }]
      if ('until' in peer) return rows
      // The months of 2010/11 so far, for the year-to-date comparison the evaluation makes.
      const next = (rate * TREND * peer.people[1]) / 1000
      return [
        ...rows,
        ...COASTAL.map((share, m) => ({
          indicator,
          code: peer.code,
          period: month(m),
          value: Math.round((next * share) / 1000),
          source: MADE_UP,
        })),
      ]
    }),
  )
}

export const benchmarking: DemoBenchmarking = {
  populations: [
    { code: 'E07000136', year: 2009, population: 58_900, source: ABOUT },
    { code: 'E07000136', year: 2010, population: 60_200, source: ABOUT },
    { code: 'E07000137', year: 2009, population: 138_400, source: ABOUT },
    { code: 'E07000137', year: 2010, population: 138_900, source: ABOUT },
    ...PEERS.flatMap((p) =>
      p.people.map((population, i) => ({ code: p.code, year: 2009 + i, population, source: ABOUT })),
    ),
  ],
  groups: [
    {
      name: 'East Lindsey and similar districts',
      description:
        "Coastal and rural districts like East Lindsey, in the manner of iQuanta's Most Similar Groups; revised for 2010/11.",
      source: 'Illustrative: chosen for the demo, not an iQuanta group',
      members: [
        { area: 'E07000137', startsOn: '2009-04-01' },
        ...PEERS.map((p) => ({
          code: p.code,
          name: p.name,
          startsOn: 'from' in p ? p.from : '2009-04-01',
          ...('until' in p ? { endsOn: p.until } : {}),
        })),
      ],
    },
  ],
  figures: figures(),
}
