import { sql } from 'kysely'
import pg from 'pg'
import t from 'tap'
import { createDb, createPool, withDatabase } from '../../src/db/client.js'
import { migrateDown, migrateToLatest } from '../../src/db/migrate.js'

t.test('two instances migrating at once apply each migration exactly once', async (t) => {
  const adminUrl = process.env.TEST_ADMIN_URL!
  const name = `spa_test_${process.env.TEST_RUN_ID}_migrate_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  t.teardown(async () => {
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  })
  const pools = [1, 2].map(() =>
    createPool({
      connectionString: withDatabase(adminUrl, name),
      max: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 30000,
    }),
  )
  t.teardown(() => Promise.all(pools.map((p) => p.end())))
  const [a, b] = await Promise.all(pools.map((p) => migrateToLatest(createDb(p))))
  const applied = [...a!, ...b!]
  t.ok(applied.length > 0, 'migrations ran')
  t.equal(new Set(applied).size, applied.length, 'no migration was applied twice')
  const db = createDb(pools[0]!)
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration`.execute(db)
  t.equal(rows[0]?.n, applied.length, 'the migration table lists each once')

  t.ok((await migrateDown(db)).length > 0, 'the latest migration reverts')
  t.same(await migrateToLatest(db), applied.slice(-1), 'and applies again')
})
