import { sql } from 'kysely'
import t, { type Test } from 'tap'
import { asTenant, prepareOnce, TENANT_ROLE, TENANT_SETTING } from '../../src/db/tenancy.js'
import { buildTestApp, seedPartnerships, type TestApp } from '../helper.js'

/** Two partnerships with an area each, made through the API; returns their ids. */
async function twoPartnerships(t: Test, ctx: TestApp) {
  await seedPartnerships(ctx, 'alpha', 'beta')
  for (const slug of ['alpha', 'beta']) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/areas`,
      headers: await ctx.as('admin', slug),
      payload: { name: `${slug} ward`, type: 'ward', code: `${slug}-w` },
    })
    t.equal(res.statusCode, 201, `an area in ${slug}`)
  }
  const ids = await ctx.db.selectFrom('partnership').select(['slug', 'id']).execute()
  return Object.fromEntries(ids.map((r) => [r.slug, r.id])) as { alpha: string; beta: string }
}

t.test('every tenant table has row-level security, and the service cannot bypass it', async (t) => {
  const ctx = await buildTestApp(t)
  const unguarded = await sql<{ table: string }>`
    select c.relname as table
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r'
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'partnership_id' and not a.attisdropped)
      and not (c.relrowsecurity and c.relforcerowsecurity and exists (select 1 from pg_policy p where p.polrelid = c.oid))
  `.execute(ctx.db)
  t.same(unguarded.rows, [], 'no table with a partnership_id column lacks a policy, or lets its owner past it')
  const guarded = await sql<{ n: number }>`select count(*) as n from pg_policy`.execute(ctx.db)
  t.ok(guarded.rows[0]!.n >= 13, `${guarded.rows[0]!.n} tables guarded`)

  const role = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owns: number }>`
    select rolsuper, rolbypassrls, (select count(*) from pg_class where relowner = r.oid) as owns from pg_roles r where rolname = ${TENANT_ROLE}
  `.execute(ctx.db)
  t.same(
    role.rows,
    [{ rolsuper: false, rolbypassrls: false, owns: 0 }],
    'the tenant role is no superuser, cannot bypass RLS and owns no table',
  )
  const who = await sql<{ user: string }>`select current_user as user`.execute(ctx.app.db)
  t.equal(who.rows[0]!.user, TENANT_ROLE, "the service's connections run as the tenant role")
})

t.test('a query that forgets its partnership still sees and writes only its own', async (t) => {
  const ctx = await buildTestApp(t)
  const ids = await twoPartnerships(t, ctx)
  const db = ctx.app.db
  const names = () => db.selectFrom('area').select('name').orderBy('name').execute()

  t.same(await asTenant(ids.alpha, names), [{ name: 'alpha ward' }], 'reading every area as alpha finds only alpha’s')
  t.same(
    await asTenant(ids.beta, () => db.transaction().execute(() => names())),
    [{ name: 'beta ward' }],
    'and in a transaction as beta only beta’s',
  )
  t.same(await names(), [], 'outside any partnership a query sees nothing')
  t.same((await ctx.db.selectFrom('area').select('name').execute()).length, 2, 'while both rows are there')

  const renamed = await asTenant(ids.alpha, () => db.updateTable('area').set({ name: 'taken' }).executeTakeFirst())
  t.equal(renamed.numUpdatedRows, 1n, 'an update without a partnership condition touches only the tenant’s row')
  t.same(await asTenant(ids.beta, names), [{ name: 'beta ward' }], 'beta’s area is untouched')
  const deleted = await asTenant(ids.alpha, () =>
    db.deleteFrom('area').where('name', '=', 'beta ward').executeTakeFirst(),
  )
  t.equal(deleted.numDeletedRows, 0n, 'deleting another partnership’s row by name deletes nothing')
  t.same(await asTenant(ids.beta, names), [{ name: 'beta ward' }], 'it is still there')

  await t.rejects(
    asTenant(ids.alpha, () =>
      db.insertInto('area').values({ partnershipId: ids.beta, name: 'planted', type: 'ward' }).execute(),
    ),
    { code: '42501', message: /row-level security/ },
    'writing a row into another partnership is refused',
  )
  await t.rejects(
    db.insertInto('area').values({ partnershipId: ids.alpha, name: 'stray', type: 'ward' }).execute(),
    { code: '42501' },
    'and so is writing with no partnership set',
  )
  t.equal(
    (await ctx.db.selectFrom('area').select('name').where('name', 'in', ['planted', 'stray']).execute()).length,
    0,
    'nothing was planted',
  )
})

t.test('a pooled connection never carries one request’s partnership into the next', async (t) => {
  const ctx = await buildTestApp(t, {}, 1) // one connection: every request reuses it
  await twoPartnerships(t, ctx)
  const setting = async () =>
    (await sql<{ value: string | null }>`select current_setting(${TENANT_SETTING}, true) as value`.execute(ctx.app.db))
      .rows[0]!.value
  const alpha = await ctx.as('viewer', 'alpha')
  const beta = await ctx.as('viewer', 'beta')

  t.equal(
    (await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/areas', headers: alpha })).statusCode,
    200,
    'a read as alpha',
  )
  t.ok(['', null].includes(await setting()), 'after a read, the connection holds no partnership')
  const duplicate = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers: await ctx.as('admin', 'alpha'),
    payload: { name: 'again', type: 'ward', code: 'alpha-w' },
  })
  t.equal(duplicate.statusCode, 409, 'a write that fails and rolls back')
  t.ok(['', null].includes(await setting()), 'leaves no partnership behind either')
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/areas',
    headers: await ctx.as('admin', 'alpha'),
    payload: { name: 'alpha second', type: 'ward' },
  })
  t.equal(created.statusCode, 201, 'nor does one that commits')
  t.ok(['', null].includes(await setting()))

  // Interleaved on the one connection, each request answers with its own partnership's rows only.
  const calls = Array.from({ length: 200 }, (_, i) =>
    i % 2 === 0 ? { slug: 'alpha' as const, headers: alpha } : { slug: 'beta' as const, headers: beta },
  )
  const answers = await Promise.all(
    calls.map(({ slug, headers }) => ctx.app.inject({ method: 'GET', url: `/partnerships/${slug}/areas`, headers })),
  )
  const expected = { alpha: ['alpha second', 'alpha ward'], beta: ['beta ward'] }
  const crossed = answers.filter((res, i) => {
    const names = res.json<{ items: Array<{ name: string }> }>().items.map((a) => a.name)
    return res.statusCode !== 200 || JSON.stringify(names.sort()) !== JSON.stringify(expected[calls[i]!.slug])
  })
  t.equal(
    crossed.length,
    0,
    `200 interleaved requests on one connection: ${crossed.length} did not get exactly their own rows`,
  )
  t.equal(ctx.pool.totalCount, 1, 'all of them on the one connection')
})

t.test('statements prepared once per connection answer for whichever partnership runs them', async (t) => {
  const ctx = await buildTestApp(t, {}, 1)
  await twoPartnerships(t, ctx)
  const areas = await ctx.db
    .selectFrom('area')
    .innerJoin('partnership', 'partnership.id', 'area.partnershipId')
    .select(['area.id', 'partnership.slug'])
    .execute()
  const alpha = await ctx.as('viewer', 'alpha')
  const beta = await ctx.as('viewer', 'beta')
  // Each partnership reads its own area and tries the other's, 100 times over, on one connection whose
  // read statement is prepared (and, after five runs, planned generically) once.
  const reads = Array.from({ length: 400 }, (_, i) => {
    const [slug, headers] = i % 2 === 0 ? (['alpha', alpha] as const) : (['beta', beta] as const)
    const area = areas[Math.floor(i / 2) % 2]!
    return { slug, headers, area, expected: area.slug === slug ? 200 : 404 }
  })
  const answers = await Promise.all(
    reads.map((r) =>
      ctx.app.inject({ method: 'GET', url: `/partnerships/${r.slug}/areas/${r.area.id}`, headers: r.headers }),
    ),
  )
  const wrong = answers.filter((res, i) => res.statusCode !== reads[i]!.expected)
  t.equal(
    wrong.length,
    0,
    `400 reads of own and other partnerships' areas: ${wrong.length} answered otherwise than 200 / 404`,
  )
  t.ok(
    answers.some((res) => res.statusCode === 200) && answers.some((res) => res.statusCode === 404),
    'both outcomes occurred',
  )

  const pid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(ctx.app.db)).rows[0]!.pid
  const alphaArea = `/partnerships/alpha/areas/${areas.find((a) => a.slug === 'alpha')!.id}`
  const first = await pid()
  await sql`deallocate all`.execute(ctx.app.db) // as a pooler's DISCARD ALL would
  t.equal(
    (await ctx.app.inject({ method: 'GET', url: alphaArea, headers: alpha })).statusCode,
    200,
    'statements the server dropped are prepared again',
  )
  t.equal(await pid(), first, 'on the same connection')

  const fresh = sql`select name from area where code = ${'alpha-w'}`
  prepareOnce(fresh.compile(ctx.app.db).sql)
  await t.rejects(
    asTenant('not-a-partnership', () => fresh.execute(ctx.app.db)),
    { code: '22P02' },
    'a batch that prepares a statement and fails',
  )
  const second = await pid()
  t.not(second, first, 'costs its connection, since what it left prepared there is unknown')
  t.equal(
    (await ctx.app.inject({ method: 'GET', url: alphaArea, headers: alpha })).statusCode,
    200,
    'and the next read prepares afresh on the new one',
  )
})
