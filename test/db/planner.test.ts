import t from 'tap'
import { buildTestApp } from '../helper.js'

t.test("the service's connections plan serially and without JIT, whatever the server's defaults", async (t) => {
  const ctx = await buildTestApp(t)
  const client = await ctx.pool.connect()
  try {
    const { rows } = await client.query<{ jit: string; workers: string; role: string }>(
      `select current_setting('jit') as jit, current_setting('max_parallel_workers_per_gather') as workers,
              current_user as role`,
    )
    t.same(rows[0], { jit: 'off', workers: '0', role: 'spa_tenant' }, 'the settings the service runs with')
  } finally {
    client.release()
  }
})

t.test('bulk-grown tables are analysed early, and a series reads only its window', async (t) => {
  const ctx = await buildTestApp(t)
  const { rows } = await ctx.pool.query<{ relname: string; reloptions: string[] }>(
    `select relname, reloptions from pg_class where relname in ('measurement', 'target') order by relname`,
  )
  t.same(
    rows.map((r) => [r.relname, [...r.reloptions].sort()]),
    [
      ['measurement', ['autovacuum_analyze_scale_factor=0.02', 'autovacuum_analyze_threshold=10000']],
      ['target', ['autovacuum_analyze_scale_factor=0.02', 'autovacuum_analyze_threshold=10000']],
    ],
  )
  // With the planner told the table is large, one indicator's window is read by its own index.
  const client = await ctx.pool.connect()
  try {
    await client.query('begin')
    await client.query('set local enable_seqscan = off')
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `explain select * from measurement where partnership_id = $1 and indicator_id = $2
         and period_start >= '2010-04-01' and period_start <= '2011-03-31'`,
      ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
    )
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n')
    t.match(text, /measurement_indicator_period_idx/, 'the series window is an index range')
    t.match(text, /Index Cond: .*period_start >= /s, 'with the period in the index condition, not a filter')
    await client.query('rollback')
  } finally {
    client.release()
  }
})
