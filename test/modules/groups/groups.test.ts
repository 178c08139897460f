import t from 'tap'
import { buildTestApp, seedPartnerships } from '../../helper.js'

t.test(
  'groups and memberships keep history: who chaired PMG on a date, and /me answers the offices held',
  async (t) => {
    const ctx = await buildTestApp(t)
    await seedPartnerships(ctx, 'alpha')
    const admin = await ctx.as('admin', 'alpha')
    const officer = await ctx.as('officer', 'alpha')
    const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers = admin) =>
      ctx.app.inject({
        method,
        url: `/partnerships/alpha/${url}`,
        headers: { ...headers, 'if-match': '*' },
        ...(payload === undefined ? {} : { payload }),
      })

    const refused = await call('POST', 'groups', { name: 'PMG', kind: 'performance' }, officer)
    t.equal(refused.statusCode, 403, 'an officer does not make groups: an admin does')
    const pmg = (await call('POST', 'groups', { name: 'Performance Management Group', kind: 'performance' })).json()
    const strategic = (await call('POST', 'groups', { name: 'Strategic Group', kind: 'strategic' })).json()
    t.equal(
      (await call('POST', 'groups', { name: 'Strategic Group', kind: 'other' })).statusCode,
      409,
      'names are unique',
    )

    const members = `groups/${pmg.id}/members`
    const first = await call('POST', members, {
      subject: 'jane',
      name: 'Jane Smith',
      offices: ['chair'],
      startsOn: '2010-04-01',
      endsOn: '2010-09-30',
    })
    t.equal(first.statusCode, 201)
    t.equal(
      (
        await call('POST', members, {
          subject: 'tom',
          offices: ['chair', 'designated_officer'],
          startsOn: '2010-10-01',
        })
      ).statusCode,
      201,
    )
    await call('POST', members, { subject: 'ann', startsOn: '2010-04-01' })
    await call('POST', `groups/${strategic.id}/members`, {
      subject: 'tom',
      offices: ['vice_chair'],
      startsOn: '2009-01-01',
    })

    const chairOn = async (date: string) =>
      (await call('GET', `${members}?office=chair&asOf=${date}`))
        .json()
        .items.map((m: { subject: string }) => m.subject)
    t.same(await chairOn('2010-06-15'), ['jane'], 'Jane chaired PMG in June 2010')
    t.same(await chairOn('2010-11-01'), ['tom'], 'Tom chaired it from October')
    t.same(await chairOn('2010-03-31'), [], 'nobody chaired it before April 2010')
    const everyone = (await call('GET', `${members}?on=2010-06-15&sort=subject`)).json().items
    t.same(
      everyone.map((m: { subject: string }) => m.subject),
      ['ann', 'jane'],
      'members on a date',
    )
    const chairs = (await call('GET', `${members}?on=2010-11-01&office=chair`)).json().items
    t.same(
      chairs.map((m: { subject: string }) => m.subject),
      await chairOn('2010-11-01'),
      'on=, the earlier name of asOf, answers the same',
    )

    const overlap = await call('POST', members, { subject: 'jane', startsOn: '2010-09-01' })
    t.equal(overlap.statusCode, 409, 'a second membership of the same subject may not overlap the first')
    t.equal(overlap.json().code, 'MEMBERSHIP.OVERLAP')
    t.match(overlap.json().detail, /from 2010-04-01 to 2010-09-30/)
    t.equal(
      (await call('POST', members, { subject: 'jane', startsOn: '2011-04-01' })).statusCode,
      201,
      'after it ends, she may join again',
    )
    const backwards = await call('PATCH', `${members}/${first.json().id}`, { endsOn: '2010-01-01' })
    t.equal(backwards.statusCode, 422, 'a membership cannot end before it starts')
    t.equal(backwards.json().code, 'MEMBERSHIP.DATES')
    const badOffice = await call('POST', members, { subject: 'zed', startsOn: '2010-01-01', offices: ['treasurer'] })
    t.equal(badOffice.statusCode, 400, 'offices are chair, vice_chair and designated_officer')

    const tom = await ctx.as('viewer', 'alpha', { sub: 'tom' })
    const me = (
      await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/me?asOf=2010-11-01', headers: tom })
    ).json()
    t.match(me, { subject: 'tom', role: 'viewer', agencyId: null, asOf: '2010-11-01', on: '2010-11-01' })
    const earlierName = await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/alpha/me?on=2010-11-01',
      headers: tom,
    })
    t.same(earlierName.json(), me, 'on, its earlier name, the same')
    t.same(
      me.groups.map((g: { name: string; kind: string; offices: string[] }) => [g.name, g.kind, g.offices]),
      [
        ['Performance Management Group', 'performance', ['chair', 'designated_officer']],
        ['Strategic Group', 'strategic', ['vice_chair']],
      ],
      "/me: the caller's groups on the date, with the offices held",
    )
    const before = (
      await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/me?on=2010-06-01', headers: tom })
    ).json()
    t.same(
      before.groups.map((g: { name: string }) => g.name),
      ['Strategic Group'],
      'before October Tom sat on the Strategic Group only',
    )
  },
)

t.test('an office has one holder in a group on any day', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const post = (url: string, payload: object) =>
    ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers: admin, payload })
  const pmg = (await post('groups', { name: 'PMG', kind: 'performance' })).json()
  const members = `groups/${pmg.id}/members`
  const first = await post(members, {
    subject: 'ann',
    name: 'Ann',
    offices: ['chair'],
    startsOn: '2010-04-01',
    endsOn: '2011-03-31',
  })
  t.equal(first.statusCode, 201)
  const second = await post(members, { subject: 'bob', name: 'Bob', offices: ['chair'], startsOn: '2011-03-31' })
  t.equal(second.statusCode, 409, 'two chairs on 2011-03-31')
  t.match(second.json(), {
    code: 'MEMBERSHIP.OFFICE_TAKEN',
    detail: /Ann is this group's chair from 2010-04-01 to 2011-03-31/,
  })
  t.equal(
    (await post(members, { subject: 'bob', name: 'Bob', offices: ['chair'], startsOn: '2011-04-01' })).statusCode,
    201,
    'the next term',
  )
  t.equal(
    (await post(members, { subject: 'cat', name: 'Cat', offices: ['vice_chair'], startsOn: '2010-04-01' })).statusCode,
    201,
    'another office',
  )
})
