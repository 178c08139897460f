import t from 'tap'
import { buildTestApp, partnershipClient, seedPartnerships } from '../helper.js'

t.test('every creating POST honours Idempotency-Key: replay, 422 on another body, 409 while running', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  const admin = await ctx.as('admin', 'alpha')
  const { call } = partnershipClient(ctx, 'alpha', admin)
  const withKey = (key: string) => ({ ...admin, 'idempotency-key': key })
  const area = { name: 'Boston', type: 'district', code: 'E07000136' }

  const first = await call('POST', 'areas', withKey('area-1'), area)
  t.equal(first.statusCode, 201)
  const again = await call('POST', 'areas', withKey('area-1'), area)
  t.equal(again.statusCode, 201, 'the retry answers as the first did')
  t.equal(again.json().id, first.json().id, 'with the same record: nothing created twice')
  t.equal(again.headers.location, first.headers.location)
  t.equal(again.headers.etag, first.headers.etag)
  const listed = await call('GET', 'areas', admin)
  t.equal(listed.json().items.length, 1, 'one area')

  const other = await call('POST', 'areas', withKey('area-1'), { ...area, name: 'Skegness' })
  t.equal(other.statusCode, 422)
  t.equal(other.json().code, 'IDEMPOTENCY.KEY_REUSED')

  // Keys are the client's within the partnership: another client's same key is its own.
  const officer = await ctx.as('admin', 'alpha', { sub: 'someone-else' })
  const theirs = await call(
    'POST',
    'areas',
    { ...officer, 'idempotency-key': 'area-1' },
    { ...area, code: 'E07000137' },
  )
  t.equal(theirs.statusCode, 201)
  t.not(theirs.json().id, first.json().id)

  // A refusal a retry could change (a duplicate code, 409) gives the key back; a validation answer is kept.
  const dup = await call('POST', 'areas', withKey('area-2'), area)
  t.equal(dup.statusCode, 409)
  const fixed = await call('POST', 'areas', withKey('area-2'), { ...area, code: 'E07000138' })
  t.equal(fixed.statusCode, 201, 'the key was released by the 409, so the corrected request is new')

  // Money: an allocation and a payment sent twice at once are made once.
  const stream = (
    await call('POST', 'funding-streams', admin, {
      name: 'Safer and Stronger Communities Fund',
      funder: 'LAA',
      financialYear: 'FY2010-11',
      totalPence: 1000000,
      accountableBody: 'Charnwood Borough Council',
    })
  ).json()
  const allocate = () =>
    call('POST', `funding-streams/${stream.id}/allocations`, withKey('alloc-1'), {
      description: 'Mobile CCTV',
      amountPence: 700000,
    })
  const both = await Promise.all([allocate(), allocate()])
  const statuses = both.map((r) => r.statusCode).sort()
  t.ok(
    JSON.stringify(statuses) === '[201,201]' || JSON.stringify(statuses) === '[201,409]',
    `one made, the other replayed or told it is running (${statuses})`,
  )
  const conflict = both.find((r) => r.statusCode === 409)
  if (conflict !== undefined) t.equal(conflict.json().code, 'IDEMPOTENCY.IN_PROGRESS')
  const allocations = (await call('GET', `funding-streams/${stream.id}/allocations`, admin)).json().items
  t.equal(allocations.length, 1, 'one allocation')
  t.equal((await allocate()).json().id, allocations[0].id, 'and a later retry replays it')

  const spec = await ctx.app.inject({ method: 'GET', url: '/openapi.json' })
  const op = spec.json().paths['/partnerships/{partnership}/areas'].post
  t.ok(
    op.parameters.some((p: { in: string; name: string }) => p.in === 'header' && p.name === 'idempotency-key'),
    'the contract declares the header',
  )
})
