/**
 * npm run bench:scale [-- --partnerships N]
 *
 * Is each partnership's cost independent of the others', and linear in its own data? Loads partnerships
 * of the bench:evaluate shape (200 indicators x 10 areas x 10 years) and one large one (4x: 40 areas),
 * plus two for the per-row figure (5 and 20 areas), ANALYZEs as autovacuum would, and times for the
 * first and the large partnership, alone and then with N-1 more ordinary partnerships loaded: the whole
 * evaluation, the exception report, a 12-month series, GET one record and a list page. Prints medians,
 * the ratio with/without the others (goal: within 1.1), and the whole evaluation's ms per 1,000 window
 * rows at 25k, 50k, 100k and 200k window rows (goal: flat).
 * Uses DATABASE_URL when set, else a throwaway embedded Postgres.
 */
import { sql } from 'kysely'
import { parseArgs } from 'node:util'
import { AS_OF, buildDataset, PERIOD } from './dataset.js'
import { median, withBench } from './harness.js'

const { values } = parseArgs({ options: { partnerships: { type: 'string', default: '10' } } })
const OTHERS = Math.max(0, Number(values.partnerships) - 1)
const INDICATORS = 200
/** Window rows: indicators x areas x the 25 months an evaluation reads. */
const SIZES = [
  { slug: 'w25', areas: 5 },
  { slug: 'bench', areas: 10 },
  { slug: 'w100', areas: 20 },
  { slug: 'large', areas: 40 },
]

await withBench('scale', async ({ db, address, bearer }) => {
  const ids = new Map<string, string>()
  const create = async (slug: string, areas: number) => {
    const id =
      slug === 'bench'
        ? (await db.selectFrom('partnership').select('id').where('slug', '=', 'bench').executeTakeFirstOrThrow()).id
        : (
            await db
              .insertInto('partnership')
              .values({ slug, name: `${slug} CSP` })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id
    ids.set(slug, id)
    await buildDataset(db, id, { indicators: INDICATORS, areas })
  }
  const started = process.hrtime.bigint()
  for (const { slug, areas } of SIZES) await create(slug, areas)
  await sql`analyze`.execute(db)
  const rowsOf = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from measurement`.execute(db)).rows[0]!.n)
  process.stdout.write(
    `alone: ${SIZES.length} partnerships, ${await rowsOf()} measurements, loaded in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(0)} s\n`,
  )

  const timings = async (slug: string) => {
    const headers = { authorization: await bearer({ memberships: [{ partnership: slug, role: 'viewer' }] }) }
    const get = async (route: string) => {
      const res = await fetch(`${address}/partnerships/${slug}${route}`, { headers })
      const body = await res.text()
      if (!res.ok) throw new Error(`${slug}${route}: ${res.status} ${body.slice(0, 200)}`)
      return body
    }
    const id = ids.get(slug)!
    const indicator = (
      await db
        .selectFrom('indicator')
        .select('id')
        .where('partnershipId', '=', id)
        .where('reference', '=', 'B1')
        .executeTakeFirstOrThrow()
    ).id
    const area = (
      await db
        .selectFrom('area')
        .select('id')
        .where('partnershipId', '=', id)
        .where('code', '=', 'W1')
        .executeTakeFirstOrThrow()
    ).id
    return {
      evaluation: await median(7, () => get(`/evaluation?period=${PERIOD}&asOf=${AS_OF}`)),
      exceptions: await median(7, () => get(`/reports/exceptions?period=${PERIOD}&asOf=${AS_OF}`)),
      series: await median(31, () =>
        get(`/indicators/${indicator}/evaluation?areaId=${area}&from=2010-04&to=2011-03&asOf=${AS_OF}`),
      ),
      getOne: await median(101, () => get(`/indicators/${indicator}`)),
      listPage: await median(51, () => get('/indicators?limit=50')),
    }
  }
  const alone = { bench: await timings('bench'), large: await timings('large') }
  const perRow: string[] = []
  for (const { slug, areas } of SIZES) {
    const windowRows = INDICATORS * areas * 25
    const ms =
      slug === 'bench'
        ? alone.bench.evaluation
        : slug === 'large'
          ? alone.large.evaluation
          : (await timings(slug)).evaluation
    perRow.push(
      `${windowRows / 1000}k window rows: ${ms.toFixed(0)} ms, ${((ms / windowRows) * 1000).toFixed(2)} ms per 1,000`,
    )
  }

  const loading = process.hrtime.bigint()
  for (let i = 1; i <= OTHERS; i++) await create(`other${i}`, 10)
  await sql`analyze`.execute(db)
  process.stdout.write(
    `with the others: ${SIZES.length + OTHERS} partnerships, ${await rowsOf()} measurements (${OTHERS} more loaded in ${(Number(process.hrtime.bigint() - loading) / 1e9).toFixed(0)} s)\n`,
  )
  const crowded = { bench: await timings('bench'), large: await timings('large') }

  const lines: string[] = []
  for (const slug of ['bench', 'large'] as const)
    for (const [what, ms] of Object.entries(alone[slug])) {
      const with_ = crowded[slug][what as keyof (typeof alone)['bench']]
      lines.push(
        `${slug.padEnd(5)} ${what.padEnd(10)} alone ${ms.toFixed(1).padStart(7)} ms, with the others ${with_.toFixed(1).padStart(7)} ms, ratio ${(with_ / ms).toFixed(2)}`,
      )
    }
  process.stdout.write(
    `${lines.join('\n')}\n(goal: every ratio within 1.1)\nwhole evaluation by size (alone):\n  ${perRow.join('\n  ')}\n(goal: ms per 1,000 window rows flat)\n`,
  )
})
