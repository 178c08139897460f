import path from 'node:path'
import type pg from 'pg'
import type { Config } from '../config.js'
import { createDb, createPool } from './client.js'
import { checkDurability } from './durability.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js'
import { migrateToLatest } from './migrate.js'

interface Logger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface OpenDatabase {
  pool: pg.Pool
  url: string
  embedded: boolean
  /** Ends the pool, then stops the embedded server if this process started it. */
  close(): Promise<void>
}

/** Connects to DATABASE_URL, or starts the embedded Postgres in DATA_DIR when it is unset. */
export async function openDatabase(config: Config, log: Logger, options: { migrate: boolean }): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined
  if (config.databaseUrl === undefined) {
    embedded = await startEmbeddedPostgres({
      databaseDir: path.join(config.dataDir, 'pg'),
      port: config.embeddedPgPort,
      persistent: true,
      log,
    })
  }
  const url = config.databaseUrl ?? embedded!.url
  const pool = createPool({
    connectionString: url,
    max: config.db.poolMax,
    connectTimeoutMs: config.db.connectTimeoutMs,
    statementTimeoutMs: config.db.statementTimeoutMs,
    onError: (err) => log.warn({ err }, 'idle database connection failed'),
  })
  const close = async () => {
    await pool.end()
    await embedded?.stop()
  }
  try {
    await checkDurability(pool, log)
    if (options.migrate) {
      const applied = await migrateToLatest(createDb(pool))
      if (applied.length > 0) log.info({ applied }, 'migrations applied')
    }
  } catch (err) {
    await close()
    throw err
  }
  return { pool, url, embedded: embedded !== undefined, close }
}
