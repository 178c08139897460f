/**
 * npm run bench:evaluate
 *
 * Builds a partnership of 200 indicators x 10 areas x 10 years of monthly data (240,000 measurements,
 * a fifth of them ratios with numerator and denominator) with a target per indicator, area and year,
 * then times over HTTP: the whole-partnership evaluation for one month, the exception report, and one
 * indicator's twelve-month series; and, in the same run, the plain SQL query that reads the rows the
 * whole-partnership evaluation reads (the floor). Prints medians and the ratio to the floor.
 * Uses DATABASE_URL when set, else a throwaway embedded Postgres.
 */
import { sql } from 'kysely'
import { AS_OF, buildDataset, PERIOD, YEARS } from './dataset.js'
import { median, withBench } from './harness.js'

const INDICATORS = 200
const AREAS = 10

await withBench('evaluate', async ({ db, pool, address, admin }) => {
  const partnershipId = (
    await db.selectFrom('partnership').select('id').where('slug', '=', 'bench').executeTakeFirstOrThrow()
  ).id
  const loadStart = process.hrtime.bigint()
  await buildDataset(db, partnershipId, { indicators: INDICATORS, areas: AREAS })
  await sql`analyze`.execute(db)
  const loadSeconds = Number(process.hrtime.bigint() - loadStart) / 1e9
  const { n } = await db
    .selectFrom('measurement')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()

  const get = async (route: string) => {
    const res = await fetch(`${address}${route}`, { headers: { authorization: admin } })
    const body = await res.text()
    if (!res.ok) throw new Error(`${route}: ${res.status} ${body.slice(0, 300)}`)
    return body
  }
  const wholeBody = await get(`/partnerships/bench/evaluation?period=${PERIOD}&asOf=${AS_OF}`)
  const whole = JSON.parse(wholeBody) as { items: Array<{ evaluation: { rag: string; flags: unknown[] } }> }
  const rags = whole.items.reduce<Record<string, number>>(
    (acc, i) => ({ ...acc, [i.evaluation.rag]: (acc[i.evaluation.rag] ?? 0) + 1 }),
    {},
  )
  const flagged = whole.items.filter((i) => i.evaluation.flags.length > 0).length
  const indicator = (
    await db.selectFrom('indicator').select('id').where('reference', '=', 'B1').executeTakeFirstOrThrow()
  ).id
  const area = (await db.selectFrom('area').select('id').where('code', '=', 'W1').executeTakeFirstOrThrow()).id

  // The floor: the rows the whole-partnership evaluation reads (25 months to the period), plain SQL.
  const floorQuery = () =>
    pool.query(
      `select indicator_id, area_id, period, value, numerator, denominator, status from measurement
       where partnership_id = $1 and period_start >= $2 and period_start <= $3`,
      [partnershipId, '2009-03-01', '2011-03-31'],
    )
  const floorRows = (await floorQuery()).rowCount
  const floor = await median(9, floorQuery)
  const wholeMs = await median(9, () => get(`/partnerships/bench/evaluation?period=${PERIOD}&asOf=${AS_OF}`))
  const exceptions = await median(9, () => get(`/partnerships/bench/reports/exceptions?period=${PERIOD}&asOf=${AS_OF}`))
  const series = await median(51, () =>
    get(`/partnerships/bench/indicators/${indicator}/evaluation?areaId=${area}&from=2010-04&to=2011-03&asOf=${AS_OF}`),
  )
  const report = [
    `data: ${n} measurements (${INDICATORS} indicators x ${AREAS} areas x ${YEARS * 12} months), ${INDICATORS * AREAS * YEARS} targets; built in ${loadSeconds.toFixed(1)} s`,
    `whole-partnership evaluation for ${PERIOD} over HTTP: median ${wholeMs.toFixed(1)} ms (${whole.items.length} evaluations, ${(wholeBody.length / 1e6).toFixed(1)} MB of JSON; ${JSON.stringify(rags)}, ${flagged} flagged)`,
    `plain SQL floor reading the same ${floorRows} rows: median ${floor.toFixed(1)} ms`,
    `ratio evaluation/floor: ${(wholeMs / floor).toFixed(2)} (goal: within 3x, and under 500 ms)`,
    `exception report (JSON): median ${exceptions.toFixed(1)} ms`,
    `single indicator series, 12 months: median ${series.toFixed(1)} ms (goal: under 20 ms)`,
    `peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB (service and load generator in one process)`,
  ]
  process.stdout.write(`${report.join('\n')}\n`)
})
