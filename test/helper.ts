import type { FastifyInstance, InjectOptions } from 'fastify'
import { SignJWT, importJWK, type JWTPayload } from 'jose'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import type { Test } from 'tap'
import { XMLValidator } from 'fast-xml-parser'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { createDb, createPool, withDatabase, type Db } from '../src/db/client.js'
import { TENANT_ROLE } from '../src/db/tenancy.js'
import type { Role } from '../src/domain/access.js'
import { loadOrCreateDevKey, type DevSigningKey } from '../src/plugins/keys.js'

function required(name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '')
    throw new Error(`${name} is unset: run the suite with npm test (test/run.ts)`)
  return value
}

/** A database of this test file's own, cloned from the migrated template and dropped at the end. */
export async function testDatabase(t: Test): Promise<string> {
  const adminUrl = required('TEST_ADMIN_URL')
  const name = `spa_test_${required('TEST_RUN_ID')}_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name} template ${required('TEST_TEMPLATE_DB')}`)
  await admin.end()
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: adminUrl })
    await c.connect()
    await c.query(`drop database if exists ${name} with (force)`)
    await c.end()
  })
  return withDatabase(adminUrl, name)
}

export interface TestApp {
  app: FastifyInstance
  db: Db
  pool: pg.Pool
  config: Config
  key: DevSigningKey
  url: string
  token(claims?: TokenClaims): Promise<string>
  as(role: Role | 'superadmin', partnership?: string, extra?: Partial<TokenClaims>): Promise<Record<string, string>>
}

export interface TokenClaims extends JWTPayload {
  memberships?: Array<{ partnership: string; role: Role; agency?: string }>
  superadmin?: boolean
}

export async function signWith(
  key: DevSigningKey,
  config: Config,
  claims: TokenClaims = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT({ memberships: [], ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .setSubject(claims.sub ?? 'test-user')
    .setIssuer(claims.iss ?? config.auth.issuer)
    .setAudience(claims.aud ?? config.auth.audience)
    .setIssuedAt()
    .setExpirationTime(claims.exp ?? '1h')
    .sign(await importJWK(key.privateJwk, key.alg))
}

/** The app on a fresh database, with a development key to sign test tokens; closed when the test ends. */
/**
 * The test apps' connection and statement timeouts: generous, since a test that is not about timeouts must
 * not fail because two test files share a loaded machine (a 20,000-row partial bulk once failed under CI
 * load, its answer not recorded). Tests about timeouts set their own.
 */
const TEST_TIMEOUTS = { connectTimeoutMs: 10_000, statementTimeoutMs: 30_000 }

export async function buildTestApp(t: Test, env: Record<string, string> = {}, poolMax = 4): Promise<TestApp> {
  const url = await testDatabase(t)
  const dataDir = t.testdir({})
  // Event-loop and memory shedding are off in tests unless a test asks for them: a loaded machine must not
  // fail the suite, and a test file's process holds the garbage of every app it built before, not one
  // service's memory (one past 1 GiB refused the next test's first request).
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: url,
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_RSS_BYTES: '0',
    // Nor is the heavy-read budget: tests that read a report many times in a second are not attacks.
    HEAVY_READ_MAX: '0',
    // Nor do webhooks go out, but where a test sends them (events are still recorded and jobs queued).
    WEBHOOK_DELIVERY: 'false',
    ...env,
  })
  const options = { connectionString: url, ...TEST_TIMEOUTS }
  const pool = createPool({ ...options, max: poolMax, role: TENANT_ROLE })
  // Tests look at the database as its owner, past row-level security; the app connects as the service does.
  const ownerPool = createPool({ ...options, max: 2 })
  const app = await buildApp({ config, pool })
  recordAnswers(app)
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await pool.end()
    await ownerPool.end()
  })
  const key = await loadOrCreateDevKey(path.join(dataDir, 'dev-signing-key.json'))
  const token = (claims?: TokenClaims) => signWith(key, config, claims)
  return {
    app,
    db: createDb(ownerPool),
    pool,
    config,
    key,
    url,
    token,
    async as(role, partnership = 'alpha', extra = {}) {
      const claims: TokenClaims =
        role === 'superadmin'
          ? { superadmin: true, sub: 'platform-admin', ...extra }
          : { memberships: [{ partnership, role }], sub: `${role}@${partnership}`, ...extra }
      return { authorization: `Bearer ${await token(claims)}` }
    },
  }
}

/** The id of a partnership's issued reporting round (the demo issues one in each). */
export async function issuedRoundOf(ctx: TestApp, slug: string): Promise<string> {
  const round = await ctx.db
    .selectFrom('reportingRound')
    .innerJoin('partnership', 'partnership.id', 'reportingRound.partnershipId')
    .select('reportingRound.id')
    .where('partnership.slug', '=', slug)
    .where('reportingRound.issuedAt', 'is not', null)
    .executeTakeFirstOrThrow()
  return round.id
}

/** Opens (or closes) a partnership's public view, as its admin. */
export async function setPublicView(ctx: TestApp, slug: string, on: boolean): Promise<void> {
  const res = await ctx.app.inject({
    method: 'PATCH',
    url: `/partnerships/${slug}`,
    headers: { ...(await ctx.as('admin', slug)), 'if-match': '*' },
    payload: { publicView: on },
  })
  if (res.statusCode !== 200) throw new Error(`publicView: ${res.statusCode} ${res.body}`)
}

/**
 * Another instance of the service on the same database (its own pool, caches and process state), as a
 * second copy behind a load balancer would be; it verifies the same test tokens. Closed when the test ends.
 */
export async function secondInstance(
  t: Test,
  ctx: TestApp,
  env: Record<string, string> = {},
): Promise<FastifyInstance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: ctx.config.dataDir,
    DATABASE_URL: ctx.url,
    MAX_EVENT_LOOP_DELAY_MS: '0',
    MAX_RSS_BYTES: '0',
    WEBHOOK_DELIVERY: 'false',
    ...env,
  })
  const pool = createPool({
    connectionString: ctx.url,
    ...TEST_TIMEOUTS,
    max: 4,
    role: TENANT_ROLE,
  })
  const app = await buildApp({ config, pool })
  recordAnswers(app)
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await pool.end()
  })
  return app
}

/** The headers the contract declares (plugins/contract.ts), as sent. */
const DECLARED_HEADERS = [
  'x-request-id',
  'etag',
  'location',
  'retry-after',
  'ratelimit-policy',
  'ratelimit',
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'x-correlation-id',
  'www-authenticate',
  'content-disposition',
  'idempotent-replayed',
  'cache-control',
]

/**
 * What every operation answers in the suite: its problems' codes ("problem <operationId> <status> <code>")
 * and the declared headers it sends ("header ..."), in a file per test process. test/run.ts holds them
 * to the contract: an operation that answered a code or a header the contract does not declare fails it.
 */
function recordAnswers(app: FastifyInstance): void {
  const dir = process.env.TEST_ANSWERS_DIR
  if (dir === undefined || dir === '') return
  const file = path.join(dir, `${process.pid}.log`)
  app.addHook('onSend', async (request, reply, payload) => {
    const operationId = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId
    if (operationId === undefined) return
    const status = reply.statusCode
    const lines = DECLARED_HEADERS.filter((h) => reply.hasHeader(h)).map((h) => `header ${operationId} ${status} ${h}`)
    // The request id is set after this hook (app.ts), for every answer: the contract declares it everywhere.
    if (String(reply.getHeader('content-type') ?? '').includes('problem+json'))
      lines.push(`problem ${operationId} ${status} ${(JSON.parse(String(payload)) as { code?: string }).code}`)
    if (lines.length > 0) appendFileSync(file, lines.map((l) => `${l}\n`).join(''))
  })
}

/** Creates partnerships by slug through the API, as a superadmin would. */
/**
 * Every item of a list, a page at a time: each page must answer 200 (else this throws with its answer),
 * and its cursor is followed until a page says none follows.
 */
export async function allPages<T = Record<string, any>>(
  app: TestApp['app'],
  url: string,
  headers: Record<string, string>,
): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const res: Awaited<ReturnType<TestApp['app']['inject']>> = await app.inject({
      url: `${url}${cursor === null ? '' : `${url.includes('?') ? '&' : '?'}cursor=${cursor}`}`,
      headers,
    })
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    items.push(...(res.json().items as T[]))
    cursor = res.json().nextCursor
  } while (cursor !== null)
  return items
}

export async function seedPartnerships(t: TestApp, ...slugs: string[]): Promise<void> {
  const headers = await t.as('superadmin')
  for (const slug of slugs) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/partnerships',
      headers,
      payload: { slug, name: `${slug} CSP` },
    })
    if (res.statusCode !== 201) throw new Error(`could not create ${slug}: ${res.body}`)
  }
}

/**
 * The resource kit's round trip for one collection of the alpha partnership, as its admin: create, read
 * back, change with If-Match, refuse a duplicate, find by a filter, delete.
 */
export async function crudRoundTrip(
  t: Test,
  ctx: TestApp,
  collection: string,
  body: object,
  change: object,
  filter: string,
): Promise<void> {
  const headers = await ctx.as('admin', 'alpha')
  const url = `/partnerships/alpha/${collection}`
  const created = await ctx.app.inject({ method: 'POST', url, headers, payload: body })
  t.equal(created.statusCode, 201, `${collection}: created`)
  t.match(created.json(), body)
  const item = `${url}/${created.json().id}`
  const updated = await ctx.app.inject({
    method: 'PATCH',
    url: item,
    headers: { ...headers, 'if-match': created.headers.etag as string },
    payload: change,
  })
  t.equal(updated.statusCode, 200, `${collection}: updated`)
  t.match(updated.json(), { ...body, ...change, version: 2 })
  const duplicate = await ctx.app.inject({ method: 'POST', url, headers, payload: body })
  t.equal(duplicate.statusCode, 409, `${collection}: same name twice is a conflict`)
  const listed = await ctx.app.inject({ method: 'GET', url: `${url}?${filter}`, headers })
  t.same(
    listed.json().items.map((i: { id: string }) => i.id),
    [created.json().id],
    `${collection}: found by ${filter}`,
  )
  const deleted = await ctx.app.inject({ method: 'DELETE', url: item, headers: { ...headers, 'if-match': '"2"' } })
  t.equal(deleted.statusCode, 204, `${collection}: deleted`)
}

/**
 * Calls on one partnership's API: `call` answers the response; `post` the record created or changed, and
 * throws on anything else (for setting up, not for what a test asserts).
 */
export function partnershipClient(ctx: TestApp, slug: string, defaults: Record<string, string>) {
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) =>
    ctx.app.inject({
      method,
      url: `/partnerships/${slug}/${url}`,
      headers,
      ...(payload === undefined ? {} : { payload }),
    })
  const post = async (url: string, payload: object, headers = defaults) => {
    const res = await call('POST', url, headers, payload)
    if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  return { call, post }
}

/**
 * Alpha with Boston and NI 20 (assault with less serious injury, a monthly count, lower better) against
 * `targetValue` for 2010/11, made by its admin: the setting of the evaluation's own tests.
 */
export async function alphaWithNi20(ctx: TestApp, targetValue: string) {
  await seedPartnerships(ctx, 'alpha')
  const admin = await ctx.as('admin', 'alpha')
  const { post } = partnershipClient(ctx, 'alpha', admin)
  const boston = (await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })) as { id: string }
  const ni20 = (await post('indicators', {
    reference: 'NI 20',
    name: 'Assault with less serious injury',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
  })) as { id: string }
  await post('targets', { indicatorId: ni20.id, areaId: boston.id, period: 'FY2010-11', targetValue })
  return { admin, post, boston, ni20 }
}

export const ABSENT = '00000000-0000-4000-8000-00000000dead'

/** A demo partnership's first row of a table (by creation): the ids a walk over the demo's answers needs. */
export async function demoRowOf(
  ctx: TestApp,
  slug: string,
  table: 'priority' | 'fundingStream' | 'peerGroup' | 'feedMapping',
): Promise<string> {
  const row = await ctx.db
    .selectFrom(table)
    .innerJoin('partnership', 'partnership.id', `${table}.partnershipId`)
    .select(`${table}.id`)
    .where('partnership.slug', '=', slug)
    .orderBy(`${table}.createdAt`)
    .executeTakeFirstOrThrow()
  return row.id
}

/** A demo partnership's indicator by its reference ("NI 16"). */
export async function demoIndicatorOf(ctx: TestApp, slug: string, reference: string): Promise<string> {
  const row = await ctx.db
    .selectFrom('indicator')
    .innerJoin('partnership', 'partnership.id', 'indicator.partnershipId')
    .select('indicator.id')
    .where('partnership.slug', '=', slug)
    .where('reference', '=', reference)
    .executeTakeFirstOrThrow()
  return row.id
}

export type Ids = Record<
  | 'area'
  | 'agency'
  | 'priority'
  | 'objective'
  | 'theme'
  | 'indicator'
  | 'target'
  | 'commentary'
  | 'group'
  | 'membership'
  | 'action'
  | 'milestone'
  | 'progress'
  | 'stream'
  | 'allocation'
  | 'bid'
  | 'evaluation'
  | 'payment'
  | 'risk'
  | 'riskAssessment'
  | 'feedMapping'
  | 'feedImport'
  | 'population'
  | 'peerGroup'
  | 'peerMember'
  | 'peerFigure'
  | 'partnershipMember'
  | 'invitation'
  | 'apiKey'
  | 'round'
  | 'roundRequest'
  | 'strategicResponse'
  | 'finding'
  | 'validationRule'
  | 'webhook'
  | 'webhookDelivery',
  string
>

/** A police.uk street-level file of two rows, in its published layout. */
export const POLICE_UK_SAMPLE =
  'Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context\n' +
  'x1,2010-07,Lincolnshire Police,Lincolnshire Police,-0.02,52.97,On or near Market Place,E01026007,Boston 001A,Violence and sexual offences,Under investigation,\n' +
  ',2010-07,Lincolnshire Police,Lincolnshire Police,-0.02,52.97,On or near Market Place,E01026007,Boston 001A,Anti-social behaviour,,\n'

/** One of everything in a partnership, made through the API by its admin. */
export async function furnish(ctx: TestApp, slug: string): Promise<Ids> {
  const headers = await ctx.as('admin', slug)
  const post = async (url: string, payload: unknown) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/${url}`,
      headers,
      payload: payload as object,
    })
    if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json() as { id: string }
  }
  // A subscription first, so that what follows leaves it a delivery (nothing is sent: delivery is off).
  const webhook = await post('webhooks', { url: 'http://127.0.0.1:9/hook', eventTypes: ['measurements.received'] })
  const area = await post('areas', { name: `${slug} district`, type: 'district', code: `${slug.toUpperCase()}1` })
  const agency = await post('agencies', { name: `${slug} police`, role: 'responsible_authority' })
  const priority = await post('priorities', { name: `${slug} ASB`, code: 'P1' })
  const objective = await post(`priorities/${priority.id}/objectives`, { title: `${slug} objective` })
  const theme = await post('themes', { name: `${slug} theme` })
  const indicator = await post('indicators', {
    reference: 'NI 20',
    name: `${slug} assaults`,
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'monthly',
    aggregation: 'sum',
    sourceAgencyId: agency.id,
    priorityIds: [priority.id],
  })
  const target = await post('targets', {
    indicatorId: indicator.id,
    areaId: area.id,
    period: 'FY2010-11',
    targetValue: '120',
  })
  await post('measurements/bulk', [
    { indicator: indicator.id, area: area.id, period: '2010-04', value: 9 },
    { indicator: indicator.id, area: area.id, period: '2010-05', value: 14 },
  ])
  // Written by the officer the matrices use: a comment is changed by its author (or an admin), which the
  // role matrix then sees as the officer role's right.
  const officer = await ctx.as('officer', slug)
  const commentary = (
    await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/commentary`,
      headers: officer,
      payload: { indicatorId: indicator.id, areaId: area.id, period: '2010-04', body: `${slug} says` },
    })
  ).json() as { id: string }
  const group = await post('groups', { name: `${slug} ASB group`, kind: 'theme', priorityId: priority.id })
  const membership = await post(`groups/${group.id}/members`, {
    subject: `member@${slug}`,
    offices: ['chair'],
    startsOn: '2010-01-01',
  })
  const action = await post('actions', {
    priorityId: priority.id,
    objectiveId: objective.id,
    groupId: group.id,
    reference: '1.1',
    title: `${slug} action`,
    starts: 'FY2010-11',
    ends: 'ongoing',
    leadAgencyId: agency.id,
    indicatorIds: [indicator.id],
    resources: [{ amountPence: 600000, source: 'DA SMB', secured: true }],
  })
  const milestone = await post(`actions/${action.id}/milestones`, { description: 'Launch', due: '2010-Q2' })
  // Written by the officer, as the comment is: the role matrix then sees an author's right as the officer's.
  const progress = (
    await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/actions/${action.id}/progress`,
      headers: officer,
      payload: { reportedOn: '2010-06-30', status: 'on_track', body: `${slug} progresses` },
    })
  ).json() as { id: string }
  // A bid taken through every stage to approval, so that the matrices meet a funded bid.
  const member = await ctx.as('viewer', slug, { sub: `member@${slug}` })
  const delivery = await post('groups', { name: `${slug} delivery group`, kind: 'delivery' })
  const performance = await post('groups', { name: `${slug} performance group`, kind: 'performance' })
  for (const g of [delivery, performance])
    await post(`groups/${g.id}/members`, { subject: `member@${slug}`, startsOn: '2000-01-01' })
  const stream = await post('funding-streams', {
    name: `${slug} fund`,
    financialYear: 'FY2010-11',
    totalPence: 1000000,
  })
  const allocation = await post(`funding-streams/${stream.id}/allocations`, {
    description: `${slug} line`,
    amountPence: 500000,
  })
  const act = async (url: string, headers: Record<string, string>, payload: object = {}) => {
    const res = await ctx.app.inject({ method: 'POST', url: `/partnerships/${slug}/${url}`, headers, payload })
    if (res.statusCode !== 200 && res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json() as { id: string }
  }
  const bid = await act('bids', officer, {
    allocationId: allocation.id,
    amountPence: 150000,
    title: `${slug} bid`,
    groupId: delivery.id,
  })
  await act(`bids/${bid.id}/submit`, officer)
  await act(`bids/${bid.id}/support`, member)
  await act(`bids/${bid.id}/approve`, member)
  const evaluation = await act(`bids/${bid.id}/evaluations`, officer, {
    evaluatedOn: '2011-04-30',
    summary: `${slug} evaluated`,
  })
  const payment = await act(`bids/${bid.id}/payments`, officer, { paidOn: '2010-10-01', amountPence: 50000 })
  const risk = await post('risks', {
    reference: 'CSP1',
    title: `${slug} funding risk`,
    ownerAgencyId: agency.id,
    priorityId: priority.id,
    actionIds: [action.id],
  })
  // Assessed by the officer, so that the role matrix sees withdrawing it as the officer's right.
  const riskAssessment = await act(`risks/${risk.id}/assessments`, officer, {
    assessedOn: '2010-06-30',
    inherentLikelihood: 3,
    inherentImpact: 4,
    currentLikelihood: 2,
    currentImpact: 4,
  })
  // A police.uk feed into the indicator, its lookup, and one month imported.
  const feedMapping = await post('feeds', {
    name: `${slug} police.uk`,
    kind: 'police_uk',
    rules: [{ indicator: 'NI 20', where: { 'Crime type': ['Violence and sexual offences'] } }],
  })
  await ctx.app.inject({
    method: 'PUT',
    url: `/partnerships/${slug}/feeds/${feedMapping.id}/locations`,
    headers: { ...headers, 'if-match': '*' },
    payload: [{ location: 'E01026007', area: area.id }],
  })
  const imported = await ctx.app.inject({
    method: 'POST',
    url: `/partnerships/${slug}/feeds/${feedMapping.id}/imports`,
    headers: { ...officer, 'content-type': 'text/csv' },
    payload: POLICE_UK_SAMPLE,
  })
  if (imported.statusCode !== 201) throw new Error(`feed import: ${imported.statusCode} ${imported.body}`)
  const deliveries = await ctx.app.inject({ url: `/partnerships/${slug}/webhooks/${webhook.id}/deliveries`, headers })
  const [sent] = (deliveries.json() as { items: Array<{ id: string }> }).items
  if (sent === undefined) throw new Error(`the feed import left the webhook no delivery: ${deliveries.body}`)
  // The district's population, a group it is in, and a peer's count for the indicator.
  const population = await post('populations', { code: `${slug.toUpperCase()}1`, year: 2010, population: 100000 })
  const peerGroup = await post('peer-groups', { name: `${slug} most similar group` })
  const peerMember = await post(`peer-groups/${peerGroup.id}/members`, { areaId: area.id, startsOn: '2010-04-01' })
  const peerFigure = await post('peer-figures', {
    indicatorId: indicator.id,
    code: `${slug.toUpperCase()}2`,
    period: '2010-04',
    value: 12,
  })
  const partnershipMember = await post('members', { subject: `officer-of@${slug}`, role: 'officer' })
  const invitation = await post('invitations', { email: `invited@${slug}.example`, role: 'viewer' })
  const apiKey = await post('api-keys', { agencyId: agency.id, name: `${slug} police feed` })
  // Opened by a member of the performance group (member@slug), as only PMG members may.
  const round = (
    await ctx.app.inject({
      method: 'POST',
      url: `/partnerships/${slug}/rounds`,
      headers: await ctx.as('viewer', slug, { sub: `member@${slug}` }),
      payload: {
        period: '2010-05',
        themeMeetingsOn: '2010-06-08',
        pmgMeetingOn: '2010-06-22',
        strategicMeetingOn: '2010-07-06',
      },
    })
  ).json() as { id: string }
  // The round before it, issued, with the Strategic Group's response and a follow-up PMG answers later;
  // and PMG's request to the theme group in the furnished round. member@slug sits on PMG and on the
  // Strategic Group.
  const strategic = await post('groups', { name: `${slug} strategic group`, kind: 'strategic' })
  await post(`groups/${strategic.id}/members`, { subject: `member@${slug}`, startsOn: '2000-01-01' })
  const step = async (method: 'POST' | 'PUT', url: string, payload: object) => {
    const res = await ctx.app.inject({ method, url: `/partnerships/${slug}/${url}`, headers: member, payload })
    if (res.statusCode >= 300) throw new Error(`furnish: ${method} ${url} answered ${res.statusCode}: ${res.body}`)
    return res.json() as { id: string; requests: Array<{ id: string }>; responses: Array<{ id: string }> }
  }
  const earlier = await step('POST', 'rounds', {
    period: '2010-04',
    themeMeetingsOn: '2010-05-11',
    pmgMeetingOn: '2010-05-25',
    strategicMeetingOn: '2010-06-08',
  })
  const going = (
    await ctx.app.inject({
      method: 'GET',
      url: `/partnerships/${slug}/rounds/${earlier.id}/exceptions`,
      headers: member,
    })
  ).json() as {
    priorities: Array<{ items: Array<{ indicator: { id: string }; area: { id: string } }> }>
  }
  const raised = going.priorities.some((p) =>
    p.items.some((i) => i.indicator.id === indicator.id && i.area.id === area.id),
  )
  if (!raised)
    await step('PUT', `rounds/${earlier.id}/selections/${indicator.id}/${area.id}`, {
      decision: 'add',
      direction: 'bad',
      reason: 'PMG sends it up',
    })
  await step('POST', `rounds/${earlier.id}/issue`, { missingReturnsReason: 'Furnished' })
  const responded = await step('PUT', `rounds/${earlier.id}/responses/${indicator.id}/${area.id}`, {
    response: 'further_support_required',
    followUp: `${slug} asks PMG for more`,
    followUpDueOn: '2010-06-30',
  })
  const asked = await step('POST', `rounds/${round.id}/requests`, {
    groupId: group.id,
    question: `${slug} asks the group`,
    dueOn: '2010-07-01',
  })
  // A month of ten times the one before, years before anything the matrices evaluate: queried on arrival.
  await post('measurements/bulk', [
    { indicator: indicator.id, area: area.id, period: '2005-01', value: 10 },
    { indicator: indicator.id, area: area.id, period: '2005-02', value: 100 },
  ])
  const findings = await ctx.app.inject({ method: 'GET', url: `/partnerships/${slug}/findings`, headers })
  const finding = (findings.json() as { items: Array<{ id: string }> }).items[0]
  if (finding === undefined) throw new Error(`findings: ${findings.statusCode} ${findings.body}`)
  const validationRule = await post('validation-rules', {
    name: `${slug} rule`,
    leftSide: { terms: [{ indicatorId: indicator.id }] },
    op: '<=',
    rightSide: { terms: [], constant: 1000 },
  })
  return {
    validationRule: validationRule.id,
    finding: finding.id,
    round: round.id,
    roundRequest: asked.requests[0]!.id,
    strategicResponse: responded.responses[0]!.id,
    apiKey: apiKey.id,
    partnershipMember: partnershipMember.id,
    invitation: invitation.id,
    population: population.id,
    peerGroup: peerGroup.id,
    peerMember: peerMember.id,
    peerFigure: peerFigure.id,
    feedMapping: feedMapping.id,
    feedImport: (imported.json() as { id: string }).id,
    webhook: webhook.id,
    webhookDelivery: sent.id,
    risk: risk.id,
    riskAssessment: riskAssessment.id,
    stream: stream.id,
    allocation: allocation.id,
    bid: bid.id,
    evaluation: evaluation.id,
    payment: payment.id,
    group: group.id,
    membership: membership.id,
    action: action.id,
    milestone: milestone.id,
    progress: progress.id,
    area: area.id,
    agency: agency.id,
    priority: priority.id,
    objective: objective.id,
    theme: theme.id,
    indicator: indicator.id,
    target: target.id,
    commentary: commentary.id,
  }
}

/** A seeded random number generator in [0, 1), so a generated test case replays from its seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

export interface Service {
  address: string
  /** The last 200 lines the service logged. */
  lines: string[]
  child: ChildProcess
  exited: Promise<number | null>
  bearer(claims: TokenClaims): Promise<string>
  kill(signal: NodeJS.Signals): Promise<number | null>
}

/** The service (src/server.ts) in a child process on the given database; resolves once it listens. */
export async function startService(
  t: Test,
  databaseUrl: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('src/server.ts')], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      RATE_LIMIT_MAX: '0',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      WEBHOOK_DELIVERY: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  )
  const lines: string[] = []
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(line)
        if (lines.length > 200) lines.shift()
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
        if (match?.[1]) resolve(match[1])
      }
    })
    void exited.then((code) => reject(new Error(`service exited before listening (${code}): ${lines.join('\n')}`)))
  })
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir })
  const key = await loadOrCreateDevKey(config.auth.devKeyFile)
  return {
    address,
    lines,
    child,
    exited,
    bearer: async (claims) => `Bearer ${await signWith(key, config, { sub: 'faults', ...claims })}`,
    kill: async (signal) => {
      child.kill(signal)
      return exited
    },
  }
}

// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/

/** Why a document is not well-formed XML 1.0 (an empty list when it is). */
export function xmlProblems(text: string): string[] {
  const problems: string[] = []
  const char = NOT_XML_CHAR.exec(text)
  if (char !== null)
    problems.push(
      `character U+${char[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${char.index} is not allowed in XML`,
    )
  const valid = XMLValidator.validate(text)
  if (valid !== true) problems.push(`${valid.err.msg} (line ${valid.err.line})`)
  return problems
}

export type Inject = (options: InjectOptions) => ReturnType<FastifyInstance['inject']>
