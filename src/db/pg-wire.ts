import { createRequire } from 'node:module'
import pg from 'pg'

/**
 * The one module that knows pg's internals (pg is pinned to an exact version in package.json). The
 * service sends a statement and the tenant setting in one message batch, prepares hot statements once per
 * connection and reuses what pg builds from their row descriptions; pg has no public API for any of it.
 * `assertPgInternals` runs when a database handle is made: after an upgrade that moved them, the service
 * stops at start with a clear error instead of answering wrongly.
 */

interface Wire {
  parse(config: { text: string; name?: string }): void
  bind(config: { statement?: string; values: unknown[] }): void
  execute(config: object): void
  parsedStatements: Record<string, string>
  submittedNamedStatements: Record<string, string>
  stream: { destroy(): void }
}

/** What pg builds from a statement's row description: its fields, a parser per column, the empty row each row is copied from. */
interface Described {
  fields: unknown[]
  _parsers: unknown[]
  _prebuiltEmptyResultObject: object
}

/** The pg 8 Query members used below. */
interface QueryInternals {
  queryMode: string
  name?: string
  _result: Described
  _accumulateRows: boolean
}

const base = pg.Query.prototype as unknown as {
  prepare(connection: Wire): void
  handleRowDescription(msg: unknown): void
  handleDataRow(msg: unknown): void
  handleCommandComplete(msg: unknown, connection: unknown): void
}

/** Fails at start, with a message naming what moved, when the installed pg lacks an internal used here. */
export function assertPgInternals(): void {
  const missing = (['prepare', 'handleRowDescription', 'handleDataRow', 'handleCommandComplete'] as const).filter(
    (m) => typeof base[m] !== 'function',
  )
  const query = new pg.Query('select 1', []) as unknown as Partial<QueryInternals>
  if (!('_result' in query) || typeof query._result !== 'object') missing.push('Query._result' as never)
  const client = new pg.Client() as unknown as { connection?: Partial<Wire> }
  const connection = client.connection
  for (const member of ['parse', 'bind', 'execute'] as const)
    if (typeof connection?.[member] !== 'function') missing.push(`Connection.${member}` as never)
  if (typeof connection?.parsedStatements !== 'object') missing.push('Connection.parsedStatements' as never)
  if (missing.length > 0) {
    const version = (createRequire(import.meta.url)('pg/package.json') as { version: string }).version
    throw new Error(
      `pg ${version} lacks the internals src/db/pg-wire.ts relies on: ${missing.join(', ')}. Install the version package.json pins, or adapt pg-wire.ts.`,
    )
  }
}

const SETTING_NAME = 'spa_scope'
const preparedNames = new Map<string, string>()
const descriptions = new Map<string, Described>()
/** Connections on which the setting's statement has been prepared. */
const settingPrepared = new WeakSet<Wire>()

/** Marks a fixed statement text to be parsed and planned once per connection. */
export function prepareOnce(text: string): void {
  if (!preparedNames.has(text)) preparedNames.set(text, `spa_q${preparedNames.size + 1}`)
}

/**
 * One statement with a setting statement sent just ahead of it, in the same message batch: in the
 * extended protocol everything up to the Sync runs in one implicit transaction, so the setting holds for
 * exactly this statement and costs no round trip of its own. The setting's own answer is dropped.
 */
class ScopedQuery extends pg.Query {
  /** Whether this batch prepares a statement; if it then fails, what is prepared is unknown. */
  preparing = false
  private settingPending = true

  constructor(
    text: string,
    values: readonly unknown[],
    private readonly setting: { text: string; value: string },
    callback: (err: Error | undefined, result: unknown) => void,
  ) {
    // Text and values, not a config object: pg copies a config object property by property.
    super(text, [...values], callback)
    const self = this as unknown as QueryInternals
    self.queryMode = 'extended'
    const name = preparedNames.get(text)
    if (name !== undefined) self.name = name
  }

  prepare(connection: Wire): void {
    const name = (this as unknown as QueryInternals).name
    const settingKnown = settingPrepared.has(connection)
    this.preparing =
      !settingKnown ||
      (name !== undefined &&
        connection.parsedStatements[name] === undefined &&
        connection.submittedNamedStatements[name] === undefined)
    if (!settingKnown) {
      connection.parse({ text: this.setting.text, name: SETTING_NAME })
      settingPrepared.add(connection)
    }
    connection.bind({ statement: SETTING_NAME, values: [this.setting.value] })
    connection.execute({})
    base.prepare.call(this, connection)
  }

  handleRowDescription(msg: { fields: unknown[] }): void {
    const self = this as unknown as QueryInternals
    const known = self.name === undefined ? undefined : descriptions.get(self.name)
    if (known !== undefined && known.fields.length === msg.fields.length) {
      self._result.fields = known.fields
      self._result._parsers = known._parsers
      self._result._prebuiltEmptyResultObject = known._prebuiltEmptyResultObject
      self._accumulateRows = true
      return
    }
    base.handleRowDescription.call(this, msg)
    self._result._prebuiltEmptyResultObject = rowTemplate(
      self._result.fields as Array<{ name: string }>,
      self._result._prebuiltEmptyResultObject,
    )
    if (self.name !== undefined)
      descriptions.set(self.name, {
        fields: self._result.fields,
        _parsers: self._result._parsers,
        _prebuiltEmptyResultObject: self._result._prebuiltEmptyResultObject,
      })
  }

  handleDataRow(msg: unknown): void {
    if (!this.settingPending) base.handleDataRow.call(this, msg)
  }

  handleCommandComplete(msg: unknown, connection: unknown): void {
    if (this.settingPending) this.settingPending = false
    else base.handleCommandComplete.call(this, msg, connection)
  }
}

/**
 * The empty row pg copies for each row, as an ordinary object. pg makes it with a null prototype, and
 * spreading such an object makes every row a slow dictionary-mode object: 1,000 rows of five columns cost
 * 1.1 ms instead of 0.13 ms to build, and as much again to every reader after (the camel-case mapping,
 * serialisation). Kept as pg made it where a column is named `__proto__`, which an ordinary object cannot hold.
 */
function rowTemplate(fields: ReadonlyArray<{ name: string }>, made: object): object {
  if (fields.some((f) => f.name === '__proto__')) return made
  const row: Record<string, null> = {}
  for (const { name } of fields) row[name] = null
  return row
}

const wireOf = (client: pg.PoolClient) => (client as unknown as { connection: Wire }).connection

/**
 * Runs `text` with `setting` (a one-parameter statement) ahead of it in one batch. `preparing` tells the
 * caller, when it fails, whether the connection's prepared statements are now unknown.
 */
export function runWithSetting(
  client: pg.PoolClient,
  text: string,
  values: readonly unknown[],
  setting: { text: string; value: string },
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const query: ScopedQuery = new ScopedQuery(text, values, setting, (err, result) => {
      if (err === undefined || err === null) return resolve(result)
      reject(Object.assign(err, { preparing: query.preparing }))
    })
    client.query(query)
  })
}

/** Forgets what the client believes is prepared (the server dropped it: DISCARD ALL, a pooler). */
export function forgetPrepared(client: pg.PoolClient): void {
  const wire = wireOf(client)
  settingPrepared.delete(wire)
  wire.parsedStatements = {}
  wire.submittedNamedStatements = {}
}

/** Closes the client's socket at once: whatever is queued on it fails, and the pool discards it. */
function dropSocket(client: pg.PoolClient): void {
  wireOf(client).stream.destroy()
}

/**
 * After a client-side read timeout the connection is in an unknown state (a paused or unreachable
 * server), and the ROLLBACK that follows would wait out a second timeout behind the first query. The
 * socket is destroyed instead, so whatever is queued fails at once and the pool discards the client:
 * a request waits on the database for one timeout at most. pg's client.query is wrapped for it.
 */
export function dropSocketOnReadTimeout(client: pg.PoolClient): void {
  const drop = (err: unknown) => {
    if (err instanceof Error && err.message === 'Query read timeout') dropSocket(client)
  }
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  client.query = ((...args: unknown[]) => {
    // A query object (the tenant's scoped statements) answers through its callback, not a promise.
    const submitted = args[0] as { submit?: unknown; callback?: (err: unknown, result: unknown) => void } | undefined
    if (typeof submitted?.submit === 'function' && submitted.callback !== undefined) {
      const callback = submitted.callback
      submitted.callback = (err, result) => {
        drop(err)
        callback(err, result)
      }
    }
    const result = query(...args)
    if (result instanceof Promise) result.catch(drop)
    return result
  }) as typeof client.query
}

/** The server process behind a client (undocumented in pg; Kysely reads it for cancellation). */
export function processIdOf(client: pg.PoolClient): number | undefined {
  return (client as unknown as { processID?: number }).processID
}
