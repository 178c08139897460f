import { AsyncLocalStorage } from 'node:async_hooks'
import {
  CompiledQuery,
  PostgresDialect,
  sql,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely'
import type pg from 'pg'

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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * BEGIN and the setting go in one round trip, which needs the simple protocol and so a literal. The id
 * is a partnership's primary key read from the database, never request text, and is checked here too.
 */
function beginAs(partnershipId: string): CompiledQuery {
  if (!UUID.test(partnershipId)) throw new Error('a partnership id must be a lower-case uuid')
  return CompiledQuery.raw(`begin; set local ${TENANT_SETTING} = '${partnershipId}'`)
}

/** A connection checked out inside asTenant: a statement outside a transaction gets one of its own. */
class TenantConnection implements DatabaseConnection {
  inTransaction = false
  constructor(
    readonly inner: DatabaseConnection,
    readonly partnershipId: string,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) return this.inner.executeQuery<R>(query)
    await this.inner.executeQuery(beginAs(this.partnershipId))
    try {
      const result = await this.inner.executeQuery<R>(query)
      await this.inner.executeQuery(CompiledQuery.raw('commit'))
      return result
    } catch (err) {
      await this.inner.executeQuery(CompiledQuery.raw('rollback')).catch(() => {})
      throw err
    }
  }

  streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used: pages are read with keyset queries')
  }
}

const unwrap = (c: DatabaseConnection): DatabaseConnection => (c instanceof TenantConnection ? c.inner : c)

class TenantDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection()
    const partnershipId = current.getStore()
    return partnershipId === undefined ? connection : new TenantConnection(connection, partnershipId)
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(unwrap(connection), settings)
    if (connection instanceof TenantConnection) {
      await setTenantOn(connection.inner, connection.partnershipId)
      connection.inTransaction = true
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof TenantConnection) connection.inTransaction = false
    await this.inner.commitTransaction(unwrap(connection))
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof TenantConnection) connection.inTransaction = false
    await this.inner.rollbackTransaction(unwrap(connection))
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.savepoint!(unwrap(connection), name, compile)
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.rollbackToSavepoint!(unwrap(connection), name, compile)
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return this.inner.releaseSavepoint!(unwrap(connection), name, compile)
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(unwrap(connection))
  }

  destroy(): Promise<void> {
    return this.inner.destroy()
  }
}

function setTenantOn(connection: DatabaseConnection, partnershipId: string): Promise<unknown> {
  return connection.executeQuery(CompiledQuery.raw(`select set_config($1, $2, true)`, [TENANT_SETTING, partnershipId]))
}

/** Postgres, with each connection checked out inside asTenant scoped to that partnership. */
export function tenantDialect(pool: pg.Pool): Dialect {
  const postgres = new PostgresDialect({ pool })
  return {
    createAdapter: () => postgres.createAdapter(),
    createDriver: () => new TenantDriver(postgres.createDriver()),
    createQueryCompiler: () => postgres.createQueryCompiler(),
    createIntrospector: (db) => postgres.createIntrospector(db),
  }
}
