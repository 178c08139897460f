import { parse } from 'csv-parse/sync'
import t from 'tap'
import { loadDemo } from '../../src/modules/demo/demo.service.js'
import { buildTestApp, demoIndicatorOf, demoRowOf, issuedRoundOf } from '../helper.js'

type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema?: object }> }> }

/** One style for every CSV's header, the one programs read without quoting: snake_case. */
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/

t.test('every CSV names its columns in the contract, in snake_case, and answers with those columns', async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  const contract = ctx.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }
  const declared = new Map<string, { path: string; columns: string[] }>()
  for (const [path, operations] of Object.entries(contract.paths))
    for (const op of Object.values(operations)) {
      const csv = op.responses['200']?.content?.['text/csv']?.schema as { description?: string } | undefined
      if (csv === undefined) continue
      const columns = (csv.description ?? '').split(',')
      t.ok(
        columns.every((c) => SNAKE.test(c)),
        `${op.operationId}: its columns are declared, in snake_case (${csv.description ?? 'none'})`,
      )
      declared.set(op.operationId, { path, columns })
    }

  const EL = 'east-lincolnshire'
  const ni16 = await demoIndicatorOf(ctx, EL, 'NI 16')
  const priority = await ctx.db
    .selectFrom('actionItem')
    .innerJoin('partnership', 'partnership.id', 'actionItem.partnershipId')
    .select('actionItem.priorityId')
    .where('partnership.slug', '=', EL)
    .executeTakeFirstOrThrow()
  // Each CSV of the contract, asked of the demo: a new one fails here until it is listed.
  const asked: Record<string, [string, string]> = {
    listMeasurements: [EL, ''],
    exportMeasurements: [EL, ''],
    overdueReturns: [EL, '?asOf=2010-10-31'],
    returnsCompleteness: [EL, '?asOf=2010-10-31'],
    issuedRoundReport: [EL, ''],
    actionPlan: [EL, '?asOf=2010-06-30'],
    fundingStreamStatement: ['charnwood', ''],
    fundingDecisionsReport: ['charnwood', '?from=2000-01-01&to=2030-12-31'],
    riskRegisterReport: [EL, '?asOf=2010-06-30'],
    getFeedLocations: [EL, ''],
    comparePeerGroup: [EL, `?indicatorId=${ni16}&period=FY2009-10`],
    exceptionReport: [EL, '?period=2010-09'],
    performanceReport: [EL, '?period=2010-09'],
  }
  t.same([...declared.keys()].sort(), Object.keys(asked).sort(), 'every CSV operation is asked')
  const ids: Record<string, () => Promise<Record<string, string>>> = {
    issuedRoundReport: async () => ({ id: await issuedRoundOf(ctx, EL) }),
    actionPlan: async () => ({ priorityId: priority.priorityId }),
    fundingStreamStatement: async () => ({ id: await demoRowOf(ctx, 'charnwood', 'fundingStream') }),
    getFeedLocations: async () => ({ mappingId: await demoRowOf(ctx, EL, 'feedMapping') }),
    comparePeerGroup: async () => ({ id: await demoRowOf(ctx, EL, 'peerGroup') }),
  }
  for (const [operationId, { path, columns }] of declared) {
    const [slug, query] = asked[operationId] ?? [EL, '']
    const params: Record<string, string> = { partnership: slug, ...(await ids[operationId]?.()) }
    const url = path.replace(/\{(\w+)\}/g, (_, name: string) => params[name]!) + query
    const answer = await ctx.app.inject({ url, headers: { ...(await ctx.as('admin', slug)), accept: 'text/csv' } })
    t.equal(answer.statusCode, 200, `${operationId}: ${url}`)
    t.match(answer.headers['content-type'], /^text\/csv/, `${operationId}: CSV for Accept: text/csv`)
    const rows = parse(answer.body, { bom: true, relax_column_count: true }) as string[][]
    t.same(rows[0], columns, `${operationId}: the header is the columns the contract declares`)
    // The demo decides no bid (the funding tests read that report's rows); every other CSV has some.
    t.equal(rows.length > 1, operationId !== 'fundingDecisionsReport', `${operationId}: ${rows.length - 1} rows`)
    t.ok(
      rows.slice(1).every((row) => row.length === columns.length),
      `${operationId}: each row of ${columns.length} cells`,
    )
  }
})
