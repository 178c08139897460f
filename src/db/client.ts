import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { Database } from './types.js'

export type Db = Kysely<Database>

const OID = { INT8: 20, DATE: 1082 } as const

/** pg returns BIGINT (and count(*)) as strings; a value beyond 2^53 would silently lose digits as a number. */
export function parseBigint(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${value} is beyond the safe range`)
  return n
}

function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  // DATE stays the plain 'YYYY-MM-DD' string: parsing it as local midnight shifts it a day in some zones.
  if (oid === OID.DATE) return (value) => value
  if (oid === OID.INT8) return parseBigint
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown
}

export interface PoolOptions {
  connectionString: string
  max: number
  connectTimeoutMs: number
  statementTimeoutMs: number
  applicationName?: string
  onError?: (err: Error) => void
}

export function createPool(options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // Both sides bound a query: the server cancels it, and the client gives up if the server is unreachable.
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1000,
    idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    application_name: options.applicationName ?? 'safer-partnerships-api',
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  })
  // Without a listener, an idle connection dropped by the server (restart, pg_terminate_backend) kills the process.
  pool.on('error', options.onError ?? (() => {}))
  return pool
}

/** The same server's connection string for another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

export function createDb(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] })
}
