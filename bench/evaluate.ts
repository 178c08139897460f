/**
 * npm run bench:evaluate
 *
 * Builds a partnership of 200 indicators x 10 areas x 10 years of monthly data (240,000 measurements,
 * a fifth of them ratios with numerator and denominator) with a target per indicator, area and year,
 * every figure a hash of names and months (so every run judges the same data), then times over HTTP the
 * whole-partnership evaluation for one month, alternating with its floor: the plain SQL reads of what it
 * reads, as the tenant role under row-level security. Then the exception report and one indicator's
 * twelve-month series. Prints medians, ranges and the median ratio to the floor (goal: within 2x).
 * Uses DATABASE_URL when set, else a throwaway embedded Postgres.
 */
import { sql } from 'kysely'
import { AS_OF, buildDataset, PERIOD, YEARS } from './dataset.js'
import { median, middle, range, timed, withBench } from './harness.js'

const INDICATORS = 200
const AREAS = 10

await withBench('evaluate', async ({ db, tenantPool, address, admin }) => {
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

  // The floor: what the whole-partnership evaluation reads from the database (evaluationData's seven reads,
  // the figures queried on arrival and those overridden), as the service reads them: the tenant role under
  // row-level security, each read one round trip with the tenant setting ahead of it, in parallel. Not in
  // it: the linked actions and the peer groups (the bench partnership has none), a few rows each.
  const scoped = (text: string) =>
    tenantPool.query(
      `select set_config('app.partnership_id', '${partnershipId}', true); ${text}`,
    ) as unknown as Promise<Array<{ rowCount: number }>>
  const P = `partnership_id = '${partnershipId}'`
  const window = `period_start >= '2009-03-01' and period_start <= '2011-03-31'`
  const floorQuery = async () => {
    const results = await Promise.all([
      scoped(`select id, reference, name, unit, polarity, frequency, aggregation, rate_per, decimal_places,
        default_tolerance_percent, data_lag_days, parent_id, rate_denominator,
        array(select ip.priority_id from indicator_priority ip where ip.indicator_id = indicator.id order by 1)
        from indicator where ${P} and not archived order by reference`),
      scoped(`select id, name, code, parent_id from area where ${P} and not archived order by name`),
      scoped(`select indicator_id, area_id, period, status, baseline_value, target_value, tolerance_percent, profile,
        judged_on from target where ${P} and not archived and period_end >= '2009-03-01'
        and period_start <= '2011-03-31' order by period_start, id`),
      scoped(`select indicator_id, area_id, period, value, numerator, denominator, status from measurement
        where ${P} and ${window}`),
      scoped(`select indicator_id, area_id, period, value, numerator, denominator, status from measurement
        where ${P} and period_start >= '2007-04-01' and period_start < '2009-03-01' and indicator_id in
        (select id from indicator where ${P} and frequency in ('annual', 'biennial'))`),
      scoped(`select code, year, population from population where ${P} and not archived`),
      scoped(`select persistent_red_periods, viewer_minimum_status from partnership where id = '${partnershipId}'`),
      scoped(`select indicator_id, area_id, period, period_start, rule, message from measurement_finding
        where ${P} and ${window} and state in ('open', 'confirmed') order by period_start`),
      scoped(`select indicator_id, area_id, period, period_start, sent_by, reason, overridden_agency_id
        from measurement where ${P} and overridden_agency_id is not null and ${window} order by period_start`),
    ])
    return results.reduce((n, [, r]) => n + r!.rowCount, 0)
  }
  const floorRows = await floorQuery()
  // Floor and evaluation alternate, nine rounds after a warm-up of each, so that a slow minute of the
  // machine weighs on both alike; the ratio is the median of the rounds' ratios.
  const evaluation = () => get(`/partnerships/bench/evaluation?period=${PERIOD}&asOf=${AS_OF}`)
  await floorQuery()
  await evaluation()
  const rounds: Array<{ floor: number; whole: number }> = []
  for (let i = 0; i < 9; i++) rounds.push({ floor: await timed(floorQuery), whole: await timed(evaluation) })
  const floor = middle(rounds.map((r) => r.floor))
  const wholeMs = middle(rounds.map((r) => r.whole))
  const ratios = rounds.map((r) => r.whole / r.floor)
  const exceptions = await median(9, () => get(`/partnerships/bench/reports/exceptions?period=${PERIOD}&asOf=${AS_OF}`))
  const series = await median(51, () =>
    get(`/partnerships/bench/indicators/${indicator}/evaluation?areaId=${area}&from=2010-04&to=2011-03&asOf=${AS_OF}`),
  )
  const report = [
    `data: ${n} measurements (${INDICATORS} indicators x ${AREAS} areas x ${YEARS * 12} months), ${INDICATORS * AREAS * YEARS} targets; built in ${loadSeconds.toFixed(1)} s`,
    `whole-partnership evaluation for ${PERIOD} over HTTP: ${whole.items.length} evaluations, ${(wholeBody.length / 1e6).toFixed(1)} MB of JSON; ${JSON.stringify(rags)}, ${flagged} flagged`,
    `floor (the same reads, same role, row-level security; ${floorRows} rows): median ${floor.toFixed(1)} ms (range ${range(
      rounds.map((r) => r.floor),
      0,
    )})`,
    `evaluation alternating with it: median ${wholeMs.toFixed(1)} ms (range ${range(
      rounds.map((r) => r.whole),
      0,
    )})`,
    `ratio evaluation/floor, median of 9 alternating rounds: ${middle(ratios).toFixed(2)} (range ${range(ratios, 2)}; goal: within 2x, and under 500 ms)`,
    `exception report (JSON): median ${exceptions.toFixed(1)} ms`,
    `single indicator series, 12 months: median ${series.toFixed(1)} ms (goal: under 20 ms)`,
    `peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB (service and load generator in one process)`,
  ]
  process.stdout.write(`${report.join('\n')}\n`)
})
