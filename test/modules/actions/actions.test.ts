import t from 'tap'
import { parse } from 'csv-parse/sync'
import { buildTestApp, seedPartnerships, type TestApp } from '../../helper.js'

/** A partnership with two priorities, a theme group for the first, an agency and two indicators. */
async function setUp(ctx: TestApp) {
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const post = async (url: string, payload: object, headers = admin) => {
    const res = await ctx.app.inject({ method: 'POST', url: `/partnerships/alpha/${url}`, headers, payload })
    if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json() as { id: string }
  }
  const vcsm = await post('priorities', { name: 'Violent Crime & Substance Misuse', code: 'P2' })
  const acquisitive = await post('priorities', { name: 'Acquisitive Crime', code: 'P3' })
  const domestic = await post(`priorities/${vcsm.id}/objectives`, {
    title: 'Reduce repeat incidents of domestic abuse',
  })
  const evening = await post(`priorities/${vcsm.id}/objectives`, { title: 'Reduce violence in the evening economy' })
  const shops = await post(`priorities/${acquisitive.id}/objectives`, { title: 'Prevent shop theft' })
  const police = await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' })
  const council = await post('agencies', { name: 'Boston Borough Council', role: 'responsible_authority' })
  const indicator = (reference: string) =>
    post('indicators', {
      priorityIds: [vcsm.id],
      reference,
      name: reference,
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
    })
  const ni32 = await indicator('NI 32')
  const ni20 = await indicator('NI 20')
  const group = await post('groups', { name: 'VCSM Group', kind: 'theme', priorityId: vcsm.id })
  const otherGroup = await post('groups', {
    name: 'Acquisitive Crime Group',
    kind: 'theme',
    priorityId: acquisitive.id,
  })
  await post(`groups/${group.id}/members`, { subject: 'member', startsOn: '2000-01-01' })
  return { admin, post, vcsm, acquisitive, domestic, evening, shops, police, council, ni32, ni20, group, otherGroup }
}

const SANCTUARY = {
  reference: 'P2-4.1',
  title: 'Sanctuary Scheme (Target hardening for victims of Domestic Abuse)',
  outputs: ["Referrals through MARAC, RSLs, Women's Aid", 'Equipment installed'],
  starts: 'FY2010-11',
  ends: 'FY2010-11',
  timing: 'April 2010-March 2011',
  leadName: 'East Lincolnshire CSP',
  resources: [{ amountPence: 600000, source: 'DA SMB', secured: true }],
  outcomes: ['Reduction in repeat victims of Domestic Abuse'],
}

t.test(
  'an action: dates as the plan writes them, TBC as a state, resources in pence, checks with clear 422s',
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/actions',
      headers: s.admin,
      payload: { ...SANCTUARY, priorityId: s.vcsm.id, objectiveId: s.domestic.id, indicatorIds: [s.ni32.id] },
    })
    t.equal(created.statusCode, 201)
    t.match(created.json(), {
      starts: 'FY2010-11',
      startsOn: '2010-04-01',
      endsOn: '2011-03-31',
      leadTbc: false,
      status: 'not_started',
      indicatorIds: [s.ni32.id],
      resources: [
        {
          description: null,
          amountPence: 600000,
          amountTbc: false,
          approximate: false,
          source: 'DA SMB',
          secured: true,
        },
      ],
      assessment: { flags: [] },
    })
    t.equal(created.headers.etag, '"1"')

    const refuse = async (payload: object, code: string, field: string) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/partnerships/alpha/actions',
        headers: s.admin,
        payload: { priorityId: s.vcsm.id, title: 'X', ...payload },
      })
      t.equal(res.statusCode, 422, `${code}: 422`)
      t.equal(res.json().code, code)
      t.equal(res.json().errors?.[0]?.field, field, `${code}: names ${field}`)
    }
    await refuse({ leadName: 'TBC' }, 'ACTION.LEAD', 'body.leadName')
    await refuse({ leadTbc: true, leadAgencyId: s.police.id }, 'ACTION.LEAD', 'body.leadTbc')
    await refuse(
      { resources: [{ amountPence: 100, amountTbc: true }] },
      'ACTION.RESOURCE',
      'body.resources.0.amountTbc',
    )
    await refuse({ resources: [{ approximate: true }] }, 'ACTION.RESOURCE', 'body.resources.0.approximate')
    await refuse({ objectiveId: s.shops.id }, 'ACTION.OBJECTIVE', 'body.objectiveId')
    await refuse({ starts: '2011-01', ends: '2010-06' }, 'ACTION.TIMING', 'body.ends')
    await refuse({ indicatorIds: ['00000000-0000-4000-8000-00000000dead'] }, 'ACTION.REFERENCE', 'body.indicatorIds')

    const open = await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/actions',
      headers: s.admin,
      payload: { priorityId: s.vcsm.id, title: 'Pubwatch', starts: '2010-04', ends: 'ongoing', leadTbc: true },
    })
    t.match(
      open.json(),
      { ends: 'ongoing', startsOn: '2010-04-01', endsOn: null, leadTbc: true },
      '"Ongoing" has no end',
    )
    const moved = await ctx.app.inject({
      method: 'PATCH',
      url: `/partnerships/alpha/actions/${open.json().id}`,
      headers: { ...s.admin, 'if-match': '"1"' },
      payload: { ends: '2010-Q4' },
    })
    t.match(moved.json(), { ends: '2010-Q4', endsOn: '2010-12-31', version: 2 }, 'an end date set later')
  },
)

t.test(
  'who writes: officers anywhere, members of the owning group its actions, feeds and others nothing',
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const member = await ctx.as('viewer', 'alpha', { sub: 'member' })
    const viewer = await ctx.as('viewer', 'alpha')
    const officer = await ctx.as('officer', 'alpha')
    const feed = await ctx.as('officer', 'alpha', {
      memberships: [{ partnership: 'alpha', role: 'officer', agency: s.police.id }],
      sub: 'feed',
    })
    const create = (headers: Record<string, string>, groupId: string | null) =>
      ctx.app.inject({
        method: 'POST',
        url: '/partnerships/alpha/actions',
        headers,
        payload: { priorityId: s.vcsm.id, title: 'Street Pastors', groupId },
      })
    const own = await create(member, s.group.id)
    t.equal(own.statusCode, 201, "a member of the theme group writes the group's actions")
    t.equal((await create(member, s.otherGroup.id)).statusCode, 403, "not another group's")
    t.equal((await create(member, null)).statusCode, 403, 'nor an action no group owns')
    t.equal((await create(viewer, s.group.id)).statusCode, 403, 'a viewer who is not a member writes nothing')
    t.equal((await create(feed, s.group.id)).statusCode, 403, 'an agency feed token writes nothing')
    t.equal((await create(officer, null)).statusCode, 201, 'an officer writes any action')

    const id = own.json().id
    const handOver = await ctx.app.inject({
      method: 'PATCH',
      url: `/partnerships/alpha/actions/${id}`,
      headers: { ...member, 'if-match': '*' },
      payload: { groupId: s.otherGroup.id },
    })
    t.equal(handOver.statusCode, 403, 'a member cannot give the action to a group they are not in')
    const milestone = await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/alpha/actions/${id}/milestones`,
      headers: member,
      payload: { description: 'Recruit volunteers', due: '2010-Q3' },
    })
    t.equal(milestone.statusCode, 201, 'a member adds milestones')
    const progress = await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/alpha/actions/${id}/progress`,
      headers: member,
      payload: { reportedOn: '2010-07-15', status: 'on_track', body: 'Volunteers found.' },
    })
    t.match(progress.json(), { author: 'member', editedBy: null }, 'the author comes from the token')
    const rewrite = await ctx.app.inject({
      method: 'PATCH',
      url: `/partnerships/alpha/actions/${id}/progress/${progress.json().id}`,
      headers: { ...officer, 'if-match': '*' },
      payload: { body: 'Nothing.' },
    })
    t.equal(rewrite.statusCode, 403, "an officer may not rewrite someone's progress update")
    t.equal(rewrite.json().code, 'PROGRESS.NOT_AUTHOR')
    const moderated = await ctx.app.inject({
      method: 'PATCH',
      url: `/partnerships/alpha/actions/${id}/progress/${progress.json().id}`,
      headers: { ...s.admin, 'if-match': '*' },
      payload: { body: 'Volunteers found (12).' },
    })
    t.match(moderated.json(), { author: 'member', editedBy: 'admin@alpha' }, 'an admin may, recorded as the editor')
    const removed = await ctx.app.inject({
      method: 'DELETE',
      url: `/partnerships/alpha/actions/${id}`,
      headers: { ...viewer, 'if-match': '*' },
    })
    t.equal(removed.statusCode, 403, 'a non-member viewer cannot delete it')
  },
)

t.test(
  "progress: the latest update sets the action's status; flags sit beside it and never overwrite it",
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const action = await s.post('actions', {
      priorityId: s.vcsm.id,
      title: 'Evening Safety Wardens',
      starts: '2010-04',
      ends: '2011-03',
      leadName: 'Chris Avis',
    })
    const url = `/partnerships/alpha/actions/${action.id}`
    await s.post(`actions/${action.id}/milestones`, { description: 'Finalise specification', due: '2010-Q2' })
    const report = (reportedOn: string, status: string) =>
      s.post(`actions/${action.id}/progress`, { reportedOn, status, body: `${status} on ${reportedOn}` })
    const status = async () => (await ctx.app.inject({ method: 'GET', url, headers: s.admin })).json()

    const first = await report('2010-06-30', 'on_track')
    t.match(await status(), { status: 'on_track', version: 2 }, 'an update sets the status (a new version)')
    await report('2010-09-30', 'at_risk')
    await report('2010-08-31', 'on_track')
    t.equal((await status()).status, 'at_risk', 'an update dated earlier than the latest does not set it')
    const latest = (
      await ctx.app.inject({ method: 'GET', url: `${url}/progress?sort=-reportedOn`, headers: s.admin })
    ).json().items[0]
    await ctx.app.inject({
      method: 'DELETE',
      url: `${url}/progress/${latest.id}`,
      headers: { ...s.admin, 'if-match': '*' },
    })
    t.equal((await status()).status, 'on_track', 'deleting the latest update returns the status to the one before')
    const audit = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/audit-events?resourceType=action&resourceId=${action.id}`,
      headers: s.admin,
    })
    t.ok(
      audit
        .json()
        .items.some(
          (e: { before: { status?: string } | null; after: { status?: string } | null }) =>
            e.before?.status === 'on_track' && e.after?.status === 'at_risk',
        ),
      'a status set by progress is audited as a change to the action',
    )
    t.ok(first.id)

    // As of March 2011 the milestone due by 30 September 2010 is still open while the action says on track.
    const list = await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/alpha/actions?asOf=2011-01-15',
      headers: s.admin,
    })
    const assessed = list.json().items[0]
    t.equal(assessed.status, 'on_track', "people's status stands")
    t.same(
      assessed.assessment.flags.map((f: { flag: string }) => f.flag),
      ['milestone_overdue', 'status_contradicts_milestones', 'no_recent_progress'],
      'the flags sit beside it',
    )
    t.match(assessed.assessment, { asOf: '2011-01-15', activityRag: 'amber', lastProgressOn: '2010-08-31' })
    t.match(assessed.assessment.activityRagReason, /milestone overdue/)
  },
)

t.test('every list filter, and paging through a flag filter', async (t) => {
  const ctx = await buildTestApp(t)
  const s = await setUp(ctx)
  const a = await s.post('actions', {
    ...SANCTUARY,
    priorityId: s.vcsm.id,
    objectiveId: s.domestic.id,
    groupId: s.group.id,
    leadAgencyId: s.council.id,
    partnerAgencyIds: [s.police.id],
    indicatorIds: [s.ni32.id],
    status: 'on_track',
  })
  const b = await s.post('actions', {
    priorityId: s.vcsm.id,
    objectiveId: s.evening.id,
    title: 'Street Pastors in Skegness',
    leadTbc: true,
    starts: 'FY2010-11',
    ends: 'FY2010-11',
    resources: [{ amountPence: 350000, approximate: true, secured: false }],
    indicatorIds: [s.ni20.id],
  })
  const c = await s.post('actions', {
    priorityId: s.acquisitive.id,
    objectiveId: s.shops.id,
    groupId: s.otherGroup.id,
    title: 'Shopwatch',
    leadTbc: true,
    partnerAgencyIds: [s.council.id],
    status: 'complete',
  })
  const ids = async (query: string) =>
    (await ctx.app.inject({ method: 'GET', url: `/partnerships/alpha/actions?${query}`, headers: s.admin }))
      .json()
      .items.map((i: { id: string }) => i.id)
  const cases: Array<[string, string[]]> = [
    [`priorityId=${s.vcsm.id}`, [a.id, b.id]],
    [`objectiveId=${s.shops.id}`, [c.id]],
    [`groupId=${s.group.id}`, [a.id]],
    [`leadAgencyId=${s.council.id}`, [a.id]],
    ['status=complete', [c.id]],
    [`partnerAgencyId=${s.council.id}`, [c.id]],
    [`indicatorId=${s.ni20.id}`, [b.id]],
    ['q=sanctuary', [a.id]],
    ['flag=lead_tbc&asOf=2010-06-01', [b.id]],
    ['flag=resources_unsecured&asOf=2010-06-01', [b.id]],
    ['flag=past_end_not_complete&asOf=2011-06-01', [a.id, b.id]],
    ['activityRag=red&asOf=2011-06-01', [a.id, b.id]],
    ['activityRag=green&asOf=2010-03-01', [a.id, c.id]],
    ['activityRag=grey', []],
  ]
  for (const [query, expected] of cases) t.same(await ids(query), expected, query)

  // A flag filter pages through the table without losing or repeating an action.
  const seen: string[] = []
  let cursor: string | null = null
  do {
    const after: string = cursor === null ? '' : `&cursor=${cursor}`
    const page = (
      await ctx.app.inject({
        method: 'GET',
        url: `/partnerships/alpha/actions?flag=past_end_not_complete&asOf=2011-06-01&limit=1${after}`,
        headers: s.admin,
      })
    ).json() as { items: Array<{ id: string }>; nextCursor: string | null }
    seen.push(...page.items.map((i) => i.id))
    cursor = page.nextCursor
  } while (cursor !== null)
  t.same(seen, [a.id, b.id], 'one at a time, in order')
  const bad = await ctx.app.inject({ method: 'GET', url: '/partnerships/alpha/actions?flag=late', headers: s.admin })
  t.equal(bad.statusCode, 400, 'an unknown flag is a 400')
})

t.test(
  "the action plan as JSON and as CSV in seed 000's columns; the reports list each indicator's actions",
  async (t) => {
    const ctx = await buildTestApp(t)
    const s = await setUp(ctx)
    const sanctuary = await s.post('actions', {
      ...SANCTUARY,
      priorityId: s.vcsm.id,
      objectiveId: s.domestic.id,
      indicatorIds: [s.ni32.id],
    })
    await s.post(`actions/${sanctuary.id}/milestones`, {
      description: 'Monitor use of equipment',
      dueFrom: '2010-Q2',
      due: '2011-Q1',
    })
    await s.post('actions', {
      priorityId: s.vcsm.id,
      objectiveId: s.evening.id,
      title: '=HYPERLINK("http://evil.example","Pastors")',
      outputs: ['Recruit volunteers, "trained"', 'Provide training'],
      leadTbc: true,
      partnerAgencyIds: [s.police.id],
      otherPartners: ['Local churches'],
      resources: [{ description: 'for training', amountPence: 350000, approximate: true, secured: false }],
    })
    await s.post('actions', { priorityId: s.acquisitive.id, title: 'Another priority' })

    const plan = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/priorities/${s.vcsm.id}/action-plan?asOf=2010-06-01`,
      headers: await ctx.as('viewer', 'alpha'),
    })
    t.equal(plan.statusCode, 200)
    const body = plan.json()
    t.match(body.priority, { code: 'P2' })
    t.same(
      body.objectives.map((o: { objective: { title: string }; actions: unknown[] }) => [
        o.objective.title,
        o.actions.length,
      ]),
      [
        ['Reduce repeat incidents of domestic abuse', 1],
        ['Reduce violence in the evening economy', 1],
      ],
      'by objective, in order',
    )
    t.match(body.objectives[0].actions[0], {
      milestones: [{ label: 'Q1-4', description: 'Monitor use of equipment', dueOn: '2011-03-31' }],
      lead: 'East Lincolnshire CSP',
      indicators: ['NI 32'],
    })

    const csv = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/priorities/${s.vcsm.id}/action-plan?asOf=2010-06-01&format=csv`,
      headers: s.admin,
    })
    t.match(csv.headers['content-type'], /^text\/csv/)
    t.ok(csv.body.startsWith('\ufeff'), 'a byte order mark, so that Excel reads £ right')
    const rows = parse(csv.body, { bom: true }) as string[][]
    t.same(rows[0], [
      'objective',
      'reference',
      'action',
      'outputs',
      'milestones',
      'start_and_end',
      'lead',
      'partners',
      'resources',
      'outcomes',
      'indicators',
      'measures',
      'status',
      'activity_rag',
      'flags',
    ])
    t.same(rows[1]!.slice(0, 11), [
      'Reduce repeat incidents of domestic abuse',
      'P2-4.1',
      'Sanctuary Scheme (Target hardening for victims of Domestic Abuse)',
      "Referrals through MARAC, RSLs, Women's Aid\nEquipment installed",
      'Q1-4: Monitor use of equipment',
      'April 2010-March 2011',
      'East Lincolnshire CSP',
      '',
      '£6,000 DA SMB - Secured',
      'Reduction in repeat victims of Domestic Abuse',
      'NI 32',
    ])
    t.same(rows[2]!.slice(2, 9), [
      `'=HYPERLINK("http://evil.example","Pastors")`,
      'Recruit volunteers, "trained"\nProvide training',
      '',
      'TBC',
      'TBC',
      'Lincolnshire Police\nLocal churches',
      'for training £3,500 (approx) - Not secured',
    ])
    t.same(rows[2]!.slice(12), ['not started', 'amber', 'resources_unsecured\nlead_tbc'], 'status, RAG, flags')
    t.equal(rows.length, 3, "only this priority's actions")

    const missing = await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/alpha/priorities/00000000-0000-4000-8000-00000000dead/action-plan',
      headers: s.admin,
    })
    t.equal(missing.statusCode, 404)

    // The exception and performance reports and the evaluation carry the indicator's actions.
    const area = await s.post('areas', { name: 'Boston', type: 'district' })
    const bulk = await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/alpha/measurements/bulk',
      headers: s.admin,
      payload: [{ indicator: s.ni32.id, area: area.id, period: '2010-05', value: 4 }],
    })
    t.equal(bulk.statusCode, 200)
    const evaluation = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/evaluation?period=2010-05&asOf=2010-06-01&indicatorId=${s.ni32.id}`,
      headers: s.admin,
    })
    t.same(
      evaluation.json().items[0].actions,
      [
        {
          id: sanctuary.id,
          reference: 'P2-4.1',
          title: SANCTUARY.title,
          status: 'not_started',
          activityRag: 'amber',
          flags: [],
        },
      ],
      "the evaluation lists the indicator's actions",
    )
    const series = await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/alpha/indicators/${s.ni32.id}/evaluation?areaId=${area.id}&asOf=2010-06-01`,
      headers: s.admin,
    })
    t.same(
      series.json().actions.map((x: { id: string }) => x.id),
      [sanctuary.id],
      'so does the series',
    )
    const performance = await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/alpha/reports/performance?period=2010-05&asOf=2010-06-01',
      headers: s.admin,
    })
    const items: Array<{ indicator: { reference: string }; actions: Array<{ reference: string }> }> = performance
      .json()
      .priorities.flatMap((p: { items: unknown[] }) => p.items)
    t.same(
      items.filter((i) => i.indicator.reference === 'NI 32').map((i) => i.actions.map((x) => x.reference)),
      [['P2-4.1']],
      'and the performance report',
    )
  },
)
