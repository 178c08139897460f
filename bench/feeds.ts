/**
 * npm run bench:feeds [-- --rows 100000 --lsoas 2000 --areas 20 --runs 3]
 *
 * A force's month as police.uk publishes it, generated: `rows` street-level rows over about twenty crime
 * types and `lsoas` LSOAs (placed in `areas` areas), written to a file first so that generating it is not
 * timed. The service runs in its own process, as deployed. Times, in the same run, the floor (reading the
 * file with the same CSV parser and options the import uses, counting nothing) and the import end to end
 * over HTTP (streamed from the file: parse, count, write the measurements and the run); prints rows/s for
 * both, their ratio (goal: the import within 2x the floor) and the service's peak RSS (goal under 200 MB).
 * The first import writes the measurements; later ones read the same file again and find them unchanged.
 * The service runs built, as npm start runs it (tsx's compiler would add its own memory to the figure).
 * Uses DATABASE_URL when set, else an embedded Postgres.
 */
import { parse as csvParser } from 'csv-parse'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import { FEED_CSV_OPTIONS } from '../src/modules/feeds/feeds.service.js'
import { mulberry32 } from '../test/helper.js'
import { middle, peakRss, withBench } from './harness.js'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    lsoas: { type: 'string', default: '2000' },
    areas: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
  },
})
const ROWS = Number(values.rows)
const LSOAS = Number(values.lsoas)
const AREAS = Number(values.areas)
const RUNS = Number(values.runs)

/** police.uk's crime types, with ASB, violence and theft the common ones, as in a force's month. */
const TYPES = [
  ['Anti-social behaviour', 24],
  ['Violence and sexual offences', 22],
  ['Other theft', 8],
  ['Criminal damage and arson', 8],
  ['Public order', 7],
  ['Shoplifting', 6],
  ['Vehicle crime', 5],
  ['Burglary', 5],
  ['Drugs', 4],
  ['Other crime', 2],
  ['Theft from the person', 2],
  ['Bicycle theft', 2],
  ['Robbery', 1],
  ['Possession of weapons', 1],
  // Rarer ones a force's file also carries, and the mapping leaves unmapped.
  ['Arson', 1],
  ['Fraud', 1],
  ['Harassment', 1],
  ['Stalking', 1],
  ['Public disorder', 1],
  ['Criminal damage', 1],
] as const
const pool = TYPES.flatMap(([type, weight]) => Array.from({ length: weight }, () => type))
const lsoa = (i: number) => `E0199${String(i).padStart(4, '0')}`
const HEADER =
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context'

function writeFile(file: string): number {
  const random = mulberry32(16)
  const out = fs.openSync(file, 'w')
  fs.writeSync(out, `${HEADER}\r\n`)
  let lines: string[] = []
  for (let i = 0; i < ROWS; i++) {
    const type = pool[Math.floor(random() * pool.length)]!
    const place = random() < 0.03 ? -1 : Math.floor(random() * LSOAS)
    const id = type === 'Anti-social behaviour' ? '' : (random() * 2 ** 52).toString(16).padStart(64, 'a')
    lines.push(
      `${id},2024-05,Bench Police,Bench Police,${place < 0 ? '' : '-0.1'},${place < 0 ? '' : '51.5'},${place < 0 ? 'No Location' : 'On or near High Street'},${place < 0 ? '' : lsoa(place)},${place < 0 ? '' : `Bench ${place}`},${type},${id === '' ? '' : 'Under investigation'},`,
    )
    if (lines.length === 5000) {
      fs.writeSync(out, `${lines.join('\r\n')}\r\n`)
      lines = []
    }
  }
  if (lines.length > 0) fs.writeSync(out, `${lines.join('\r\n')}\r\n`)
  fs.closeSync(out)
  return fs.statSync(file).size
}

/**
 * The floor: the file read by the import's CSV parser, with its options and in its way (each record
 * handed to on_record and dropped), and nothing done with a row but counting it.
 */
async function parseFloor(file: string): Promise<number> {
  const started = process.hrtime.bigint()
  let records = 0
  await pipeline(
    fs.createReadStream(file),
    csvParser({
      ...FEED_CSV_OPTIONS,
      on_record: () => {
        records += 1
        return null
      },
    }),
    new Writable({ objectMode: true, write: (_row, _encoding, done) => done() }),
  )
  if (records !== ROWS + 1) throw new Error(`parsed ${records} records`)
  return Number(process.hrtime.bigint() - started) / 1e9
}

await withBench(
  'feeds',
  async ({ address, admin, call, servicePid }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spa-feeds-'))
    const file = path.join(dir, 'force-month.csv')
    const bytes = writeFile(file)
    try {
      const areas: string[] = []
      for (let i = 0; i < AREAS; i++)
        areas.push(
          (await call('POST', '/partnerships/bench/areas', { name: `Area ${i}`, type: 'ward', code: `W${i}` })).id,
        )
      const mapped = TYPES.slice(0, 14).map(([type]) => type)
      for (const [i] of mapped.entries())
        await call('POST', '/partnerships/bench/indicators', {
          reference: `FEED ${i}`,
          name: mapped[i],
          unit: 'count',
          polarity: 'lower_better',
          frequency: 'monthly',
          aggregation: 'sum',
        })
      const mapping = await call('POST', '/partnerships/bench/feeds', {
        name: 'Bench police.uk',
        kind: 'police_uk',
        rules: mapped.map((type, i) => ({ indicator: `FEED ${i}`, where: { 'Crime type': [type] } })),
      })
      const lookup = await fetch(`${address}/partnerships/bench/feeds/${mapping.id}/locations`, {
        method: 'PUT',
        headers: { authorization: admin, 'content-type': 'text/csv', 'if-match': '*' },
        body: `location,area\n${Array.from({ length: LSOAS }, (_, i) => `${lsoa(i)},W${i % AREAS}`).join('\n')}\n`,
      })
      if (!lookup.ok) throw new Error(`locations: ${lookup.status} ${await lookup.text()}`)

      const before = peakRss(servicePid)
      const floors: number[] = []
      const imports: Array<{ seconds: number; inserted: number; unchanged: number }> = []
      for (let run = 0; run < RUNS; run++) {
        floors.push(await parseFloor(file))
        const started = process.hrtime.bigint()
        const res = await fetch(`${address}/partnerships/bench/feeds/${mapping.id}/imports`, {
          method: 'POST',
          headers: { authorization: admin, 'content-type': 'text/csv' },
          body: fs.createReadStream(file) as unknown as ReadableStream,
          duplex: 'half',
        } as RequestInit)
        const answer = (await res.json()) as { rowsRead: number; inserted: number; unchanged: number }
        const seconds = Number(process.hrtime.bigint() - started) / 1e9
        if (res.status !== 201 || answer.rowsRead !== ROWS)
          throw new Error(`import answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)
        imports.push({ seconds, inserted: answer.inserted, unchanged: answer.unchanged })
      }
      const floor = middle(floors)
      const imported = middle(imports.map((i) => i.seconds))
      process.stdout.write(
        [
          `file: ${ROWS} rows (${(bytes / 2 ** 20).toFixed(1)} MiB), ${TYPES.length} crime types (14 mapped), ${LSOAS} LSOAs in ${AREAS} areas`,
          `parse floor (csv-parse, same options): median ${floor.toFixed(2)} s, ${Math.round(ROWS / floor)} rows/s (${floors.map((f) => f.toFixed(2)).join(', ')})`,
          `import over HTTP: median ${imported.toFixed(2)} s, ${Math.round(ROWS / imported)} rows/s (${imports.map((i) => `${i.seconds.toFixed(2)} s: ${i.inserted} inserted, ${i.unchanged} unchanged`).join('; ')})`,
          `ratio import/floor: ${(imported / floor).toFixed(2)} (goal <= 2)`,
          `service peak RSS: ${peakRss(servicePid)} MiB (goal < 200); ${before} MiB before the first import`,
        ].join('\n') + '\n',
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  },
  {},
  { ownProcess: true, built: true },
)
