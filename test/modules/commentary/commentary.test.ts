import t from 'tap'
import { buildTestApp, seedPartnerships, type TestApp } from '../../helper.js'

/** Partnership alpha with Boston and NI 20 serving its violent crime priority; `send` answers, `post` its JSON. */
async function setUp(ctx: TestApp) {
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const send = async (url: string, payload: object, headers = admin) =>
    ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers, payload })
  const post = async (url: string, payload: object, headers = admin) => (await send(url, payload, headers)).json()
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
  return { admin, send, post, violence, area, indicator }
}

t.test(
  "a comment is its author's: others may not rewrite or delete it; an admin may, as the editor; edits keep history",
  async (t) => {
    const ctx = await buildTestApp(t)
    const { admin, post, area, indicator } = await setUp(ctx)
    const jane = await ctx.as('officer', 'alpha', { sub: 'jane' })
    const tom = await ctx.as('officer', 'alpha', { sub: 'tom' })
    const comment = await post(
      'commentary',
      {
        indicatorId: indicator.id,
        areaId: area.id,
        period: '2010-06',
        body: 'Night-time economy patrols started in May.',
      },
      jane,
    )
    t.equal(comment.author, 'jane')
    t.equal(comment.editedBy, null)
    const url = `/partnerships/alpha/commentary/${comment.id}`

    const rewrite = await ctx.app.inject({
      method: 'PATCH',
      url,
      headers: { ...tom, 'if-match': '*' },
      payload: { body: 'Nothing to report.' },
    })
    t.equal(rewrite.statusCode, 403, 'another officer may not rewrite it')
    t.equal(rewrite.json().code, 'COMMENTARY.NOT_AUTHOR')
    const remove = await ctx.app.inject({ method: 'DELETE', url, headers: { ...tom, 'if-match': '*' } })
    t.equal(remove.statusCode, 403, 'nor delete it')

    const own = await ctx.app.inject({
      method: 'PATCH',
      url,
      headers: { ...jane, 'if-match': '"1"' },
      payload: { body: 'Night-time economy patrols started in May; assaults fell.' },
    })
    t.match(own.json(), { author: 'jane', editedBy: 'jane' }, 'the author edits it')
    const moderated = await ctx.app.inject({
      method: 'PATCH',
      url,
      headers: { ...admin, 'if-match': '"2"' },
      payload: { body: 'Patrols started in May; assaults fell.' },
    })
    t.match(
      moderated.json(),
      { author: 'jane', editedBy: 'admin@alpha' },
      'an admin edits it, recorded as the editor; the author stays',
    )

    const history = await ctx.app.inject({
      method: 'GET',
      url: `${url}/revisions`,
      headers: await ctx.as('viewer', 'alpha'),
    })
    t.same(
      history
        .json()
        .items.map((r: { body: string; writtenBy: string; current: boolean }) => [r.writtenBy, r.current, r.body]),
      [
        ['admin@alpha', true, 'Patrols started in May; assaults fell.'],
        ['jane', false, 'Night-time economy patrols started in May; assaults fell.'],
        ['jane', false, 'Night-time economy patrols started in May.'],
      ],
      'every text the comment had, with who wrote it',
    )
    t.equal(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/partnerships/alpha/commentary/${indicator.id}/revisions`,
          headers: admin,
        })
      ).statusCode,
      404,
      'no such comment',
    )

    const deleted = await ctx.app.inject({ method: 'DELETE', url, headers: { ...admin, 'if-match': '*' } })
    t.equal(deleted.statusCode, 204, 'an admin may delete it')
  },
)

t.test("a theme group's members write commentary on its priority's indicators, whatever their role", async (t) => {
  const ctx = await buildTestApp(t)
  const { send, post, violence, area, indicator: ni20 } = await setUp(ctx)
  const asb = await post('priorities', { name: 'Anti-social behaviour' })
  const vcsm = await post('groups', { name: 'VCSM Group', kind: 'theme', priorityId: violence.id })
  const asbGroup = await post('groups', { name: 'ASB Group', kind: 'theme', priorityId: asb.id })
  await post(`groups/${vcsm.id}/members`, { subject: 'chair', offices: ['chair'], startsOn: '2000-01-01' })
  await post(`groups/${asbGroup.id}/members`, { subject: 'other', startsOn: '2000-01-01' })
  const comment = { indicatorId: ni20.id, areaId: area.id, period: '2010-06', body: 'Patrols began in May.' }

  const chair = await send('commentary', comment, await ctx.as('viewer', 'alpha', { sub: 'chair' }))
  t.equal(chair.statusCode, 201, "the VCSM Group's chair, a viewer, writes NI 20's commentary")
  t.equal(chair.json().author, 'chair')
  for (const sub of ['other', 'stranger']) {
    const refused = await send('commentary', comment, await ctx.as('viewer', 'alpha', { sub }))
    t.equal(refused.statusCode, 403, `${sub}: not a member of a group that owns NI 20`)
    t.match(refused.json(), { code: 'AUTH.FORBIDDEN', detail: /officer role, or membership of the group/ })
  }
  const officer = await send('commentary', comment, await ctx.as('officer', 'alpha', { sub: 'analyst' }))
  t.equal(officer.statusCode, 201, 'an officer writes any')
})

t.test('a comment is internal until an officer marks it public; a rewrite by anyone else takes it back', async (t) => {
  const ctx = await buildTestApp(t)
  const { send, post, violence, area, indicator: ni20 } = await setUp(ctx)
  const vcsm = await post('groups', { name: 'VCSM Group', kind: 'theme', priorityId: violence.id })
  await post(`groups/${vcsm.id}/members`, { subject: 'chair', startsOn: '2000-01-01' })
  const chair = await ctx.as('viewer', 'alpha', { sub: 'chair' })
  const officer = await ctx.as('officer', 'alpha', { sub: 'analyst' })
  const comment = { indicatorId: ni20.id, areaId: area.id, period: '2010-06', body: 'Patrols began in May.' }
  const patch = (id: string, headers: Record<string, string>, payload: object) =>
    ctx.app.inject({
      method: 'PATCH',
      url: `/partnerships/alpha/commentary/${id}`,
      headers: { ...headers, 'if-match': '*' },
      payload,
    })

  const written = (await send('commentary', comment, chair)).json()
  t.equal(written.visibility, 'internal', 'internal unless asked')
  const asked = await send('commentary', { ...comment, visibility: 'public' }, chair)
  t.equal(asked.statusCode, 403, 'a group member who is not an officer may not show it to the public')
  t.match(asked.json(), { code: 'COMMENTARY.PUBLISH', errors: [{ field: 'body.visibility' }] })
  t.equal((await patch(written.id, chair, { visibility: 'public' })).statusCode, 403, 'nor mark it public later')

  const shown = await patch(written.id, officer, { visibility: 'public' })
  t.equal(shown.statusCode, 200, "an officer marks another's comment public")
  t.match(shown.json(), { visibility: 'public', author: 'chair', editedBy: null }, 'without becoming its editor')
  const rewrite = await patch(written.id, officer, { body: 'Patrols began in June.' })
  t.equal(rewrite.statusCode, 403, "but may not rewrite another's text")
  t.equal(rewrite.json().code, 'COMMENTARY.NOT_AUTHOR')

  const retold = await patch(written.id, chair, { body: 'Patrols began in May; assaults fell.' })
  t.match(retold.json(), { visibility: 'internal', editedBy: 'chair' }, "the author's new text is internal again")
  t.equal(
    (await patch(written.id, chair, { body: 'Patrols began in May; assaults fell by a fifth.', visibility: 'public' }))
      .statusCode,
    403,
    'and the author may not publish it',
  )
  const own = await send('commentary', { ...comment, visibility: 'public' }, officer)
  t.equal(own.json().visibility, 'public', "an officer's own comment may be public from the start")
  const listed = await ctx.app.inject({ url: '/partnerships/alpha/commentary?visibility=public', headers: chair })
  t.same(
    listed.json().items.map((c: { id: string }) => c.id),
    [own.json().id],
    'and the list filters by visibility',
  )
})
