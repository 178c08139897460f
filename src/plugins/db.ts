import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type pg from 'pg'
import { createDb, type Db } from '../db/client.js'

declare module 'fastify' {
  interface FastifyInstance {
    db: Db
    pool: pg.Pool
  }
}

/** Exposes the pool given by the caller (server or test) and its Kysely instance; closing is the owner's job. */
async function dbPlugin(
  app: FastifyInstance,
  opts: { pool: pg.Pool; onCheckout?: (waitedMs: number) => void },
): Promise<void> {
  app.decorate('pool', opts.pool)
  app.decorate('db', createDb(opts.pool, opts.onCheckout))
}

export default fp(dbPlugin, { name: 'db' })
