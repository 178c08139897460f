import { AsyncLocalStorage } from 'node:async_hooks'
import { PostgresDialect, sql, type Dialect, type Kysely, type PostgresPoolClient } from 'kysely'
import pg from 'pg'

/**
 * Row-level security is the second wall behind every query's own `partnership_id` condition. The
 * service's connections run as TENANT_ROLE (set when they connect, so a connection can never run as the
 * owner), and the policies on tenant tables let that role see and write only the rows of the partnership
 * named by the transaction-local setting below. With no setting a query sees nothing: a forgotten scope
 * fails closed.
 */
export const TENANT_ROLE = 'spa_tenant'
export const TENANT_SETTING = 'app.partnership_id'

const current = new AsyncLocalStorage<string>()

/** Runs `work` with every query it makes (directly or in a transaction) scoped to one partnership. */
export function asTenant<T>(partnershipId: string, work: () => T): T {
  return current.run(partnershipId, work)
}

/** Scopes a transaction begun outside asTenant, once the partnership is known (creating one). */
export async function setTenant(trx: Kysely<any>, partnershipId: string): Promise<void> {
  await sql`select set_config(${TENANT_SETTING}, ${partnershipId}, true)`.execute(trx)
}

const SCOPE = `select set_config('${TENANT_SETTING}', $1, true)`

const SCOPE_NAME = 'spa_scope'
const INVALID_STATEMENT_NAME = '26000'
const preparedNames = new Map<string, string>()

/**
 * Marks a statement whose text never changes (compiled once by its caller) to be parsed and planned once
 * per connection rather than on every run: planning cost more than running the hottest reads (one
 * indicator: 0.44 -> 0.67 of the bare route). Only for a bounded set of texts, since each stays prepared
 * on every connection for the connection's life.
 */
export function prepareOnce(text: string): void {
  if (!preparedNames.has(text)) preparedNames.set(text, `spa_q${preparedNames.size + 1}`)
}

interface Wire {
  parse(config: { text: string; name?: string }): void
  bind(config: { statement?: string; values: unknown[] }): void
  execute(config: object): void
  parsedStatements: Record<string, string>
  submittedNamedStatements: Record<string, string>
}

/**
 * What pg builds from a prepared statement's row description (fields, a parser per column, the empty row
 * each row is copied from). It never changes for the statement, and building it on every run cost more
 * than anything else in reading one record (one indicator: 0.73 -> 0.91 of the bare route), so it is
 * built once per statement. pg's Result fields, read by pg 8 only; every read test goes through here.
 */
interface Described {
  fields: unknown[]
  _parsers: unknown[]
  _prebuiltEmptyResultObject: object
}
const descriptions = new Map<string, Described>()

/** The pg 8 Query methods a ScopedQuery extends. */
const base = pg.Query.prototype as unknown as {
  prepare(connection: Wire): void
  handleRowDescription(msg: unknown): void
  handleDataRow(msg: unknown): void
  handleCommandComplete(msg: unknown, connection: unknown): void
}

/** Connections on which the scope statement has been prepared. */
const scopePrepared = new WeakSet<Wire>()

/**
 * One statement with the setting sent just ahead of it, in the same message batch: in the extended
 * protocol every statement up to the Sync runs in one implicit transaction, so the setting holds for
 * exactly this statement, and costs no round trip of its own (a BEGIN, a SET and a COMMIT would cost
 * three).
 */
class ScopedQuery extends pg.Query {
  /** Whether this batch prepares a statement; if it then fails, what is prepared is unknown. */
  preparing = false
  /** The setting's own answer (one row, no description asked for) comes first and is dropped. */
  private settingPending = true

  constructor(text: string, values: readonly unknown[], private readonly partnershipId: string, callback: (err: Error | undefined, result: unknown) => void) {
    // Text and values, not a config object: pg copies a config object property by property.
    super(text, [...values], callback)
    const self = this as unknown as { queryMode: string; name?: string }
    self.queryMode = 'extended'
    const name = preparedNames.get(text)
    if (name !== undefined) self.name = name
  }

  prepare(connection: Wire): void {
    const name = (this as { name?: string }).name
    const scopeKnown = scopePrepared.has(connection)
    this.preparing = !scopeKnown || (name !== undefined && connection.parsedStatements[name] === undefined && connection.submittedNamedStatements[name] === undefined)
    if (!scopeKnown) {
      connection.parse({ text: SCOPE, name: SCOPE_NAME })
      scopePrepared.add(connection)
    }
    connection.bind({ statement: SCOPE_NAME, values: [this.partnershipId] })
    connection.execute({})
    base.prepare.call(this, connection)
  }

  handleRowDescription(msg: { fields: unknown[] }): void {
    const name = (this as { name?: string }).name
    const result = (this as unknown as { _result: Described })._result
    const known = name === undefined ? undefined : descriptions.get(name)
    if (known !== undefined && known.fields.length === msg.fields.length) {
      result.fields = known.fields
      result._parsers = known._parsers
      result._prebuiltEmptyResultObject = known._prebuiltEmptyResultObject
      ;(this as unknown as { _accumulateRows: boolean })._accumulateRows = true
      return
    }
    base.handleRowDescription.call(this, msg)
    if (name !== undefined) descriptions.set(name, { fields: result.fields, _parsers: result._parsers, _prebuiltEmptyResultObject: result._prebuiltEmptyResultObject })
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
 * A pooled client checked out inside asTenant. Outside a transaction each statement carries the setting;
 * a transaction gets it once, with its BEGIN (Kysely's own, recognised by its text: were that text to
 * change, each statement would carry the setting instead, which is slower but as safe).
 */
class TenantClient {
  private inTransaction = false
  /** A batch that prepared statements failed: this connection's prepared set is unknown, so it goes. */
  private discard = false

  constructor(
    private readonly client: pg.PoolClient,
    private readonly partnershipId: string,
  ) {}

  get processID(): number | undefined {
    return (this.client as unknown as { processID?: number }).processID
  }

  release(destroy?: boolean): void {
    this.client.release(destroy === true || this.discard)
  }

  async query(text: string, values: readonly unknown[]): Promise<unknown> {
    if (this.inTransaction) {
      if (text === 'commit' || text === 'rollback') this.inTransaction = false
      return this.client.query(text, [...values])
    }
    if (text.startsWith('start transaction')) {
      // An isolation level must come before any statement, so the setting follows it here.
      const begun = await this.client.query(text)
      this.inTransaction = true
      await this.client.query(SCOPE, [this.partnershipId])
      return begun
    }
    if (text === 'begin') this.inTransaction = true
    try {
      return await this.scoped(text, values)
    } catch (err) {
      if ((err as { code?: string }).code !== INVALID_STATEMENT_NAME) throw err
      // The server dropped statements this client had prepared (DISCARD ALL, a pooler between us): the
      // batch stopped before running anything, so prepare them again and run it once more.
      const connection = (this.client as unknown as { connection: Wire }).connection
      scopePrepared.delete(connection)
      connection.parsedStatements = {}
      connection.submittedNamedStatements = {}
      return this.scoped(text, values)
    }
  }

  private scoped(text: string, values: readonly unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const query: ScopedQuery = new ScopedQuery(text, values, this.partnershipId, (err, result) => {
        if (err === undefined || err === null) return resolve(result)
        if (query.preparing) this.discard = true
        reject(err)
      })
      this.client.query(query)
    })
  }
}

/** Postgres, with each connection checked out inside asTenant scoped to that partnership. */
export function tenantDialect(pool: pg.Pool, onCheckout?: (waitedMs: number) => void): Dialect {
  return new PostgresDialect({
    pool: {
      options: pool.options,
      end: () => pool.end(),
      async connect() {
        const asked = performance.now()
        const client = await pool.connect()
        onCheckout?.(performance.now() - asked)
        const partnershipId = current.getStore()
        return (partnershipId === undefined ? client : new TenantClient(client, partnershipId)) as unknown as PostgresPoolClient
      },
    },
  })
}
