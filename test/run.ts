/**
 * `npm test`: gives the tap suite a real Postgres and a migrated template database, then runs tap.
 * With DATABASE_URL set it uses that server; otherwise it starts a throwaway embedded Postgres.
 * Each test file clones the template (test/helper.ts), so files run in parallel without sharing rows.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { createDb, createPool, withDatabase } from '../src/db/client.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js'
import { migrateToLatest } from '../src/db/migrate.js'

const log = {
  info: (obj: object, msg: string) => process.stderr.write(`# ${msg} ${JSON.stringify(obj)}\n`),
  warn: (obj: object, msg: string) => process.stderr.write(`# warning: ${msg} ${JSON.stringify(obj)}\n`),
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

async function main(): Promise<number> {
  let embedded: EmbeddedDatabase | undefined
  let tmp: string | undefined
  let adminUrl = process.env.DATABASE_URL
  if (adminUrl === undefined || adminUrl === '') {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spa-test-'))
    await fs.chmod(tmp, 0o755)
    embedded = await startEmbeddedPostgres({ databaseDir: path.join(tmp, 'pg'), port: 0, persistent: false, log })
    adminUrl = embedded.url
  }
  const template = `spa_template_${process.pid}`
  try {
    await admin(adminUrl, (c) =>
      c.query(`drop database if exists ${template}`).then(() => c.query(`create database ${template}`)),
    )
    const pool = createPool({
      connectionString: withDatabase(adminUrl, template),
      max: 2,
      connectTimeoutMs: 5000,
      statementTimeoutMs: 60000,
    })
    try {
      await migrateToLatest(createDb(pool))
    } finally {
      await pool.end()
    }

    const tapArgs = process.argv.slice(2)
    const child = spawn(process.execPath, [path.resolve('node_modules/tap/dist/esm/run.mjs'), ...tapArgs], {
      stdio: 'inherit',
      env: {
        ...process.env,
        TEST_ADMIN_URL: adminUrl,
        TEST_TEMPLATE_DB: template,
        TEST_RUN_ID: String(process.pid),
        NODE_ENV: 'test',
      },
    })
    const forward = (signal: NodeJS.Signals) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    const code = await new Promise<number>((resolve) =>
      child.on('exit', (c, s) => resolve(c ?? (s === null ? 1 : 128))),
    )
    return code
  } finally {
    await admin(adminUrl, async (c) => {
      const { rows } = await c.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [
        `spa_test_${process.pid}_%`,
      ])
      for (const name of [...rows.map((r) => r.datname), template])
        await c.query(`drop database if exists ${name} with (force)`)
    }).catch((err: unknown) => log.warn({ err: String(err) }, 'could not drop test databases'))
    await embedded?.stop()
    if (tmp !== undefined) await fs.rm(tmp, { recursive: true, force: true })
  }
}

process.exitCode = await main()
