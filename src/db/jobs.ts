import { CompiledQuery, sql, type Kysely } from 'kysely'
import PgBoss from 'pg-boss'
import { TENANT_ROLE } from './tenancy.js'

/**
 * Work that runs later goes through pg-boss, a job queue kept in Postgres (STYLE 19): any instance may
 * claim a job (SKIP LOCKED), a job an instance died holding expires and is retried, and a job sent in a
 * write's transaction exists only if the write commits. Its schema (pgboss) is pg-boss's own, versioned
 * by pg-boss and installed beside the migrations; the service's role may use it, since it sends jobs in
 * its own transactions and works them on its own connections. The jobs name ids, never tenant data.
 */
export const JOB_SCHEMA = 'pgboss'
/** A subscription's pending deliveries to send: { partnershipId, subscriptionId }. */
export const DELIVER_QUEUE = 'webhook-deliver'
/** Figures written, to judge for the bad flags they raised: { partnershipId, latest: [{ indicatorId, period }] }. */
export const CHECK_QUEUE = 'evaluation-check'
/** Every hour: the events that fall on a day (returns overdue, reviews due), for every partnership. */
export const DUE_QUEUE = 'events-due'
const DUE_CRON = '7 * * * *'
/** pg-boss's own queue for what its clock sends: made here, as the service's role cannot create tables. */
const CLOCK_QUEUE = '__pgboss__send-it'

/** pg-boss's way to run its SQL on a connection or transaction of ours. */
export const jobsOver = (db: Kysely<any>): PgBoss.Db => ({
  executeSql: async (text, values) => db.executeQuery(CompiledQuery.raw(text, values ?? [])),
})

const common = { schema: JOB_SCHEMA, supervise: false, schedule: false } as const

/**
 * Installs (or upgrades) pg-boss's schema and the service's queues, and lets the service's role use them.
 * Two starters must not race it (pg-boss's install creates tables that are not "if not exists", and a
 * failed script leaves its connection mid-transaction): one at a time, on one connection.
 */
export async function installJobs(db: Kysely<any>): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext(${JOB_SCHEMA}))`.execute(conn)
    try {
      const boss = new PgBoss({ ...common, db: jobsOver(conn), migrate: true })
      await boss.start()
      // A job that failed (the database away) is retried by the queue, soon; a job whose instance died is
      // expired, then retried (the worker sets the expiry from its lease, events.jobs.ts).
      await boss.createQueue(DELIVER_QUEUE, {
        name: DELIVER_QUEUE,
        retryLimit: 50,
        retryDelay: 2,
        expireInSeconds: 300,
      })
      // The sweep raises each event once however often it runs, so a retry or a second run is harmless.
      await boss.createQueue(DUE_QUEUE, { name: DUE_QUEUE, retryLimit: 3, retryDelay: 60, expireInSeconds: 900 })
      await boss.createQueue(CHECK_QUEUE, { name: CHECK_QUEUE, retryLimit: 3, retryDelay: 30, expireInSeconds: 300 })
      await boss.createQueue(CLOCK_QUEUE)
      await boss.schedule(DUE_QUEUE, DUE_CRON, {}, { tz: 'Europe/London' })
      await boss.stop({ graceful: false, wait: true, close: false })
      await sql`grant usage on schema ${sql.id(JOB_SCHEMA)} to ${sql.id(TENANT_ROLE)}`.execute(conn)
      await sql`grant select, insert, update, delete on all tables in schema ${sql.id(JOB_SCHEMA)} to ${sql.id(TENANT_ROLE)}`.execute(
        conn,
      )
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${JOB_SCHEMA}))`.execute(conn)
    }
  })
}

/**
 * Sends jobs within a transaction of ours, without a connection of its own: a job for a change exists
 * if, and only if, the change commits.
 */
const sender = new PgBoss({
  ...common,
  migrate: false,
  db: { executeSql: () => Promise.reject(new Error('jobs are sent in a transaction (sendJob)')) },
})

export async function sendJob(trx: Kysely<any>, queue: string, data: object, startAfter?: Date): Promise<void> {
  await sender.send(queue, data, { db: jobsOver(trx), ...(startAfter === undefined ? {} : { startAfter }) })
}
