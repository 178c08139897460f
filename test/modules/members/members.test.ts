import t from 'tap'
import { buildTestApp, secondInstance, type TestApp } from '../../helper.js'

/** The service's own record decides: a token says who the caller is and nothing else. */
const HELD = { TRUST_TOKEN_MEMBERSHIPS: 'false' }

/** A bearer token that only names the person, as Entra ID or Keycloak would issue it. */
async function person(ctx: TestApp, sub: string, email?: string, verified = true) {
  const claims = email === undefined ? { sub } : { sub, email, email_verified: verified }
  return { authorization: `Bearer ${await ctx.token(claims)}` }
}

async function call(
  ctx: TestApp,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  payload?: object,
) {
  return ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
}

t.test(
  'a partnership from nothing: the superadmin names its first admin, who invites an officer and a theme chair by email; each joins on signing in, and the chair writes commentary with the viewer role',
  async (t) => {
    const ctx = await buildTestApp(t, HELD)
    const root = await ctx.as('superadmin')
    const created = await call(ctx, 'POST', '/partnerships', root, {
      slug: 'boston',
      name: 'Boston CSP',
      firstAdmin: { email: 'Ada@Boston.gov.uk', name: 'Ada' },
    })
    t.equal(created.statusCode, 201, created.body)

    const ada = await person(ctx, 'ada-entra-oid', 'ada@boston.gov.uk')
    const adaUnverified = await person(ctx, 'mallory', 'ada@boston.gov.uk', false)
    t.equal(
      (await call(ctx, 'GET', '/partnerships/boston/me', adaUnverified)).statusCode,
      404,
      'an unverified email joins nothing',
    )
    const me = await call(ctx, 'GET', '/partnerships/boston/me', ada)
    t.equal(me.statusCode, 200, me.body)
    t.equal(me.json().role, 'admin', 'the invitation made her admin on first sign-in')
    const listed = await call(ctx, 'GET', '/partnerships', ada)
    t.same(
      listed.json().items.map((p: { slug: string }) => p.slug),
      ['boston'],
      'she sees her partnership',
    )

    const invite = async (email: string, role: string) => {
      const res = await call(ctx, 'POST', '/partnerships/boston/invitations', ada, { email, role })
      t.equal(res.statusCode, 201, res.body)
      return res.json()
    }
    const oliveInvite = await invite('olive@boston.gov.uk', 'officer')
    t.equal(oliveInvite.invitedBy, 'ada-entra-oid')
    t.equal(oliveInvite.acceptedAt, null)
    const again = await call(ctx, 'POST', '/partnerships/boston/invitations', ada, {
      email: 'OLIVE@boston.gov.uk',
      role: 'viewer',
    })
    t.equal(again.statusCode, 409, 'one open invitation per email')
    t.match(again.json(), { code: 'INVITATION.OPEN', conflictingId: oliveInvite.id })
    await invite('chris@police.example', 'viewer')

    const olive = await person(ctx, 'olive-oid', 'olive@boston.gov.uk')
    const chris = await person(ctx, 'chris-oid', 'chris@police.example')
    const post = async (url: string, payload: object, headers = ada) => {
      const res = await call(ctx, 'POST', `/partnerships/boston/${url}`, headers, payload)
      t.equal(res.statusCode, 201, `${url}: ${res.body}`)
      return res.json()
    }
    const violence = await post('priorities', { name: 'Violent crime' })
    const area = await post('areas', { name: 'Boston', type: 'district' })
    const indicator = await post('indicators', {
      reference: 'NI 20',
      name: 'Assault with less serious injury',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
      priorityIds: [violence.id],
    })
    const oliveMe = (await call(ctx, 'GET', '/partnerships/boston/me', olive)).json()
    t.equal(oliveMe.role, 'officer', 'olive joined as an officer')
    const accepted = (await call(ctx, 'GET', `/partnerships/boston/invitations/${oliveInvite.id}`, ada)).json()
    t.type(accepted.acceptedAt, 'string', "olive's first request accepted her invitation")
    t.equal(
      accepted.memberId,
      (await call(ctx, 'GET', '/partnerships/boston/members?subject=olive-oid', ada)).json().items[0].id,
    )
    const target = await call(ctx, 'POST', '/partnerships/boston/commentary', olive, {
      indicatorId: indicator.id,
      areaId: area.id,
      period: '2010-05',
      body: 'Officers write commentary on any indicator.',
    })
    t.equal(target.statusCode, 201, target.body)

    const group = await post('groups', { name: 'Violent crime theme group', kind: 'theme', priorityId: violence.id })
    await post(`groups/${group.id}/members`, { subject: 'chris-oid', offices: ['chair'], startsOn: '2000-01-01' })
    const comment = await call(ctx, 'POST', '/partnerships/boston/commentary', chris, {
      indicatorId: indicator.id,
      areaId: area.id,
      period: '2010-06',
      body: 'Night-time economy patrols started in May.',
    })
    t.equal(comment.statusCode, 201, `the chair, a viewer, writes the group's commentary: ${comment.body}`)
    const area2 = await call(ctx, 'POST', '/partnerships/boston/areas', chris, { name: 'Skegness', type: 'district' })
    t.equal(area2.statusCode, 403, 'and, as a viewer, nothing else')

    const members = (await call(ctx, 'GET', '/partnerships/boston/members?sort=subject', chris)).json()
    t.same(
      members.items.map((m: { subject: string; role: string }) => `${m.subject} ${m.role}`),
      ['ada-entra-oid admin', 'chris-oid viewer', 'olive-oid officer'],
    )
    const audit = (await call(ctx, 'GET', '/partnerships/boston/audit-events?resourceType=member', ada)).json()
    t.same(
      audit.items.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`).sort(),
      ['ada-entra-oid create', 'chris-oid create', 'olive-oid create'],
      'each acceptance is audited as its invitee',
    )
  },
)

t.test('ending, archiving or demoting a member takes effect at once here; the last admin stays', async (t) => {
  const ctx = await buildTestApp(t, HELD)
  const root = await ctx.as('superadmin')
  await call(ctx, 'POST', '/partnerships', root, { slug: 'boston', name: 'Boston CSP', firstAdmin: { subject: 'ada' } })
  const ada = await person(ctx, 'ada')
  const add = async (payload: object) => {
    const res = await call(ctx, 'POST', '/partnerships/boston/members', ada, payload)
    t.equal(res.statusCode, 201, res.body)
    return res.json()
  }
  const bob = await add({ subject: 'bob', role: 'officer', startsOn: '2026-01-01' })
  t.equal(bob.issuer, ctx.config.auth.issuer, "the issuer defaults to the admin's own")
  const bobs = await person(ctx, 'bob')
  t.equal((await call(ctx, 'GET', '/partnerships/boston/areas', bobs)).statusCode, 200)

  const overlap = await call(ctx, 'POST', '/partnerships/boston/members', ada, { subject: 'bob', role: 'viewer' })
  t.equal(overlap.statusCode, 409, 'one membership at a time')
  t.match(overlap.json(), { code: 'MEMBER.OVERLAP', conflictingId: bob.id }, 'naming the membership it meets')

  const demote = await call(
    ctx,
    'PATCH',
    `/partnerships/boston/members/${bob.id}`,
    { ...ada, 'if-match': '"1"' },
    {
      role: 'viewer',
    },
  )
  t.equal(demote.statusCode, 200, demote.body)
  const write = await call(ctx, 'POST', '/partnerships/boston/areas', bobs, { name: 'Boston', type: 'district' })
  t.equal(write.statusCode, 403, 'a viewer now')

  const end = await call(
    ctx,
    'PATCH',
    `/partnerships/boston/members/${bob.id}`,
    { ...ada, 'if-match': '"2"' },
    {
      endsOn: '2026-01-31',
    },
  )
  t.equal(end.statusCode, 200, end.body)
  t.equal(
    (await call(ctx, 'GET', '/partnerships/boston/areas', bobs)).statusCode,
    404,
    'gone, as if there were no partnership',
  )
  const history = (await call(ctx, 'GET', '/partnerships/boston/members?subject=bob', ada)).json()
  t.equal(history.items[0].endsOn, '2026-01-31', 'the ended membership is kept')
  const remove = await call(ctx, 'DELETE', `/partnerships/boston/members/${bob.id}`, { ...ada, 'if-match': '*' })
  t.equal(remove.statusCode, 405, 'memberships are ended, never deleted: the method is not allowed')
  t.notMatch(remove.headers.allow, /DELETE/)

  const adaRow = (await call(ctx, 'GET', '/partnerships/boston/members?subject=ada', ada)).json().items[0]
  const alone = await call(
    ctx,
    'PATCH',
    `/partnerships/boston/members/${adaRow.id}`,
    { ...ada, 'if-match': '"1"' },
    {
      role: 'officer',
    },
  )
  t.equal(alone.statusCode, 409, 'the only admin cannot demote herself')
  t.equal(alone.json().code, 'MEMBER.LAST_ADMIN')

  const client = await call(ctx, 'POST', '/partnerships/boston/members', ada, {
    kind: 'client',
    subject: 'police-feed',
    role: 'officer',
  })
  t.equal(client.statusCode, 422, "an agency's system names its agency")
  t.equal(client.json().code, 'MEMBER.CLIENT_AGENCY')
})

t.test("the service's record wins over a trusted token's claim", async (t) => {
  const ctx = await buildTestApp(t, { TRUST_TOKEN_MEMBERSHIPS: 'true' })
  const root = await ctx.as('superadmin')
  await call(ctx, 'POST', '/partnerships', root, { slug: 'boston', name: 'Boston CSP', firstAdmin: { subject: 'ada' } })
  const claimsAdmin = await ctx.as('admin', 'boston', { sub: 'vic' })
  t.equal(
    (await call(ctx, 'POST', '/partnerships/boston/areas', claimsAdmin, { name: 'A', type: 'district' })).statusCode,
    201,
    'no record: the claim is honoured',
  )
  const ada = await person(ctx, 'ada')
  const vic = await call(ctx, 'POST', '/partnerships/boston/members', ada, { subject: 'vic', role: 'viewer' })
  t.equal(vic.statusCode, 201)
  const write = await call(ctx, 'POST', '/partnerships/boston/areas', claimsAdmin, { name: 'B', type: 'district' })
  t.equal(write.statusCode, 403, 'the record says viewer, whatever the token says')
  const untrusted = await buildTestApp(t, HELD)
  await call(untrusted, 'POST', '/partnerships', await untrusted.as('superadmin'), {
    slug: 'boston',
    name: 'Boston CSP',
  })
  const claim = await untrusted.as('admin', 'boston')
  t.equal(
    (await call(untrusted, 'GET', '/partnerships/boston', claim)).statusCode,
    404,
    'untrusted, a claim alone is nobody',
  )
})

t.test('invitations: revoked or expired ones do nothing; an accepted one cannot be revoked', async (t) => {
  const ctx = await buildTestApp(t, HELD)
  const root = await ctx.as('superadmin')
  await call(ctx, 'POST', '/partnerships', root, { slug: 'boston', name: 'Boston CSP', firstAdmin: { subject: 'ada' } })
  const ada = await person(ctx, 'ada')
  const invite = async (email: string) =>
    (await call(ctx, 'POST', '/partnerships/boston/invitations', ada, { email, role: 'officer' })).json()
  const late = await call(ctx, 'POST', '/partnerships/boston/invitations', ada, {
    email: 'x@example.org',
    role: 'officer',
    expiresAt: '2020-01-01T00:00:00Z',
  })
  t.equal(late.statusCode, 422)
  t.equal(late.json().code, 'INVITATION.EXPIRY')

  const revoked = await invite('rev@example.org')
  const revoke = await call(
    ctx,
    'PATCH',
    `/partnerships/boston/invitations/${revoked.id}`,
    { ...ada, 'if-match': '"1"' },
    {
      revoked: true,
    },
  )
  t.equal(revoke.statusCode, 200, revoke.body)
  t.equal(
    (await call(ctx, 'GET', '/partnerships/boston/me', await person(ctx, 'rev', 'rev@example.org'))).statusCode,
    404,
  )

  const expired = await invite('old@example.org')
  await ctx.db
    .updateTable('invitation')
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where('id', '=', expired.id)
    .execute()
  t.equal(
    (await call(ctx, 'GET', '/partnerships/boston/me', await person(ctx, 'old', 'old@example.org'))).statusCode,
    404,
  )

  const taken = await invite('new@example.org')
  t.equal(
    (await call(ctx, 'GET', '/partnerships/boston/me', await person(ctx, 'new', 'new@example.org'))).statusCode,
    200,
  )
  const late2 = await call(
    ctx,
    'PATCH',
    `/partnerships/boston/invitations/${taken.id}`,
    { ...ada, 'if-match': '*' },
    {
      revoked: true,
    },
  )
  t.equal(late2.statusCode, 409)
  t.equal(late2.json().code, 'INVITATION.ACCEPTED')
  const someoneElse = await person(ctx, 'thief', 'new@example.org')
  t.equal(
    (await call(ctx, 'GET', '/partnerships/boston/me', someoneElse)).statusCode,
    404,
    'an accepted invitation binds its first taker',
  )
  const officer = await person(ctx, 'new')
  t.equal(
    (await call(ctx, 'GET', '/partnerships/boston/invitations', officer)).statusCode,
    403,
    'invitations are for admins',
  )
})

t.test('a member removed on one instance is refused on another within MEMBER_CACHE_MS', async (t) => {
  const ctx = await buildTestApp(t, { ...HELD, MEMBER_CACHE_MS: '300' })
  const other = await secondInstance(t, ctx, { ...HELD, MEMBER_CACHE_MS: '300' })
  const root = await ctx.as('superadmin')
  await call(ctx, 'POST', '/partnerships', root, { slug: 'boston', name: 'Boston CSP', firstAdmin: { subject: 'ada' } })
  const ada = await person(ctx, 'ada')
  const bob = (await call(ctx, 'POST', '/partnerships/boston/members', ada, { subject: 'bob', role: 'viewer' })).json()
  const bobs = await person(ctx, 'bob')
  const there = await other.inject({ method: 'GET', url: '/partnerships/boston/areas', headers: bobs })
  t.equal(there.statusCode, 200, 'a member on the other instance')
  const removed = await call(
    ctx,
    'PATCH',
    `/partnerships/boston/members/${bob.id}`,
    { ...ada, 'if-match': '"1"' },
    {
      archived: true,
    },
  )
  t.equal(removed.statusCode, 200)
  t.equal((await call(ctx, 'GET', '/partnerships/boston/areas', bobs)).statusCode, 404, 'refused at once where removed')
  await new Promise((resolve) => setTimeout(resolve, 400))
  const later = await other.inject({ method: 'GET', url: '/partnerships/boston/areas', headers: bobs })
  t.equal(later.statusCode, 404, 'and on the other instance once its copy lapses')
})
