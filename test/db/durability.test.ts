import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { judgeDurability } from '../../src/db/durability.js'
import { startEmbeddedPostgres } from '../../src/db/embedded.js'
import { openDatabase } from '../../src/db/open.js'

t.test('which settings refuse and which warn', async (t) => {
  const safe = { fsync: 'on', fullPageWrites: 'on', synchronousCommit: 'on', autovacuum: 'on', trackCounts: 'on' }
  t.same(judgeDurability(safe), { refuse: [], warn: [] })
  t.equal(judgeDurability({ ...safe, fsync: 'off' }).refuse.length, 1)
  t.equal(judgeDurability({ ...safe, fullPageWrites: 'off' }).refuse.length, 1)
  t.same(judgeDurability({ ...safe, synchronousCommit: 'off' }).refuse, [])
  t.equal(judgeDurability({ ...safe, synchronousCommit: 'off' }).warn.length, 1)
  t.same(
    judgeDurability({ ...safe, synchronousCommit: 'remote_write' }),
    { refuse: [], warn: [] },
    'only off is doubtful',
  )
  t.match(judgeDurability({ ...safe, autovacuum: 'off' }), { refuse: [], warn: [/statistics go stale/] })
  t.match(judgeDurability({ ...safe, trackCounts: 'off' }), { refuse: [], warn: [/statistics go stale/] })
})

t.test('the service refuses a server running with fsync off, and warns on asynchronous commit', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'spa-durability-'))
  await fs.chmod(dir, 0o755)
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }))
  const quiet = { info: () => {}, warn: () => {} }
  const server = await startEmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    port: 0,
    persistent: false,
    log: quiet,
    settings: ['-c', 'fsync=off'],
  })
  t.teardown(() => server.stop())
  const warnings: string[] = []
  const log = { info: () => {}, warn: (_: object, msg: string) => warnings.push(msg), error: () => {} }
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, DATABASE_URL: server.url })
  await t.rejects(
    openDatabase(config, log, { migrate: true }),
    { name: 'DurabilityError', message: /fsync is off/ },
    'fsync=off: refused with a clear message',
  )

  const lax = await startEmbeddedPostgres({
    databaseDir: path.join(dir, 'pg2'),
    port: 0,
    persistent: false,
    log: quiet,
    settings: ['-c', 'synchronous_commit=off'],
  })
  t.teardown(() => lax.stop())
  const opened = await openDatabase(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir, DATABASE_URL: lax.url }), log, {
    migrate: false,
  })
  await opened.close()
  t.same(
    warnings,
    ['synchronous_commit is off: a crash can lose the last acknowledged writes'],
    'synchronous_commit=off: starts, with a warning',
  )
})
