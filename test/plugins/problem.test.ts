import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createPool } from '../../src/db/client.js'
import { loadOrCreateDevKey } from '../../src/plugins/keys.js'
import { buildTestApp, signWith } from '../helper.js'

t.test('an unexpected error is a 500 problem without internals', async (t) => {
  const ctx = await buildTestApp(t)
  // A route that fails the way a bug would, leaking a secret in its message.
  const app = await buildApp({ config: ctx.config, pool: ctx.pool })
  app.get('/boom', { config: { access: { scope: 'public' } } }, async () => {
    throw new Error('password=hunter2 at postgres://admin:secret@db')
  })
  await app.ready()
  t.teardown(() => app.close())
  const boom = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': 'r-2' } })
  t.equal(boom.statusCode, 500)
  t.match(boom.headers['content-type'], 'application/problem+json')
  t.equal(boom.json().requestId, 'r-2', 'the request id lets support find the log line')
  t.notMatch(boom.body, /hunter2|secret|postgres:/, 'no internals in the answer')
})

t.test('an unreachable database answers 503 with Retry-After, never hangs', async (t) => {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: t.testdir({}), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })
  const pool = createPool({ connectionString: config.databaseUrl!, max: 2, connectTimeoutMs: 500, statementTimeoutMs: 1000 })
  const app = await buildApp({ config, pool })
  t.teardown(async () => {
    await app.close()
    await pool.end()
  })
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.equal(ready.headers['retry-after'], '5')
  t.match(ready.headers['content-type'], 'application/problem+json')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'liveness does not depend on the database')
  const token = await signWith(await loadOrCreateDevKey(config.auth.devKeyFile), config, { memberships: [{ partnership: 'alpha', role: 'viewer' }] })
  const data = await app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers: { authorization: `Bearer ${token}` } })
  t.equal(data.statusCode, 503, 'a data route answers 503 too')
  t.equal(data.headers['retry-after'], '5')
  t.equal(data.json().code, 'DATABASE.UNAVAILABLE')
})
