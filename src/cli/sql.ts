/**
 * npm run sql [-- --check]
 *
 * Writes the SQL the resource kit and the hot repositories send, as Kysely compiles it, to
 * src/queries/*.sql, so that a change to a query shows in review (immich's habit). `--check` compares
 * instead and exits 1 on any difference; a test runs it. The queries are compiled against a database
 * that answers nothing (Kysely's DummyDriver), with the same plugins as the service.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import {
  CamelCasePlugin,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely'
import type { Db } from '../db/client.js'
import type { Database } from '../db/types.js'
import { actionSpec, milestoneSpec, progressSpec } from '../modules/actions/actions.repository.js'
import { agencySpec } from '../modules/agencies/agencies.repository.js'
import { areaSpec } from '../modules/areas/areas.repository.js'
import { listAuditEvents, recordAudit } from '../modules/audit/audit.repository.js'
import { commentaryHistory, commentarySpec } from '../modules/commentary/commentary.repository.js'
import { evaluationData, latestCommentary, priorityNames } from '../modules/evaluation/evaluation.repository.js'
import {
  allocationSpec,
  bidSpec,
  evaluationSpec,
  paymentSpec,
  streamSpec,
} from '../modules/funding/funding.repository.js'
import { groupSpec, memberSpec } from '../modules/groups/groups.repository.js'
import { assessmentSpec, riskSpec } from '../modules/risks/risks.repository.js'
import { indicatorSpec } from '../modules/indicators/indicators.repository.js'
import * as batch from '../plugins/idempotency.repository.js'
import * as benchmarking from '../modules/benchmarking/benchmarking.repository.js'
import * as feeds from '../modules/feeds/feeds.repository.js'
import * as measurements from '../modules/measurements/measurements.repository.js'
import { objectiveSpec } from '../modules/objectives/objectives.repository.js'
import { partnershipScope } from '../plugins/access.repository.js'
import { prioritySpec } from '../modules/priorities/priorities.repository.js'
import * as kit from '../modules/resource/resource.repository.js'
import { overlappingTargets, targetSpec } from '../modules/targets/targets.repository.js'
import { themeSpec } from '../modules/themes/themes.repository.js'

const OUT = path.resolve(import.meta.dirname, '../queries')
const P = '00000000-0000-4000-8000-00000000000p'
const X = '00000000-0000-4000-8000-00000000000x'
const actor = { subject: 'someone', requestId: 'request' }

const sent: string[] = []
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  plugins: [new CamelCasePlugin()],
  log: (event) => {
    if (event.level === 'query') sent.push(event.query.sql)
  },
}) as Db

type Entry = [name: string, run: () => Promise<unknown>]

function kitQueries(spec: kit.TableSpec<kit.ResourceTable>): Entry[] {
  const scope = { partnershipId: P, yearStartMonth: 4, ...(spec.parent ? { parentId: X } : {}) }
  const [first] = Object.keys(spec.sorts)
  return [
    [`${spec.table}: list, default sort`, () => kit.listRecords(db, spec, scope, {}, [])],
    [
      `${spec.table}: list, descending, text search, a page on`,
      () => kit.listRecords(db, spec, scope, { sort: `-${first}`, q: 'x' }, []),
    ],
    [`${spec.table}: read one`, () => kit.findRecord(db, spec, scope, X)],
    [`${spec.table}: read one to change it`, () => kit.findRecord(db, spec, scope, X, true)],
    [
      `${spec.table}: insert`,
      () => kit.insertRecord(db, spec, scope, Object.fromEntries(spec.columns.map((c) => [c, null]))),
    ],
    [
      `${spec.table}: update`,
      () => kit.updateRecord(db, spec, scope, X, Object.fromEntries(spec.columns.map((c) => [c, null]))),
    ],
    [`${spec.table}: delete`, () => kit.deleteRecord(db, spec, scope, X)],
  ]
}

const columns = () => ({
  ...measurements.emptyColumns(),
  row: [1],
  indicatorId: [X],
  areaId: [X],
  period: ['2010-04'],
  periodStart: ['2010-04-01'],
  periodEnd: ['2010-04-30'],
  value: ['1'],
})
const key = { indicatorId: X, areaId: X, period: '2010-04' }

const FILES: Record<string, Entry[]> = {
  'resource.repository.sql': [
    areaSpec,
    agencySpec,
    prioritySpec,
    objectiveSpec,
    themeSpec,
    indicatorSpec,
    targetSpec,
    commentarySpec,
    groupSpec,
    memberSpec,
    actionSpec,
    milestoneSpec,
    progressSpec,
    streamSpec,
    allocationSpec,
    bidSpec,
    evaluationSpec,
    paymentSpec,
    riskSpec,
    assessmentSpec,
    feeds.feedMappingSpec,
    benchmarking.populationSpec,
    benchmarking.peerGroupSpec,
    benchmarking.peerMemberSpec,
    benchmarking.peerFigureSpec,
  ].flatMap((s) => kitQueries(s as kit.TableSpec<kit.ResourceTable>)),
  'measurements.repository.sql': [
    ['upsert a chunk of counts', () => measurements.upsertMeasurements(db, P, 'someone', columns())],
    [
      'upsert a chunk with statuses, numerators and sources',
      () =>
        measurements.upsertMeasurements(db, P, 'someone', {
          ...columns(),
          numerator: ['1'],
          denominator: ['2'],
          status: ['validated'],
          source: ['feed'],
        }),
    ],
    ['read one', () => measurements.findMeasurement(db, P, key)],
    ['revisions of one', () => measurements.listRevisions(db, P, key)],
    ['delete one, keeping its value', () => measurements.deleteMeasurement(db, P, X, 'someone')],
    [
      'list a page',
      () =>
        measurements.listMeasurements(db, P, {
          indicatorId: X,
          from: '2010-04-01',
          limit: 50,
          after: { periodStart: '2010-04-01', id: X },
        }),
    ],
    ['export a page', () => measurements.exportPage(db, P, { limit: 5000 })],
    ['names a batch may use', () => measurements.lookups(db, P)],
  ],
  'evaluation.repository.sql': [
    [
      'everything a whole-partnership evaluation reads',
      () => evaluationData(db, P, 4, { from: '2009-03-01', yearsFrom: '2007-03-01', to: '2011-03-31' }),
    ],
    [
      'the same for one indicator (a series)',
      () => evaluationData(db, P, 4, { from: '2009-03-01', yearsFrom: '2007-03-01', to: '2011-03-31' }, X),
    ],
    ['latest commentary', () => latestCommentary(db, P, '2011-03-31')],
    ['latest public commentary', () => latestCommentary(db, P, '2011-03-31', undefined, true)],
    ['priority names', () => priorityNames(db, P)],
  ],
  'feeds.repository.sql': [
    ["a mapping's lookup", () => feeds.listLocations(db, P, X)],
    ['its lookup replaced', () => feeds.replaceLocations(db, P, X, { codes: ['E01026007'], areaIds: [X] })],
    ['the same file imported before', () => feeds.sameFile(db, P, X, 'sha')],
    ['a page of imports', () => feeds.listImports(db, P, X, { limit: 50, before: { createdAt: '2010-05-01', id: X } })],
  ],
  'benchmarking.repository.sql': [
    ['groups and their members on a day', () => benchmarking.membersOn(db, P, '2011-03-31')],
    ['one group on a day', () => benchmarking.membersOn(db, P, '2011-03-31', X)],
    [
      "counts within a window, ours and the peers'",
      () => benchmarking.windowFigures(db, P, [X], { start: '2010-04-01', end: '2011-03-31' }),
    ],
    ['populations of codes', () => benchmarking.populationsOf(db, P, ['E07000137'])],
    [
      'upsert a chunk of populations',
      () =>
        benchmarking.upsertPopulations(db, P, { code: ['E07000137'], year: [2010], population: [1], source: [null] }),
    ],
    [
      'upsert a chunk of peer figures',
      () =>
        benchmarking.upsertPeerFigures(db, P, 'someone', {
          indicatorId: [X],
          code: ['E07000137'],
          period: ['2010-04'],
          periodStart: ['2010-04-01'],
          periodEnd: ['2010-04-30'],
          value: ['1'],
          source: [null],
        }),
    ],
  ],
  'other.repository.sql': [
    ['partnership by slug, for every request', () => partnershipScope(db, 'east-lincolnshire')],
    ['a batch claims its idempotency key', () => batch.claimIdempotencyKey(db, P, 'someone', 'k')],
    ['and stores its answer under it', () => batch.storeIdempotentAnswer(db, P, 'someone', 'k', 'hash', 200, {})],
    ['targets overlapping a year', () => overlappingTargets(db, P, X, X, { start: '2010-04-01', end: '2011-03-31' })],
    ['comment history', () => commentaryHistory(db, P, X)],
    [
      'audit event',
      () =>
        recordAudit(db, actor, {
          partnershipId: P,
          action: 'create',
          resourceType: 'area',
          resourceId: X,
          before: null,
          after: {},
        }),
    ],
    [
      'audit trail page',
      () => listAuditEvents(db, P, { limit: 100, after: ['2010-04-06T09:30:00.000Z', 10], resourceType: 'area' }),
    ],
  ],
}

async function render(entries: Entry[]): Promise<string> {
  const parts = ['-- Generated by npm run sql: the statements as Kysely compiles them. Do not edit.']
  for (const [name, run] of entries) {
    sent.length = 0
    // The dummy database answers no rows, which some functions refuse; the statements are sent by then.
    await run().catch(() => undefined)
    parts.push(`-- ${name}\n${sent.map((s) => `${s.trim().replace(/\s+/g, ' ')};`).join('\n')}`)
  }
  return `${parts.join('\n\n')}\n`
}

const check = process.argv.includes('--check')
let stale = 0
await fs.mkdir(OUT, { recursive: true })
for (const [file, entries] of Object.entries(FILES)) {
  const text = await render(entries)
  const target = path.join(OUT, file)
  if (!check) await fs.writeFile(target, text)
  else if ((await fs.readFile(target, 'utf8').catch(() => '')) !== text) {
    stale += 1
    process.stderr.write(`src/queries/${file} differs from the queries as compiled now: run npm run sql\n`)
  }
}
if (!check) process.stdout.write(`wrote ${Object.keys(FILES).length} files to src/queries\n`)
process.exitCode = stale === 0 ? 0 : 1
