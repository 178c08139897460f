/**
 * npm run bench:ingest [-- --rows 200000 --batch 50000]
 *
 * Loads N measurements through the HTTP bulk endpoint (CSV, all-or-nothing, idempotency key) into a real
 * Postgres, then COPYs the same rows into an identical scratch table, and prints rows/s for both, their
 * ratio and the peak RSS of this process (which runs the service too).
 * Uses DATABASE_URL when set, else a throwaway embedded Postgres.
 */
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { parseArgs } from 'node:util'
import { from as copyFrom } from 'pg-copy-streams'
import { withBench } from './harness.js'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '200000' }, batch: { type: 'string', default: '50000' } } })
const ROWS = Number(values.rows)
const BATCH = Number(values.batch)
const INDICATORS = 50
const AREAS = 20
const months = Math.ceil(ROWS / (INDICATORS * AREAS))

await withBench('ingest', async ({ pool, address, admin: admin2, call }) => {
  const indicators: string[] = []
  const areas: string[] = []
  for (let i = 0; i < INDICATORS; i++) {
    indicators.push((await call('POST', '/partnerships/bench/indicators', { reference: `B${i}`, name: `Indicator ${i}`, unit: 'count', polarity: 'lower_better', frequency: 'monthly', aggregation: 'sum' })).id)
  }
  for (let a = 0; a < AREAS; a++) areas.push((await call('POST', '/partnerships/bench/areas', { name: `Area ${a}`, type: 'ward', code: `W${a}` })).id)

  // The same rows for both loads: indicator, area, month (from April 2000), a count.
  function* rows(): Generator<[number, number, number, number]> {
    let n = 0
    for (let m = 0; m < months; m++) for (let i = 0; i < INDICATORS; i++) for (let a = 0; a < AREAS; a++) {
      if (n++ >= ROWS) return
      yield [i, a, 2000 * 12 + 3 + m, (i * 7 + a * 13 + m * 3) % 500]
    }
  }
  const periodOf = (month: number) => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`

  // HTTP: CSV batches through the bulk endpoint.
  let batch: string[] = []
  let sent = 0
  const flush = async () => {
    const body = `indicator,area,period,value\n${batch.join('\n')}\n`
    const res = await fetch(`${address}/partnerships/bench/measurements/bulk`, { method: 'POST', headers: { authorization: admin2, 'content-type': 'text/csv', 'idempotency-key': `bench-${sent}` }, body })
    const answer = (await res.json()) as { inserted: number }
    if (res.status !== 200 || answer.inserted !== batch.length) throw new Error(`bulk answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`)
    sent += batch.length
    batch = []
  }
  const httpStart = process.hrtime.bigint()
  for (const [i, a, m, v] of rows()) {
    batch.push(`B${i},W${a},${periodOf(m)},${v}`)
    if (batch.length >= BATCH) await flush()
  }
  if (batch.length > 0) await flush()
  const httpSeconds = Number(process.hrtime.bigint() - httpStart) / 1e9

  // Floor: COPY of the same rows into an identical scratch table.
  const client = await pool.connect()
  try {
    // LIKE copies columns, defaults, checks and indexes but not foreign keys; the real table checks two per row.
    await client.query('create table scratch (like measurement including all)')
    await client.query(`alter table scratch
      add foreign key (partnership_id, indicator_id) references indicator (partnership_id, id),
      add foreign key (partnership_id, area_id) references area (partnership_id, id)`)
    const partnership = (await client.query<{ id: string }>(`select id from partnership where slug = 'bench'`)).rows[0]!.id
    const copyStart = process.hrtime.bigint()
    const lines = (function* () {
      for (const [i, a, m, v] of rows()) {
        const start = `${periodOf(m)}-01`
        yield `${partnership}\t${indicators[i]}\t${areas[a]}\t${periodOf(m)}\t${start}\t${start}\t${v}\tbench\n`
      }
    })()
    await pipeline(Readable.from(lines), client.query(copyFrom('copy scratch (partnership_id, indicator_id, area_id, period, period_start, period_end, value, sent_by) from stdin')))
    const copySeconds = Number(process.hrtime.bigint() - copyStart) / 1e9
    const stored = (await client.query<{ n: number }>('select count(*)::int as n from measurement')).rows[0]!.n
    const httpRate = sent / httpSeconds
    const copyRate = sent / copySeconds
    const report = [
      `rows: ${sent} (stored ${stored}), ${INDICATORS} indicators x ${AREAS} areas x ${months} months, batches of ${BATCH} (CSV)`,
      `HTTP bulk: ${httpSeconds.toFixed(2)} s, ${Math.round(httpRate)} rows/s`,
      `COPY floor: ${copySeconds.toFixed(2)} s, ${Math.round(copyRate)} rows/s`,
      `ratio HTTP/COPY: ${(httpRate / copyRate).toFixed(2)}`,
      `peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB (service and load generator in one process)`,
    ]
    process.stdout.write(`${report.join('\n')}\n`)
  } finally {
    client.release()
  }
})
