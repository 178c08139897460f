/**
 * What every benchmark needs: a fresh database (DATABASE_URL's server, else a throwaway embedded
 * Postgres), migrated, the service listening on it, a way to mint tokens, and a partnership to work in.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import pg from 'pg'
import { buildApp } from '../src/app.js'
import { DEFAULT_HEAVY_READ_THREADS, loadConfig } from '../src/config.js'
import { createDb, createPool, withDatabase, type Db } from '../src/db/client.js'
import { TENANT_ROLE } from '../src/db/tenancy.js'
import { startEmbeddedPostgres } from '../src/db/embedded.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { loadOrCreateDevKey } from '../src/plugins/keys.js'
import { signWith, type TokenClaims } from '../test/helper.js'

export interface Bench {
  /** The service, when it runs in this process. */
  app?: FastifyInstance
  /** The process the service runs in (this one unless `ownProcess`). */
  servicePid: number
  pool: pg.Pool
  /** Connections as the service's own: the tenant role, under row-level security. */
  tenantPool: pg.Pool
  db: Db
  address: string
  /** A bearer header for an admin of the bench partnership. */
  admin: string
  call: (method: string, route: string, body?: unknown) => Promise<{ id: string }>
  /** A bearer header for any claims (an admin of another partnership). */
  bearer: (claims: TokenClaims) => Promise<string>
}

/**
 * The service in a child process; resolves with its address once it listens. Built, it runs as `npm
 * start` does (node on the compiled dist/, built first): tsx's compiler in the process costs it some 150
 * MiB of resident memory that a deployed service does not carry.
 */
async function serviceProcess(
  env: Record<string, string>,
  built = false,
): Promise<{ address: string; child: ChildProcess }> {
  if (built)
    execFileSync(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'])
  // BENCH_CPU_PROF=<folder>: the service writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', '--cpu-prof-interval=200', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
    : []
  const entry = [
    ...profile,
    ...(built ? [path.resolve('dist/src/server.js')] : ['--import', 'tsx', path.resolve('src/server.ts')]),
  ]
  const child = spawn(process.execPath, entry, {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', MIGRATE_ON_START: 'false', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const address = await new Promise<string>((resolve, reject) => {
    let seen = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-10_000)
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(seen)
      if (match?.[1]) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`the service exited before listening (${code}): ${seen}`)))
  })
  return { address, child }
}

/**
 * Runs `run` against the service on a fresh database. With `ownProcess`, the service runs in a child
 * process (as deployed), so its memory and CPU are its own, apart from the load generator's.
 */
export async function withBench(
  name: string,
  run: (bench: Bench) => Promise<void>,
  env: Record<string, string> = {},
  mode: { ownProcess?: boolean; built?: boolean } = {},
): Promise<void> {
  const quiet = { info: () => {}, warn: () => {} }
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'spa-bench-'))
  await fs.chmod(tmp, 0o755)
  const embedded = process.env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ databaseDir: path.join(tmp, 'pg'), port: 0, persistent: false, log: quiet })
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
    // Benchmarks time the work, so the heavy-read budget is off unless one asks for it (bench:load part 4).
    // The service's NODE_ENV is test (for the development key), which would keep heavy reads on the main
    // thread: they run on their thread, as deployed.
    const service = { HEAVY_READ_MAX: '0', HEAVY_READ_THREADS: String(DEFAULT_HEAVY_READ_THREADS), ...env }
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: tmp, DATABASE_URL: url, ...service })
    // Made before the service starts, so both sign and verify with it.
    const key = await loadOrCreateDevKey(config.auth.devKeyFile)
    const app = mode.ownProcess ? undefined : await buildApp({ config, pool: servicePool })
    const child = mode.ownProcess
      ? await serviceProcess({ ...service, DATABASE_URL: url, DATA_DIR: tmp }, mode.built)
      : undefined
    const address = child?.address ?? (await app!.listen({ port: 0, host: '127.0.0.1' }))
    const bearer = async (claims: TokenClaims) => `Bearer ${await signWith(key, config, { sub: 'bench', ...claims })}`
    const superadmin = await bearer({ superadmin: true })
    const admin = await bearer({ memberships: [{ partnership: 'bench', role: 'admin' }] })
    const call = async (method: string, route: string, body?: unknown, auth = admin) => {
      const res = await fetch(`${address}${route}`, {
        method,
        headers: { authorization: auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
      if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`)
      return res.json() as Promise<{ id: string }>
    }
    // As a load balancer would: nothing is sent until the instance says it is ready (start-up work holds
    // the event loop, and the instance sheds while it lags).
    for (let i = 0; i < 100 && (await fetch(`${address}/readyz`)).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 100))
    await call('POST', '/partnerships', { slug: 'bench', name: 'Bench CSP' }, superadmin)
    try {
      await run({
        ...(app ? { app } : {}),
        servicePid: child?.child.pid ?? process.pid,
        pool,
        tenantPool: servicePool,
        db,
        address,
        admin,
        call: (method, route, body) => call(method, route, body),
        bearer,
      })
    } finally {
      await app?.close()
      if (child !== undefined) {
        child.child.kill('SIGTERM')
        await new Promise((resolve) => child.child.once('exit', resolve))
      }
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

/** How long one run of a function takes, in milliseconds. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

/** The middle of some figures (the upper one of an even count). */
export const middle = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/** The lowest and highest of some figures, as "low-high". */
export const range = (values: readonly number[], digits = 1): string =>
  `${Math.min(...values).toFixed(digits)}-${Math.max(...values).toFixed(digits)}`

/** Median of a timed function's runs, in milliseconds, after one warm-up run. */
export async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await timed(fn))
  return middle(times)
}

/**
 * Starts a process's peak resident memory (VmHWM) afresh from what it holds now (Linux: clear_refs 5), so a
 * peak read after a phase is that phase's, not the highest of the run so far.
 */
export function resetPeakRss(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5')
}

/** A process's peak resident memory so far (VmHWM), in MiB. */
export function peakRss(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'))
  return Math.round(Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024)
}
