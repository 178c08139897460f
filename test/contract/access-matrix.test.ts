import t from 'tap'
import { buildTestApp, POLICE_UK_SAMPLE, seedPartnerships } from '../helper.js'
import { ABSENT, fillPath, furnish, operations, type Ids, type Operation } from './fixtures.js'

/**
 * The tenancy and role matrices, generated from the OpenAPI document: every operation the app declares
 * is called, so a new route is covered the day it is added (and fails here until it has a body below).
 */

/** A body for every write, with $-placeholders for the ids of the partnership under test. */
const BODIES: Record<string, unknown> = {
  updatePartnership: { name: 'Renamed CSP' },
  createArea: { name: 'Ward', type: 'ward', parentId: '$area' },
  updateArea: { parentId: '$area' },
  createAgency: { name: 'Probation', role: 'responsible_authority' },
  updateAgency: { name: 'Renamed' },
  createPriority: { name: 'Violent crime' },
  updatePriority: { name: 'Renamed' },
  createObjective: { title: 'Reduce repeat victims' },
  updateObjective: { title: 'Renamed' },
  createTheme: { name: 'Seasonality' },
  updateTheme: { name: 'Renamed' },
  createIndicator: {
    reference: 'LOCAL X',
    name: 'X',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    sourceAgencyId: '$agency',
    parentId: '$indicator',
    priorityIds: ['$priority'],
  },
  updateIndicator: { parentId: '$indicator' },
  createTarget: { indicatorId: '$indicator', areaId: '$area', period: 'FY2011-12', targetValue: '10' },
  updateTarget: { targetValue: '11' },
  putMeasurement: { value: 3 },
  setMeasurementStatus: { status: 'validated' },
  bulkWriteMeasurements: [{ indicator: '$indicator', area: '$area', period: '2010-06', value: 1 }],
  createComment: { indicatorId: '$indicator', areaId: '$area', period: '2010-04', body: 'Comment' },
  updateComment: { body: 'Changed' },
  createPartnership: { slug: 'gamma', name: 'Gamma CSP' },
  createMember: { subject: 'someone-new', role: 'viewer', agencyId: '$agency' },
  updateMember: { agencyId: '$agency' },
  createInvitation: { email: 'new@matrix.example', role: 'viewer', agencyId: '$agency' },
  updateInvitation: { revoked: true },
  createApiKey: { agencyId: '$agency', name: 'Another feed' },
  updateApiKey: { name: 'Renamed' },
  rotateApiKey: { overlapHours: 1 },
  openRound: {
    period: '2010-08',
    themeMeetingsOn: '2010-09-14',
    pmgMeetingOn: '2010-09-28',
    strategicMeetingOn: '2010-10-12',
  },
  submitRoundReturn: { summary: 'Returned' },
  selectRoundException: { decision: 'add', direction: 'bad', reason: 'PMG adds it' },
  issueRound: { missingReturnsReason: 'Issued in the matrix' },
  reopenRoundReturn: {},
  askRoundGroup: { groupId: '$group', question: 'Why?', dueOn: '2010-07-01' },
  answerRoundRequest: { answer: 'Because' },
  decideFinding: { state: 'dismissed', reason: 'Checked with the force' },
  createValidationRule: {
    name: 'Within a thousand',
    leftSide: { terms: [{ indicatorId: '$indicator' }] },
    op: '<=',
    rightSide: { terms: [], constant: 1000 },
  },
  updateValidationRule: { leftSide: { terms: [{ indicatorId: '$indicator' }] } },
  respondToRoundException: { response: 'accepted' },
  answerRoundFollowUp: { answer: 'Done' },
  createGroup: { name: 'Strategic Group', kind: 'strategic' },
  updateGroup: { priorityId: '$priority' },
  createGroupMember: { subject: 'someone', agencyId: '$agency', startsOn: '2011-01-01' },
  updateGroupMember: { agencyId: '$agency' },
  createAction: {
    priorityId: '$priority',
    objectiveId: '$objective',
    groupId: '$group',
    title: 'Another action',
    leadAgencyId: '$agency',
    partnerAgencyIds: ['$agency'],
    indicatorIds: ['$indicator'],
  },
  updateAction: { objectiveId: '$objective', groupId: '$group' },
  createMilestone: { description: 'Review', due: 'FY2010-11' },
  updateMilestone: { doneOn: '2010-09-01' },
  createProgressUpdate: { reportedOn: '2010-09-30', status: 'at_risk', body: 'Slipping' },
  updateProgressUpdate: { body: 'Changed' },
  createFundingStream: { name: 'BCU Fund', financialYear: 'FY2010-11', totalPence: 1800000 },
  updateFundingStream: { notes: 'The final year of this funding' },
  createAllocation: { description: 'Community House', amountPence: 150000, priorityId: '$priority' },
  updateAllocation: { amountPence: 400000, actionItemId: '$action' },
  createBid: {
    allocationId: '$allocation',
    amountPence: 90000,
    title: 'Mobile CCTV',
    groupId: '$group',
    priorityId: '$priority',
    actionItemId: '$action',
    applicantAgencyId: '$agency',
  },
  updateBid: { amountPence: 95000 },
  submitBid: {},
  supportBid: {},
  returnBid: { reason: 'Add costings' },
  rejectBid: { reason: 'Out of scope' },
  approveBid: {},
  withdrawBid: {},
  decideBidMainstreaming: { decision: 'mainstream', reason: 'Proved its worth' },
  createBidEvaluation: { evaluatedOn: '2011-05-01', summary: 'Done', indicatorIds: ['$indicator'] },
  updateBidEvaluation: { summary: 'Changed', indicatorIds: ['$indicator'] },
  createBidPayment: { paidOn: '2010-11-01', amountPence: 10000 },
  updateBidPayment: { amountPence: 20000 },
  createRisk: {
    reference: 'CSP2',
    title: 'Lack of effective partner engagement',
    priorityId: '$priority',
    objectiveId: '$objective',
    ownerAgencyId: '$agency',
    actionIds: ['$action'],
  },
  updateRisk: { ownerAgencyId: '$agency', actionIds: ['$action'] },
  createRiskAssessment: {
    assessedOn: '2010-09-30',
    inherentLikelihood: 3,
    inherentImpact: 3,
    currentLikelihood: 2,
    currentImpact: 3,
  },
  withdrawRiskAssessment: { reason: 'Scored the wrong risk' },
  updateRiskSettings: { appetite: 9 },
  createWebhook: { url: 'http://127.0.0.1:9/other', eventTypes: ['bid.decided'] },
  updateWebhook: { description: 'The county warehouse' },
  redeliverWebhookDelivery: {},
  createFeedMapping: {
    name: 'Fire incidents',
    kind: 'incidents',
    agencyId: '$agency',
    dateColumn: 'DateOfCall',
    locationColumn: 'IncGeo_WardCode',
    rules: [{ indicator: '$indicator', where: { StopCodeDescription: ['Primary Fire'] } }],
  },
  updateFeedMapping: { agencyId: '$agency', rules: [{ indicator: '$indicator', where: { 'Crime type': ['Drugs'] } }] },
  replaceFeedLocations: [{ location: 'E01026008', area: '$area' }],
  // A string is sent as CSV: the file as a police.uk download gives it.
  importFeedFile: POLICE_UK_SAMPLE,
  createPopulation: { code: 'E07000136', year: 2011, population: 64600, source: 'ONS mid-2011' },
  updatePopulation: { population: 64700 },
  bulkWritePopulations: [{ code: 'E07000136', year: 2012, population: 65000 }],
  createPeerGroup: { name: 'Most similar districts', source: 'iQuanta' },
  updatePeerGroup: { description: 'Revised for 2011/12' },
  createPeerMember: { code: 'E07000138', name: 'Lincoln', startsOn: '2010-04-01' },
  updatePeerMember: { areaId: '$area', endsOn: '2012-03-31' },
  createPeerFigure: { indicatorId: '$indicator', code: 'E07000138', period: '2010-06', value: 31 },
  updatePeerFigure: { value: 32 },
  bulkWritePeerFigures: [{ indicator: '$indicator', code: 'E07000138', period: '2010-07', value: 29 }],
}

/** A body given as text is a file, sent as CSV. */
const csvType = (body: unknown): Record<string, string> =>
  typeof body === 'string' ? { 'content-type': 'text/csv' } : {}

/** Required query parameters that name a record. */
const QUERY_IDS: Record<string, keyof Ids> = { areaId: 'area', indicatorId: 'indicator' }

/** Fills a path, its required query and its body with one partnership's ids (or absent ones). */
function request(path: string, op: Operation, method: string, slug: string, ids: Ids | null) {
  const idOf = (resource: keyof Ids) => (ids === null ? ABSENT : ids[resource])
  const url = fillPath(path, slug, ids)
  const query = (op.parameters ?? [])
    .filter((p) => p.in === 'query' && p.required)
    .map(
      (p) =>
        `${p.name}=${QUERY_IDS[p.name] === undefined ? (p.name === 'period' ? '2010-05' : 'x') : idOf(QUERY_IDS[p.name]!)}`,
    )
  const fill = (value: unknown): unknown =>
    typeof value === 'string' && value.startsWith('$')
      ? idOf(value.slice(1) as keyof Ids)
      : Array.isArray(value)
        ? value.map(fill)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]))
          : value
  const body = ['POST', 'PUT', 'PATCH'].includes(method) ? fill(BODIES[op.operationId]) : undefined
  return { url: query.length > 0 ? `${url}?${query.join('&')}` : url, body }
}

/**
 * Deletes run last, deepest path first, so that every other operation meets the records furnished (a
 * deleted action takes its milestones with it).
 */
const deletesLast = <O extends { path: string; method: string }>(ops: O[]): O[] => [
  ...ops.filter((o) => o.method !== 'DELETE'),
  ...ops.filter((o) => o.method === 'DELETE').sort((a, b) => b.path.split('/').length - a.path.split('/').length),
]

const strip = (body: string) => {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>
    // A refused bulk row echoes the value sent: the id this request named, which is all that differs.
    const errors = (parsed.errors as Array<Record<string, unknown>> | undefined)?.map((e) => ({
      ...e,
      value: undefined,
    }))
    return JSON.stringify({ ...parsed, instance: undefined, requestId: undefined, errors })
  } catch {
    return body
  }
}

t.test("tenancy matrix: another partnership's things answer exactly as absent ones, on every operation", async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha', 'beta')
  await furnish(ctx, 'alpha')
  const beta = await furnish(ctx, 'beta')
  const betaSecrets = [
    ...Object.values(beta),
    'beta district',
    'beta police',
    'beta says',
    'beta assaults',
    'BETA1',
    'beta action',
    'beta progresses',
  ]
  const admin = { ...(await ctx.as('admin', 'alpha')), 'if-match': '*' }
  const ops = (await operations(ctx)).filter(({ op }) => op['x-access'].scope === 'partnership')
  t.ok(ops.length >= 40, `${ops.length} partnership operations`)
  let calls = 0
  let fiveHundreds = 0
  for (const { path, method, op } of ops) {
    if (['POST', 'PUT', 'PATCH'].includes(method))
      t.ok(op.operationId in BODIES, `${op.operationId} has a body in this matrix`)
    const send = async (slug: string, ids: Ids | null) => {
      const { url, body } = request(path, op, method, slug, ids)
      calls += 1
      const res = await ctx.app.inject({
        method: method as 'GET',
        url,
        headers: { ...admin, ...csvType(body) },
        ...(body === undefined ? {} : { payload: body as object }),
      })
      if (res.statusCode >= 500) fiveHundreds += 1
      return res
    }
    const label = `${method} ${path}`
    const foreign = await send('alpha', beta)
    // An operation that names no id (a create of a plain record, a list) has nothing foreign to compare.
    if (
      JSON.stringify(request(path, op, method, 'alpha', beta)) !==
      JSON.stringify(request(path, op, method, 'alpha', null))
    ) {
      const absent = await send('alpha', null)
      t.equal(
        foreign.statusCode,
        absent.statusCode,
        `${label}: beta's ids answer as absent ones (${absent.statusCode})`,
      )
      t.equal(strip(foreign.body), strip(absent.body), `${label}: byte for byte, bar the request id and path`)
    }
    const leaked = betaSecrets.filter((secret) => strip(foreign.body).includes(secret))
    t.same(leaked, [], `${label}: nothing of beta's in alpha's answer`)
    // Naming beta's partnership with an alpha token reads like naming none.
    const otherSlug = await send('beta', beta)
    const noSlug = await send('nowhere', beta)
    t.equal(otherSlug.statusCode, 404, `${label}: beta's slug is 404 to alpha`)
    t.equal(strip(otherSlug.body), strip(noSlug.body), `${label}: the same 404 as an unknown partnership`)
  }
  t.equal(fiveHundreds, 0, `${calls} requests, no 5xx`)
  // And nothing alpha did touched beta.
  const betaView = await ctx.as('viewer', 'beta')
  const stillThere = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/beta/measurements/${beta.indicator}/${beta.area}/2010-04`,
    headers: betaView,
  })
  t.match(
    stillThere.json(),
    { value: '9', revision: 1, status: 'provisional' },
    "beta's measurement is as beta left it",
  )
  const betaArea = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/beta/areas/${beta.area}`,
    headers: betaView,
  })
  t.match(betaArea.json(), { name: 'beta district', version: 1 })
})

t.test(
  'role matrix: every operation x every role; a role below the one required is 403, never anything else',
  async (t) => {
    const ctx = await buildTestApp(t)
    await seedPartnerships(ctx, 'alpha')
    const alpha = await furnish(ctx, 'alpha')
    const tokens = {
      viewer: await ctx.as('viewer', 'alpha'),
      officer: await ctx.as('officer', 'alpha'),
      admin: await ctx.as('admin', 'alpha'),
      feed: await ctx.as('officer', 'alpha', {
        memberships: [{ partnership: 'alpha', role: 'officer', agency: alpha.agency }],
        sub: 'police-feed',
      }),
      superadmin: await ctx.as('superadmin'),
      none: {},
      // A viewer who chairs the theme group that owns the furnished priority's actions and indicators.
      groupMember: await ctx.as('viewer', 'alpha', { sub: 'member@alpha' }),
    }
    const rank = { viewer: 0, officer: 1, admin: 2 } as const
    let pairs = 0
    for (const { path, method, op } of deletesLast(await operations(ctx))) {
      const access = op['x-access']
      const { url, body } = request(path, op, method, 'alpha', alpha)
      for (const [who, headers] of Object.entries(tokens)) {
        // A superadmin-only route would otherwise create things; it is checked for refusal only.
        const res = await ctx.app.inject({
          method: method as 'GET',
          url,
          headers: { ...headers, 'if-match': '*', ...csvType(body) },
          ...(body === undefined ? {} : { payload: body as object }),
        })
        pairs += 1
        const label = `${method} ${path} as ${who}`
        let expected: number | 'allowed'
        if (access.scope === 'public') expected = 'allowed'
        else if (who === 'none') expected = 401
        else if (access.scope === 'authenticated') expected = 'allowed'
        else if (access.scope === 'superadmin') expected = who === 'superadmin' ? 'allowed' : 403
        else if (who === 'superadmin') expected = access.superadminToo ? 'allowed' : 404
        else if (who === 'groupMember' && access.groupMembers && method !== 'GET') {
          // The group's right, stated in x-access: the role check lets them through, and what refuses
          // them, if anything, is a rule of the thing itself (its author, its state), never the role.
          // (Deletes run last, after the admin has deleted their group membership among the rest.)
          if (method !== 'DELETE')
            t.not(res.json().code, 'AUTH.FORBIDDEN', `${label}: the group's right (${res.statusCode})`)
          t.ok(res.statusCode !== 401 && res.statusCode < 500, `${label}: answered (${res.statusCode})`)
          continue
        } else {
          const role = who === 'feed' ? 'officer' : who === 'groupMember' ? 'viewer' : (who as keyof typeof rank)
          const feedRefused = who === 'feed' && method !== 'GET' && !access.agencyWrites
          expected = rank[role] < rank[access.role ?? 'admin'] || feedRefused ? 403 : 'allowed'
        }
        // Where groups decide (x-access groupMembers), the role lets anyone through and the operation's
        // own rule (PMG only, the group's members only) may refuse with its own code, never AUTH.FORBIDDEN.
        const byGroupRule =
          access.groupMembers === true && res.statusCode === 403 && res.json().code !== 'AUTH.FORBIDDEN'
        if (expected === 'allowed')
          t.ok(
            (![401, 403].includes(res.statusCode) || byGroupRule) && res.statusCode < 500,
            `${label}: allowed (${res.statusCode})`,
          )
        else t.equal(res.statusCode, expected, `${label}: ${expected}`)
      }
    }
    t.ok(pairs > 300, `${pairs} operation x role pairs`)
  },
)
