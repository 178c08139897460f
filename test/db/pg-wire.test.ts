import pg from 'pg'
import t from 'tap'
import { assertPgInternals, runWithSetting } from '../../src/db/pg-wire.js'
import { ABSENT, testDatabase } from '../helper.js'

t.test('the pg internals the tenant wire relies on are there; without one, start-up says which', async (t) => {
  t.doesNotThrow(() => assertPgInternals(), 'the pinned pg has them all')
  const proto = pg.Query.prototype as unknown as Record<string, unknown>
  const kept = proto.handleDataRow
  delete proto.handleDataRow
  try {
    t.throws(() => assertPgInternals(), {
      message: /pg 8\.\d+\.\d+ lacks the internals src\/db\/pg-wire\.ts relies on: handleDataRow/,
    })
  } finally {
    proto.handleDataRow = kept
  }
})

t.test('rows read through the tenant wire are as pg reads them, a column named __proto__ among them', async (t) => {
  const pool = new pg.Pool({ connectionString: await testDatabase(t), max: 1 })
  t.teardown(() => pool.end())
  const client = await pool.connect()
  t.teardown(() => client.release())
  const setting = { text: "select set_config('app.partnership_id', $1, true)", value: ABSENT }
  const run = async (text: string) =>
    ((await runWithSetting(client, text, [], setting)) as { rows: Array<Record<string, unknown>> }).rows
  const rows = await run('select g as n, g::text as label from generate_series(1, 3) g')
  t.same(rows, [
    { n: 1, label: '1' },
    { n: 2, label: '2' },
    { n: 3, label: '3' },
  ])
  const [odd] = await run('select 1 as "__proto__", 2 as other')
  t.same(Object.keys(odd!), ['__proto__', 'other'], "pg's own template kept where a column is named __proto__")
})
