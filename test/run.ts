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
  let answers: string | undefined
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

    answers = await fs.mkdtemp(path.join(os.tmpdir(), 'spa-answers-'))
    const tapArgs = process.argv.slice(2)
    const child = spawn(process.execPath, [path.resolve('node_modules/tap/dist/esm/run.mjs'), ...tapArgs], {
      stdio: 'inherit',
      env: {
        ...process.env,
        TEST_ADMIN_URL: adminUrl,
        TEST_TEMPLATE_DB: template,
        TEST_RUN_ID: String(process.pid),
        TEST_ANSWERS_DIR: answers,
        NODE_ENV: 'test',
      },
    })
    const forward = (signal: NodeJS.Signals) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    const code = await new Promise<number>((resolve) =>
      child.on('exit', (c, s) => resolve(c ?? (s === null ? 1 : 128))),
    )
    const undeclared = await undeclaredAnswers(answers)
    for (const line of undeclared) process.stderr.write(`# not in the contract: ${line}\n`)
    if (undeclared.length > 0)
      process.stderr.write(
        `# ${undeclared.length} answers the suite met are not declared in openapi/openapi.json (plugins/contract.ts)\n`,
      )
    return code !== 0 ? code : undeclared.length > 0 ? 1 : 0
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
    if (answers !== undefined) await fs.rm(answers, { recursive: true, force: true })
  }
}

type Contract = {
  paths: Record<
    string,
    Record<
      string,
      { operationId?: string; responses?: Record<string, { 'x-problem-codes'?: string[]; headers?: object }> }
    >
  >
}

/**
 * The problem codes and headers operations answered in the suite (test/helper.ts records them) that the
 * committed contract does not declare for that operation and status. The committed file is the app's
 * (test/contract/openapi.test.ts), so this holds the routes' declarations to what they really answer.
 */
async function undeclaredAnswers(dir: string): Promise<string[]> {
  const contract = JSON.parse(await fs.readFile('openapi/openapi.json', 'utf8')) as Contract
  const responses = new Map<string, Record<string, { 'x-problem-codes'?: string[]; headers?: object }>>()
  for (const methods of Object.values(contract.paths))
    for (const op of Object.values(methods))
      if (op.operationId !== undefined) responses.set(op.operationId, op.responses ?? {})
  const seen = new Set<string>()
  for (const file of await fs.readdir(dir))
    for (const line of (await fs.readFile(path.join(dir, file), 'utf8')).split('\n')) if (line !== '') seen.add(line)
  return [...seen].sort().filter((line) => {
    const [kind, operationId, status, name] = line.split(' ') as [string, string, string, string]
    const response = responses.get(operationId)?.[status]
    if (kind === 'header') return response === undefined || !(name in (response.headers ?? {}))
    return response === undefined || !(response['x-problem-codes'] ?? []).includes(name)
  })
}

process.exitCode = await main()
