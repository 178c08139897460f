/**
 * A heavy-read thread (plugins/heavy-threads.ts): its own copy of the app on its own small pool, answering
 * the heavy reads the main thread hands it, so that their CPU is never the main thread's. Its settings
 * are the main thread's, as threadConfig leaves them.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { buildApp } from './app.js'
import type { Config } from './config.js'
import { createPool } from './db/client.js'
import { TENANT_ROLE } from './db/tenancy.js'
import { createLogger } from './logger.js'
import type { ThreadAnswer, ThreadRequest } from './plugins/heavy-threads.js'

const port = parentPort!
const config = workerData as Config
const logger = createLogger(config).child({ thread: 'heavy-reads' })
const pool = createPool({
  connectionString: config.databaseUrl!,
  max: config.db.poolMax,
  connectTimeoutMs: config.db.connectTimeoutMs,
  statementTimeoutMs: config.db.statementTimeoutMs,
  role: TENANT_ROLE,
  onError: (err) => logger.warn({ err }, 'idle database connection failed'),
})
const app = await buildApp({ config, pool, logger, thread: true })
await app.ready()

port.on('message', (message: ThreadRequest | 'close') => {
  if (message === 'close') {
    void app
      .close()
      .then(() => pool.end())
      .finally(() => port.close())
    return
  }
  void app.inject({ method: 'GET', ...message }).then(
    (res) => {
      // Its own copy of the bytes, handed over rather than copied again.
      const body = new Uint8Array(res.rawPayload)
      port.postMessage(
        { id: message.id, statusCode: res.statusCode, headers: res.headers, body } satisfies ThreadAnswer,
        [body.buffer],
      )
    },
    (err: unknown) => {
      logger.error({ err }, 'heavy read failed in its thread')
      port.postMessage({ id: message.id, failed: String(err) } satisfies ThreadAnswer)
    },
  )
})
port.postMessage('ready')
