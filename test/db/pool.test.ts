import { sql } from 'kysely'
import t from 'tap'
import { buildTestApp, seedPartnerships } from '../helper.js'

t.test('a connection the server terminates while it is checked out does not kill the process', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const client = await ctx.pool.connect()
  await client.query('begin')
  const { pid } = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!
  // Another session ends this one between two statements of its transaction, as a restart or an
  // administrator would; without a listener on checked-out clients this 'error' event was fatal.
  await sql`select pg_terminate_backend(${pid})`.execute(ctx.db)
  // The client hears of it as an 'error' event with no query running (no listener here: the pool's own must catch it).
  while ((client as unknown as { _queryable: boolean })._queryable) await new Promise((r) => setTimeout(r, 20))
  await t.rejects(client.query('select 1'), 'the connection is dead to its holder')
  client.release()
  const res = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers: await ctx.as('viewer') })
  t.equal(res.statusCode, 200, 'and the pool serves the next request on a fresh connection')
})
