/**
 * What every benchmark needs: a fresh database (DATABASE_URL's server, else a throwaway embedded
 * Postgres), migrated, the service listening on it, a way to mint tokens, and a partnership to work in.
 */
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { createDb, createPool, withDatabase, type Db } from '../src/db/client.js'
import { TENANT_ROLE } from '../src/db/tenancy.js'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { loadOrCreateDevKey } from '../src/plugins/keys.js'
import { signWith, type TokenClaims } from '../test/helper.js'

export interface Bench {
  app: FastifyInstance
  pool: pg.Pool
  db: Db
  address: string
  /** A bearer header for an admin of the bench partnership. */
  admin: string
  call: (method: string, route: string, body?: unknown) => Promise<{ id: string }>
}

export async function withBench(name: string, run: (bench: Bench) => Promise<void>, env: Record<string, string> = {}): Promise<void> {
  const quiet = { info: () => {}, warn: () => {} }
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spa-bench-'))
  await fs.chmod(tmp, 0o755)
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ databaseDir: path.join(tmp, 'pg'), port: 0, persistent: false, log: quiet })
  const adminUrl = process.env.DATABASE_URL ?? embedded!.url
  const dbName = `spa_bench_${name}_${process.pid}`
  const server = new pg.Client({ connectionString: adminUrl })
  await server.connect()
  await server.query(`create database ${dbName}`)
  const url = withDatabase(adminUrl, dbName)
  // The benchmark's own view as the owner; the service's connections as the tenant role, as in production.
  // The service's pool as deployed (DB_POOL_MAX's default); the bare route of bench:load uses the same size.
  const options = { connectionString: url, max: 10, connectTimeoutMs: 5000, statementTimeoutMs: 600_000 }
  const pool = createPool(options)
  const servicePool = createPool({ ...options, role: TENANT_ROLE })
  const db = createDb(pool)
  try {
    await migrateToLatest(db)
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: tmp, DATABASE_URL: url, ...env })
    const app = await buildApp({ config, pool: servicePool })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    const key = await loadOrCreateDevKey(config.auth.devKeyFile)
    const bearer = async (claims: TokenClaims) => `Bearer ${await signWith(key, config, { sub: 'bench', ...claims })}`
    const superadmin = await bearer({ superadmin: true })
    const admin = await bearer({ memberships: [{ partnership: 'bench', role: 'admin' }] })
    const call = async (method: string, route: string, body?: unknown, auth = admin) => {
      const res = await fetch(`${address}${route}`, { method, headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
      if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`)
      return res.json() as Promise<{ id: string }>
    }
    await call('POST', '/partnerships', { slug: 'bench', name: 'Bench CSP' }, superadmin)
    try {
      await run({ app, pool, db, address, admin, call: (method, route, body) => call(method, route, body) })
    } finally {
      await app.close()
    }
  } finally {
    await servicePool.end()
    await pool.end()
    await server.query(`drop database if exists ${dbName} with (force)`)
    await server.end()
    await embedded?.stop()
    await fs.rm(tmp, { recursive: true, force: true })
  }
}

/** Median of a timed function's runs, in milliseconds, after one warm-up run. */
export async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}
