/**
 * npm run bench:ingest [-- --rows 200000 --batch 50000 --large 500000]
 *
 * The service runs built, in its own process, as deployed. Three rounds, each a COPY of `rows` measurements
 * into a fresh table shaped like measurement (same indexes, checks and foreign keys), then the same number
 * of new rows through the HTTP bulk endpoint (CSV streamed from a generator, all-or-nothing, idempotency
 * key) in batches of `batch`: rows/s of each and their ratio, per round and as medians. Then `large` rows
 * in one request against a COPY of the same rows of its own. The service's peak RSS is taken afresh for
 * each phase (the batches, the large request): within 10% means memory does not grow with the request.
 * Uses DATABASE_URL when set, else an embedded Postgres.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { middle, peakRss, range, resetPeakRss, withBench } from './harness.js'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    batch: { type: 'string', default: '50000' },
    large: { type: 'string', default: '500000' },
  },
})
const ROWS = Number(values.rows)
const BATCH = Number(values.batch)
const LARGE = Number(values.large)
const INDICATORS = 50
const AREAS = 20
const FIRST_MONTH = 1900 * 12
/** Alternating rounds of COPY and HTTP: each figure is their median, printed with their range. */
const ROUNDS = 3

/** Rows from the nth on: indicator, area, month, a count; a month takes INDICATORS x AREAS rows. */
function* rows(from: number, count: number): Generator<[number, number, number, number]> {
  for (let n = from; n < from + count; n++) {
    const m = Math.floor(n / (INDICATORS * AREAS))
    const i = Math.floor(n / AREAS) % INDICATORS
    const a = n % AREAS
    yield [i, a, FIRST_MONTH + m, (i * 7 + a * 13 + m * 3) % 500]
  }
}
const periodOf = (month: number) => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`

await withBench(
  'ingest',
  async ({ pool, address, admin, call, servicePid }) => {
    const indicators: string[] = []
    const areas: string[] = []
    for (let i = 0; i < INDICATORS; i++) {
      indicators.push(
        (
          await call('POST', '/partnerships/bench/indicators', {
            reference: `B${i}`,
            name: `Indicator ${i}`,
            unit: 'count',
            polarity: 'lower_better',
            frequency: 'monthly',
            aggregation: 'sum',
          })
        ).id,
      )
    }
    for (let a = 0; a < AREAS; a++)
      areas.push(
        (await call('POST', '/partnerships/bench/areas', { name: `Area ${a}`, type: 'ward', code: `W${a}` })).id,
      )
    const partnership = (await pool.query<{ id: string }>(`select id from partnership where slug = 'bench'`)).rows[0]!
      .id

    /** One bulk request of `count` rows from the nth, its body streamed as it is made. */
    async function bulk(from: number, count: number): Promise<void> {
      const body = Readable.from(
        (function* () {
          yield 'indicator,area,period,value\n'
          let lines: string[] = []
          for (const [i, a, m, v] of rows(from, count)) {
            lines.push(`B${i},W${a},${periodOf(m)},${v}`)
            if (lines.length === 1000) {
              yield `${lines.join('\n')}\n`
              lines = []
            }
          }
          if (lines.length > 0) yield `${lines.join('\n')}\n`
        })(),
      )
      const res = await fetch(`${address}/partnerships/bench/measurements/bulk`, {
        method: 'POST',
        headers: { authorization: admin, 'content-type': 'text/csv', 'idempotency-key': `bench-${from}` },
        body: Readable.toWeb(body) as ReadableStream,
        duplex: 'half',
      } as RequestInit)
      const answer = (await res.json()) as { inserted: number }
      if (res.status !== 200 || answer.inserted !== count)
        throw new Error(`bulk answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)
    }

    /** COPY of `count` rows from the nth into a fresh table shaped like measurement; seconds taken. */
    async function copyFloor(client: pg.PoolClient, table: string, from: number, count: number): Promise<number> {
      // LIKE copies columns, defaults, checks and indexes but not foreign keys: those of measurement are
      // added as the catalogue states them, so the floor checks what the real table checks.
      await client.query(`create table ${table} (like measurement including all)`)
      const keys = await client.query<{ def: string }>(
        `select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'measurement'::regclass and contype = 'f'`,
      )
      for (const { def } of keys.rows) await client.query(`alter table ${table} add ${def}`)
      const lines = (function* () {
        for (const [i, a, m, v] of rows(from, count)) {
          const start = `${periodOf(m)}-01`
          yield `${partnership}\t${indicators[i]}\t${areas[a]}\t${periodOf(m)}\t${start}\t${start}\t${v}\tbench\n`
        }
      })()
      const started = process.hrtime.bigint()
      await pipeline(
        Readable.from(lines),
        client.query(
          copyFrom(
            `copy ${table} (partnership_id, indicator_id, area_id, period, period_start, period_end, value, sent_by) from stdin`,
          ),
        ),
      )
      return Number(process.hrtime.bigint() - started) / 1e9
    }

    const client = await pool.connect()
    try {
      const say = (line: string) => process.stdout.write(`${line}\n`)
      say(
        `${ROUNDS} rounds of ${ROWS} rows (${INDICATORS} indicators x ${AREAS} areas), each as a COPY into a fresh table shaped like measurement, then through the HTTP bulk endpoint in batches of ${BATCH} (CSV, streamed)`,
      )
      const rounds: Array<{ copy: number; http: number; rss: number }> = []
      resetPeakRss(servicePid)
      for (let r = 0; r < ROUNDS; r++) {
        const from = r * ROWS
        const copy = ROWS / (await copyFloor(client, `scratch_${r}`, from, ROWS))
        const started = process.hrtime.bigint()
        for (let at = from; at < from + ROWS; at += BATCH) await bulk(at, Math.min(BATCH, from + ROWS - at))
        const http = ROWS / (Number(process.hrtime.bigint() - started) / 1e9)
        rounds.push({ copy, http, rss: peakRss(servicePid) })
        say(
          `  round ${r + 1}: COPY ${Math.round(copy)} rows/s, HTTP ${Math.round(http)} rows/s, ratio ${(http / copy).toFixed(2)}`,
        )
      }
      const ratios = rounds.map((x) => x.http / x.copy)
      say(
        `HTTP bulk: median ${Math.round(middle(rounds.map((x) => x.http)))} rows/s (${range(
          rounds.map((x) => x.http),
          0,
        )}); COPY: median ${Math.round(middle(rounds.map((x) => x.copy)))} rows/s (${range(
          rounds.map((x) => x.copy),
          0,
        )})`,
      )
      say(
        `ratio HTTP/COPY: median ${middle(ratios).toFixed(2)} of ${ROUNDS} rounds (${range(ratios, 2)}) (goal >= 0.80)`,
      )
      const rssBatches = peakRss(servicePid)

      const large = ROUNDS * ROWS
      const largeCopy = LARGE / (await copyFloor(client, 'scratch_large', large, LARGE))
      resetPeakRss(servicePid)
      const largeStart = process.hrtime.bigint()
      await bulk(large, LARGE)
      const largeRate = LARGE / (Number(process.hrtime.bigint() - largeStart) / 1e9)
      const rssLarge = peakRss(servicePid)
      const stored = (await client.query<{ n: number }>('select count(*)::int as n from measurement')).rows[0]!.n
      say(
        `one request of ${LARGE} rows: ${Math.round(largeRate)} rows/s against its own COPY's ${Math.round(largeCopy)} rows/s, ratio ${(largeRate / largeCopy).toFixed(2)}; stored ${stored}`,
      )
      say(
        `service peak RSS (the service built, in its own process): ${rssBatches} MiB during the batches of ${BATCH}, ${rssLarge} MiB during the request of ${LARGE} (goal: within 10%)`,
      )
    } finally {
      client.release()
    }
  },
  {},
  { ownProcess: true, built: true },
)
