import path from 'node:path'
import type pg from 'pg'
import type { Config } from '../config.js'
import { createDb, createPool } from './client.js'
import { checkDurability } from './durability.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js'
import { migrateToLatest } from './migrate.js'
import { TENANT_ROLE } from './tenancy.js'

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

/**
 * Connects to DATABASE_URL, or starts the embedded Postgres in DATA_DIR when it is unset. The pool runs
 * as the tenant role unless `owner` asks for the login role (reverting a migration).
 */
export async function openDatabase(
  config: Config,
  log: Logger,
  options: { migrate: boolean; owner?: boolean },
): Promise<OpenDatabase> {
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
  const connect = (role: string | undefined, max: number) =>
    createPool({
      connectionString: url,
      max,
      connectTimeoutMs: config.db.connectTimeoutMs,
      statementTimeoutMs: config.db.statementTimeoutMs,
      ...(role === undefined ? {} : { role }),
      onError: (err) => log.warn({ err }, 'idle database connection failed'),
    })
  // Checks and migrations run as the login role, which owns the tables; the service's own connections
  // run as the tenant role, under row-level security (created by the migrations, so it comes second).
  const owner = connect(undefined, 1)
  try {
    await checkDurability(owner, log)
    if (options.migrate) {
      const applied = await migrateToLatest(createDb(owner))
      if (applied.length > 0) log.info({ applied }, 'migrations applied')
    }
  } catch (err) {
    await owner.end()
    await embedded?.stop()
    throw err
  }
  let pool = owner
  if (options.owner !== true) {
    await owner.end()
    pool = connect(TENANT_ROLE, config.db.poolMax)
  }
  return {
    pool,
    url,
    embedded: embedded !== undefined,
    async close() {
      await pool.end()
      await embedded?.stop()
    },
  }
}
