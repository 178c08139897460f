import { AsyncLocalStorage } from 'node:async_hooks'
import {
  CompiledQuery,
  PostgresDialect,
  PostgresDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type Kysely,
  type PostgresPoolClient,
  type TransactionSettings,
} from 'kysely'
import type pg from 'pg'
import { DomainError } from '../domain/errors.js'
import { assertPgInternals, forgetPrepared, processIdOf, runWithSetting } from './pg-wire.js'

export { prepareOnce } from './pg-wire.js'

/**
 * Row-level security is the second wall behind every query's own `partnership_id` condition. The
 * service's connections run as TENANT_ROLE (set when they connect, so a connection can never run as the
 * owner), and the policies on tenant tables let that role see and write only the rows of the partnership
 * named by the transaction-local setting below. With no setting a query sees nothing: a forgotten scope
 * fails closed. This module is the policy; pg-wire.ts is the mechanism that sends the setting.
 */
export const TENANT_ROLE = 'spa_tenant'
export const TENANT_SETTING = 'app.partnership_id'

/**
 * What a write was admitted on: the partnership's year-start month and whether it was archived, as the
 * instance had them (perhaps from its short-lived cache).
 */
export interface AdmittedOn {
  financialYearStartMonth: number
  archived: boolean
}

interface Tenancy {
  partnershipId: string
  admittedOn?: AdmittedOn | undefined
}

const current = new AsyncLocalStorage<Tenancy>()

/**
 * Runs `work` with every query it makes (directly or in a transaction) scoped to one partnership. With
 * `admittedOn`, each transaction begins by reading those facts afresh under a key-share lock on the
 * partnership's row (which a change of them, taking the row for update, waits for and makes wait): a
 * transaction whose facts have changed since the request was admitted, on this instance or another, is
 * refused (409 PARTNERSHIP.CHANGED) before it writes, and one admitted on them keeps them until it
 * commits. So no cache decides a write.
 */
export function asTenant<T>(partnershipId: string, work: () => T, admittedOn?: AdmittedOn): T {
  return current.run({ partnershipId, admittedOn }, work)
}

/** The facts a transaction's writes rest on, read afresh and locked (see asTenant). */
const ADMISSION = `select set_config('${TENANT_SETTING}', $1, true), archived, financial_year_start_month as "financialYearStartMonth"
  from partnership where id = $2::uuid for key share`

export const partnershipChanged = () =>
  new DomainError(
    'PARTNERSHIP.CHANGED',
    'conflict',
    "The partnership's settings (archived, or its year-start month) changed while this request was on its way: send it again.",
  )

/** Scopes a transaction begun outside asTenant, once the partnership is known (creating one). */
export async function setTenant(trx: Kysely<any>, partnershipId: string): Promise<void> {
  await sql`select set_config(${TENANT_SETTING}, ${partnershipId}, true)`.execute(trx)
}

const SETTING = `select set_config('${TENANT_SETTING}', $1, true)`
const INVALID_STATEMENT_NAME = '26000'

/**
 * The statement that begins a transaction carries this as its one parameter: the client learns that a
 * transaction began from the driver itself, not from the statement's text. A value rather than the list
 * itself, since Kysely copies the parameter list on its way to the client. (A checked-out client serves
 * one transaction and is released after its commit or rollback, so only the beginning matters.)
 */
const BEGIN: unknown = Object.freeze({ begins: 'transaction' })

/**
 * A pooled client checked out inside asTenant. Outside a transaction each statement carries the setting;
 * a transaction gets it once, right after it begins.
 */
class TenantClient {
  private inTransaction = false
  /** A batch that prepared statements failed: this connection's prepared set is unknown, so it goes. */
  private discard = false

  constructor(
    private readonly client: pg.PoolClient,
    private readonly partnershipId: string,
    private readonly admittedOn: AdmittedOn | undefined,
  ) {}

  get processID(): number | undefined {
    return processIdOf(this.client)
  }

  release(destroy?: boolean): void {
    this.client.release(destroy === true || this.discard)
  }

  async query(text: string, values: readonly unknown[]): Promise<unknown> {
    if (values.length === 1 && values[0] === BEGIN) {
      const begun = await this.client.query(text)
      this.inTransaction = true
      // An isolation level must come before any statement, so the setting follows the transaction's start
      // (for a write, in one round trip with its admission facts).
      if (this.admittedOn === undefined) {
        await this.client.query(SETTING, [this.partnershipId])
        return begun
      }
      const facts = (await this.client.query<AdmittedOn>(ADMISSION, [this.partnershipId, this.partnershipId])).rows[0]
      if (
        facts === undefined ||
        facts.archived !== this.admittedOn.archived ||
        facts.financialYearStartMonth !== this.admittedOn.financialYearStartMonth
      ) {
        // Kysely releases a connection whose begin failed without a rollback: end the transaction here.
        await this.client.query('rollback')
        this.inTransaction = false
        throw partnershipChanged()
      }
      return begun
    }
    if (this.inTransaction) return this.client.query(text, [...values])
    try {
      return await this.scoped(text, values)
    } catch (err) {
      if ((err as { code?: string }).code !== INVALID_STATEMENT_NAME) throw err
      // The server dropped statements this client had prepared (DISCARD ALL, a pooler between us): the
      // batch stopped before running anything, so prepare them again and run it once more.
      forgetPrepared(this.client)
      return this.scoped(text, values)
    }
  }

  private async scoped(text: string, values: readonly unknown[]): Promise<unknown> {
    try {
      return await runWithSetting(this.client, text, values, { text: SETTING, value: this.partnershipId })
    } catch (err) {
      if ((err as { preparing?: boolean }).preparing === true) this.discard = true
      throw err
    }
  }
}

/** A client checked out outside asTenant (migrations, the directory of partnerships): it only reads the marker. */
class PlainClient {
  constructor(private readonly client: pg.PoolClient) {}

  release(destroy?: boolean): void {
    this.client.release(destroy)
  }

  query(text: string, values: readonly unknown[]): Promise<unknown> {
    return values.length === 1 && values[0] === BEGIN ? this.client.query(text) : this.client.query(text, [...values])
  }
}

/** Kysely's Postgres driver, telling a tenant client when a transaction begins. */
class TenantDriver extends PostgresDriver implements Driver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const modes = [
      settings.isolationLevel ? `isolation level ${settings.isolationLevel}` : '',
      settings.accessMode ?? '',
    ].filter(Boolean)
    await connection.executeQuery(
      CompiledQuery.raw(modes.length === 0 ? 'begin' : `start transaction ${modes.join(' ')}`, [BEGIN]),
    )
  }
}

/**
 * Postgres, with each connection checked out inside asTenant scoped to that partnership. `onCheckout`
 * hears how long each checkout waited for a connection.
 */
export function tenantDialect(pool: pg.Pool, onCheckout?: (waitedMs: number) => void): PostgresDialect {
  assertPgInternals()
  const config = {
    pool: {
      options: pool.options,
      end: () => pool.end(),
      async connect() {
        const asked = performance.now()
        const client = await pool.connect()
        onCheckout?.(performance.now() - asked)
        const tenancy = current.getStore()
        return (tenancy === undefined
          ? new PlainClient(client)
          : new TenantClient(client, tenancy.partnershipId, tenancy.admittedOn)) as unknown as PostgresPoolClient
      },
    },
  }
  return new (class extends PostgresDialect {
    override createDriver(): Driver {
      return new TenantDriver(config)
    }
  })(config)
}
