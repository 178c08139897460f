import t from 'tap'
import { monthOf } from '../../src/domain/feeds/months.js'
import { startTally } from '../../src/domain/feeds/tally.js'

t.test('a date cell as its publisher wrote it, read as its month', async (t) => {
  const cases: Array<[string, string | null]> = [
    ['2023-01', '2023-01'], // police.uk Month
    ['2023-01-17', '2023-01'],
    ['2023-01-17T09:30:00Z', '2023-01'],
    ['2023-01-17 09:30:00', '2023-01'],
    ['17/01/2023', '2023-01'], // British, not American
    ['01/12/2023', '2023-12'],
    ['17 Jan 2023', '2023-01'], // LFB
    ['17-Jan-23', '2023-01'], // Excel
    ['3 September 2022', '2022-09'],
    ['  2023-02  ', '2023-02'],
    ['2023-13', null],
    ['31/02/2023', null], // no such day
    ['30 Feb 2023', null],
    ['29/02/2024', '2024-02'], // a leap day
    ['Jan 2023', '2023-01'], // a month alone, as Excel shows a police.uk Month it has opened
    ['April 2023', '2023-04'],
    ['Apr-17', '2017-04'],
    ['Jan-99', '1999-01'], // Excel's two-digit years: 30-99 are the last century
    ['Foo-17', null],
    ['', null],
    ['unknown', null],
  ]
  for (const [cell, month] of cases) t.equal(monthOf(cell), month, JSON.stringify(cell))
})

const HEADER = ['Crime ID', 'Month', 'LSOA code', 'Crime type']
const police = {
  dateColumn: 'Month',
  locationColumn: 'LSOA code',
  rules: [
    { indicatorId: 'asb', where: { 'Crime type': ['Anti-social behaviour'] } },
    { indicatorId: 'sac', where: { 'Crime type': ['Burglary', 'Robbery', 'Vehicle crime'] } },
    { indicatorId: 'acq', where: { 'Crime type': ['Burglary', 'Shoplifting'] } },
    // Two rules into one indicator: a row matching both counts once.
    { indicatorId: 'acq', where: { 'Crime type': ['Burglary', 'Bicycle theft'] } },
  ],
  fromMonth: '2023-01',
  toMonth: '2023-02',
}
const places = new Map([
  ['E01000001', 'city'],
  ['e01000002 ', 'city'],
  ['E01000914', 'camden'],
])

t.test('rows count into each indicator they match, by area and month; zeros where a month had none', async (t) => {
  const tally = startTally(police, HEADER, places)
  const rows: string[][] = [
    ['a', '2023-01', 'E01000001', 'Burglary'], // sac, acq (once, though two acq rules match)
    ['b', '2023-01', 'E01000002', 'anti-social BEHAVIOUR '], // asb: case and spaces aside
    ['', '2023-02', 'E01000914', 'Shoplifting'], // acq in camden
    ['c', '2023-02', 'E01000001', 'Drugs'], // not mapped
    ['d', '2023-03', 'E01000001', 'Burglary'], // outside the range
    ['e', '2023-01', '', 'Burglary'], // no location
    ['f', '2023-01', 'E09999999', 'Burglary'], // outside the partnership
    ['g', '2023-01', 'E01000001'], // malformed: 3 fields
    ['h', 'Jan-23x', 'E01000001', 'Burglary'], // malformed date
  ]
  rows.forEach((row, i) => tally.add(row, i + 2))
  tally.unreadable(11, 'cannot be read as CSV')
  const result = tally.finish()
  t.match(result, {
    rowsRead: 10,
    rowsCounted: 3,
    rowsInside: 4,
    skipped: { malformed: 3, outsideRange: 1, noLocation: 1, outsidePartnership: 1, notMapped: 1 },
    months: ['2023-01', '2023-02'],
  })
  t.same(
    result.malformed.map((m) => m.line),
    [9, 10, 11],
  )
  const value = (indicatorId: string, areaId: string, month: string) =>
    result.counts.find((c) => c.indicatorId === indicatorId && c.areaId === areaId && c.month === month)?.value
  t.equal(value('sac', 'city', '2023-01'), 1)
  t.equal(value('acq', 'city', '2023-01'), 1, 'one row, two rules of one indicator: counted once')
  t.equal(value('asb', 'city', '2023-01'), 1)
  t.equal(value('acq', 'camden', '2023-02'), 1)
  t.equal(value('asb', 'camden', '2023-02'), 0, 'a zero for a month the file covers')
  t.equal(result.counts.length, 3 * 2 * 2, 'every indicator x area x month, zeros included')
})

t.test('a file with no row in the partnership writes nothing; one missing a column is refused', async (t) => {
  const tally = startTally(police, HEADER, places)
  tally.add(['a', '2023-01', 'E05011111', 'Burglary'], 2)
  tally.add(['b', '2023-01', 'E05011112', 'Robbery'], 3)
  t.same(tally.finish().counts, [], "another force's file: no counts, not even zeros")
  t.throws(() => startTally(police, ['Crime ID', 'Month', 'Crime type'], places), {
    code: 'FEED.LAYOUT',
    message: /"LSOA code"/,
  })
  const fire = startTally(
    {
      dateColumn: 'DateOfCall',
      locationColumn: 'IncGeo_WardCode',
      rules: [{ indicatorId: 'primary', where: { IncidentGroup: ['Fire'], StopCodeDescription: ['Primary Fire'] } }],
      fromMonth: null,
      toMonth: null,
    },
    ['IncidentNumber', 'DateOfCall', 'IncidentGroup', 'StopCodeDescription', 'IncGeo_WardCode'],
    new Map([['E05009288', 'ward']]),
  )
  fire.add(['1', '12 Jan 2023', 'Fire', 'Primary Fire', 'E05009288'], 2)
  fire.add(['2', '13 Jan 2023', 'False Alarm', 'Primary Fire', 'E05009288'], 3) // every column must match
  fire.add(['3', '14 Jan 2023', 'Fire', 'Secondary Fire', 'E05009288'], 4)
  t.same(fire.finish().counts, [{ indicatorId: 'primary', areaId: 'ward', month: '2023-01', value: 1 }])
})
