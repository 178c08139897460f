import { CamelCasePlugin, Kysely } from 'kysely'
import pg from 'pg'
import { dropSocketOnReadTimeout } from './pg-wire.js'
import { tenantDialect } from './tenancy.js'
import type { Database } from './types.js'

export type Db = Kysely<Database>

const OID = { INT8: 20, DATE: 1082, NUMERIC: 1700 } as const

/** pg returns BIGINT (and count(*)) as strings; a value beyond 2^53 would silently lose digits as a number. */
export function parseBigint(value: string): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${value} is beyond the safe range`)
  return n
}

/**
 * NUMERIC as its shortest exact decimal: a numeric(20, 6) column holds 27 as 27.000000, which is padding,
 * not precision ("27", "47.3", "-3"). Exact either way; figures worked out are rounded where they are shown.
 */
export function parseNumeric(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value
}

function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  // DATE stays the plain 'YYYY-MM-DD' string: parsing it as local midnight shifts it a day in some zones.
  if (oid === OID.DATE) return (value) => value
  if (oid === OID.INT8) return parseBigint
  if (oid === OID.NUMERIC) return parseNumeric
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown
}

/**
 * Settings every connection starts with. The service's statements are short and index-driven: a plan for
 * one partnership is cheap, but the planner's estimate grows with the other partnerships' rows until it
 * turns on JIT compilation and parallel workers, which cost more than they save here (bench:scale). So
 * plans stay serial and JIT-free on every connection of the service, whatever the server's defaults.
 */
export function connectionSettings(role?: string): string {
  return [
    '-c jit=off',
    '-c max_parallel_workers_per_gather=0',
    ...(role === undefined ? [] : [`-c role=${role}`]),
  ].join(' ')
}

export interface PoolOptions {
  connectionString: string
  max: number
  connectTimeoutMs: number
  statementTimeoutMs: number
  applicationName?: string
  /** The role every connection runs as from the moment it connects (the service's is TENANT_ROLE). */
  role?: string
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
    options: connectionSettings(options.role),
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  })
  // Without a listener, a connection dropped by the server (restart, pg_terminate_backend) kills the
  // process: the pool listens on idle ones only, so every connection gets its own listener for the time
  // it is checked out (a transaction between two statements). Its next query then fails and answers 503,
  // and the pool discards it on release.
  const onError = options.onError ?? (() => {})
  pool.on('error', onError)
  pool.on('connect', (client) => {
    client.on('error', onError)
    dropSocketOnReadTimeout(client)
  })
  return pool
}

/** The same server's connection string for another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

/** `onCheckout` hears how long each statement or transaction waited for a connection (the queue delay). */
export function createDb(pool: pg.Pool, onCheckout?: (waitedMs: number) => void): Db {
  return new Kysely<Database>({ dialect: tenantDialect(pool, onCheckout), plugins: [new CamelCasePlugin()] })
}
