/**
 * npm run bench:feeds [-- --rows 100000 --lsoas 5000 --areas 5000 --runs 3]
 *
 * A force's month as police.uk publishes it, generated: `rows` street-level rows over about twenty crime
 * types and `lsoas` LSOAs (placed in `areas` areas: by default each LSOA its own area, as a force's file
 * mapped to its LSOAs writes thousands of measurements), written to files first so that generating them
 * is not timed; each run is another month, so every import writes its measurements. The service runs
 * built, in its own process, as deployed. Times, alternating in each run, the floor (reading the file with
 * the same CSV parser and options the import uses, counting nothing) and the import end to end over HTTP
 * (streamed from the file: parse, count, write the measurements and the run); prints rows/s for both,
 * per run and as medians, their ratio (goal: the import within 2x the floor) and the service's peak RSS
 * during the imports (goal under 200 MB). Uses DATABASE_URL when set, else an embedded Postgres.
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
import { middle, peakRss, range, resetPeakRss, withBench } from './harness.js'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    lsoas: { type: 'string', default: '5000' },
    areas: { type: 'string', default: '5000' },
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

/** A month of the force's file; each month's rows differ, so its import writes. */
function writeFile(file: string, month: string, seed: number): number {
  const random = mulberry32(seed)
  const out = fs.openSync(file, 'w')
  fs.writeSync(out, `${HEADER}\r\n`)
  let lines: string[] = []
  for (let i = 0; i < ROWS; i++) {
    const type = pool[Math.floor(random() * pool.length)]!
    const place = random() < 0.03 ? -1 : Math.floor(random() * LSOAS)
    const id = type === 'Anti-social behaviour' ? '' : (random() * 2 ** 52).toString(16).padStart(64, 'a')
    lines.push(
      `${id},${month},Bench Police,Bench Police,${place < 0 ? '' : '-0.1'},${place < 0 ? '' : '51.5'},${place < 0 ? 'No Location' : 'On or near High Street'},${place < 0 ? '' : lsoa(place)},${place < 0 ? '' : `Bench ${place}`},${type},${id === '' ? '' : 'Under investigation'},`,
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
  async ({ address, admin, call, db, servicePid }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spa-feeds-'))
    const files = Array.from({ length: RUNS }, (_, run) => {
      const month = `2024-${String(5 - (run % 5)).padStart(2, '0')}`
      const file = path.join(dir, `force-${month}.csv`)
      return { file, month, bytes: writeFile(file, month, 16 + run) }
    })
    try {
      // Thousands of areas are set up directly: how they came is not what is timed.
      const { id: partnershipId } = await db
        .selectFrom('partnership')
        .select('id')
        .where('slug', '=', 'bench')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('area')
        .values(
          Array.from({ length: AREAS }, (_, i) => ({ partnershipId, name: `Area ${i}`, type: 'ward', code: `W${i}` })),
        )
        .execute()
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
      resetPeakRss(servicePid)
      const floors: number[] = []
      const imports: Array<{ seconds: number; inserted: number; unchanged: number }> = []
      for (const { file } of files) {
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
      const ratios = imports.map((i, run) => i.seconds / floors[run]!)
      process.stdout.write(
        [
          `files: ${RUNS} months of ${ROWS} rows (${(files[0]!.bytes / 2 ** 20).toFixed(1)} MiB each), ${TYPES.length} crime types (14 mapped), ${LSOAS} LSOAs in ${AREAS} areas`,
          `parse floor (csv-parse, same options): median ${floor.toFixed(2)} s, ${Math.round(ROWS / floor)} rows/s (${floors.map((f) => f.toFixed(2)).join(', ')})`,
          `import over HTTP: median ${imported.toFixed(2)} s, ${Math.round(ROWS / imported)} rows/s (${imports.map((i) => `${i.seconds.toFixed(2)} s: ${i.inserted} measurements written, ${i.unchanged} unchanged`).join('; ')})`,
          `ratio import/floor: median ${middle(ratios).toFixed(2)} of ${RUNS} runs (${range(ratios, 2)}) (goal <= 2)`,
          `service peak RSS during the imports: ${peakRss(servicePid)} MiB (goal < 200); ${before} MiB before the first`,
        ].join('\n') + '\n',
      )
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  },
  {},
  { ownProcess: true, built: true },
)
