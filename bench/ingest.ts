/**
 * npm run bench:ingest [-- --rows 200000 --batch 50000 --large 500000]
 *
 * The service runs in its own process, as deployed. Loads `rows` measurements through the HTTP bulk
 * endpoint (CSV streamed from a generator, all-or-nothing, idempotency key) in batches of `batch`, and
 * COPYs the same rows into an identical scratch table (same indexes, checks and foreign keys)
 * before and after, the floor being the mean of the two. Prints rows/s for both and their ratio, then
 * sends `large` further rows in one request, and prints the service's peak RSS after each load: flat
 * means memory does not grow with the batch. Uses DATABASE_URL when set, else an embedded Postgres.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseArgs } from 'node:util'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { peakRss, withBench } from './harness.js'

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
const FIRST_MONTH = 1950 * 12

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

    /** COPY of the same rows into a fresh table shaped like measurement; seconds taken. */
    async function copyFloor(client: pg.PoolClient, table: string): Promise<number> {
      // LIKE copies columns, defaults, checks and indexes but not foreign keys: those of measurement are
      // added as the catalogue states them, so the floor checks what the real table checks.
      await client.query(`create table ${table} (like measurement including all)`)
      const keys = await client.query<{ def: string }>(
        `select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'measurement'::regclass and contype = 'f'`,
      )
      for (const { def } of keys.rows) await client.query(`alter table ${table} add ${def}`)
      const lines = (function* () {
        for (const [i, a, m, v] of rows(0, ROWS)) {
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
      const copyBefore = await copyFloor(client, 'scratch_before')
      const httpStart = process.hrtime.bigint()
      for (let from = 0; from < ROWS; from += BATCH) await bulk(from, Math.min(BATCH, ROWS - from))
      const httpSeconds = Number(process.hrtime.bigint() - httpStart) / 1e9
      const rssAfterBatches = peakRss(servicePid)
      const copyAfter = await copyFloor(client, 'scratch_after')

      const largeStart = process.hrtime.bigint()
      await bulk(ROWS, LARGE)
      const largeSeconds = Number(process.hrtime.bigint() - largeStart) / 1e9
      const rssAfterLarge = peakRss(servicePid)
      const stored = (await client.query<{ n: number }>('select count(*)::int as n from measurement')).rows[0]!.n

      const copyRate = ROWS / ((copyBefore + copyAfter) / 2)
      const httpRate = ROWS / httpSeconds
      process.stdout.write(
        [
          `rows: ${ROWS} in batches of ${BATCH} (CSV, streamed), then ${LARGE} in one request; stored ${stored}; ${INDICATORS} indicators x ${AREAS} areas`,
          `HTTP bulk: ${httpSeconds.toFixed(2)} s, ${Math.round(httpRate)} rows/s`,
          `COPY floor: ${copyBefore.toFixed(2)} s before, ${copyAfter.toFixed(2)} s after, mean ${Math.round(copyRate)} rows/s`,
          `ratio HTTP/COPY: ${(httpRate / copyRate).toFixed(2)} (goal >= 0.80)`,
          `one request of ${LARGE} rows: ${largeSeconds.toFixed(2)} s, ${Math.round(LARGE / largeSeconds)} rows/s`,
          `service peak RSS: ${rssAfterBatches} MiB after the batches of ${BATCH}, ${rssAfterLarge} MiB after the request of ${LARGE}`,
        ].join('\n') + '\n',
      )
    } finally {
      client.release()
    }
  },
  {},
  { ownProcess: true },
)
