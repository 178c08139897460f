import { once } from 'node:events'
import ExcelJS from 'exceljs'
import t from 'tap'
import { XLSX_TYPE } from '../../src/http/xlsx.js'
import { loadDemo } from '../../src/modules/demo/demo.service.js'
import { buildTestApp, demoIndicatorOf, demoRowOf, issuedRoundOf, secondInstance, setPublicView } from '../helper.js'

const EL = 'east-lincolnshire'

/** Until every heavy-read thread is ready (a thread builds its own app first). */
async function threadsReady(app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<void> {
  for (let i = 0; i < 600 && !app.heavyThreads.threads.every((thread) => thread.ready); i++)
    await new Promise((resolve) => setTimeout(resolve, 50))
}

/** A workbook's cells, sheet by sheet, without the time it was made. */
async function cells(body: Buffer): Promise<unknown> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(body as unknown as ArrayBuffer)
  return book.worksheets.map((sheet) =>
    sheet.getSheetValues().filter((row) => !(Array.isArray(row) && row[1] === 'Made')),
  )
}

/**
 * What of an answer must be the same wherever it was made: a PDF's creation time and file id, a workbook's
 * time (its zip's and its first sheet's), and a request's id, are its own.
 */
const comparable = async (res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }) => ({
  statusCode: res.statusCode,
  type: res.headers['content-type'],
  etag: res.headers.etag,
  disposition: res.headers['content-disposition'],
  body:
    res.headers['content-type'] === XLSX_TYPE
      ? await cells(res.rawPayload)
      : res.rawPayload
          .toString('latin1')
          .replace(/\(D:\d{14}Z\)/g, '')
          .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/, '')
          .replace(/"requestId":"[^"]+"/, ''),
})

t.test('heavy reads are answered by a thread exactly as the main thread answers them', async (t) => {
  const ctx = await buildTestApp(t, { HEAVY_READ_THREADS: '1' })
  // The same database, with no thread: the main thread answers everything.
  const plain = await secondInstance(t, ctx, { HEAVY_READ_MAX: '0' })
  await loadDemo(ctx.db)
  await threadsReady(ctx.app)
  t.equal(ctx.app.heavyThreads.threads.length, 1)
  t.equal(plain.heavyThreads.threads.length, 0)
  const round = await issuedRoundOf(ctx, EL)
  const group = await demoRowOf(ctx, EL, 'peerGroup')
  const ni16 = await demoIndicatorOf(ctx, EL, 'NI 16')
  const at = `indicatorId=${ni16}&period=FY2009-10`
  // Every heavy read of the contract, as the demo can answer it: a new one fails here until it is listed.
  const asked: Record<string, string[]> = {
    '/partnerships/{partnership}/returns/overdue': ['?asOf=2010-10-31', '?asOf=2010-10-31&format=csv'],
    '/partnerships/{partnership}/returns/completeness': ['?asOf=2010-10-31', '?asOf=2010-10-31&format=csv'],
    '/partnerships/{partnership}/validation-rules/check': ['?from=2010-04&to=2010-09'],
    '/partnerships/{partnership}/rounds/{id}/missing': [''],
    '/partnerships/{partnership}/rounds/{id}/exceptions': [''],
    '/partnerships/{partnership}/rounds/{id}/changes': [''],
    '/partnerships/{partnership}/rounds/{id}/report': ['', '?format=csv', '?format=html', '?format=pdf'],
    '/partnerships/{partnership}/peer-groups/{id}/comparison': [`?${at}`, `?${at}&format=csv`, `?${at}&format=xlsx`],
    '/partnerships/{partnership}/peer-groups/{id}/funnel.svg': [`?${at}`],
    '/partnerships/{partnership}/evaluation': ['?period=2010-09', '?period=2010-09&rag=red'],
    '/partnerships/{partnership}/reports/exceptions': [
      '?period=2010-09',
      '?period=2010-09&format=csv',
      '?period=2010-09&format=xlsx',
    ],
    '/partnerships/{partnership}/reports/performance': ['?period=2010-09', '?period=2010-09&format=csv'],
    '/overview': [`?period=2010-09&partnerships=${EL},peterborough`, '?period=2010-09&partnerships=nowhere'],
    '/public/{partnership}/evaluation': ['?period=2010-09'],
    '/public/{partnership}/rounds/{id}': [''],
  }
  await setPublicView(ctx, EL, true)
  const headers = await ctx.as('viewer', EL, {
    memberships: [
      { partnership: EL, role: 'viewer' },
      { partnership: 'peterborough', role: 'viewer' },
    ],
  })
  const contract = ctx.app.swagger() as { paths: Record<string, Record<string, { 'x-heavy'?: boolean }>> }
  const heavyReads = Object.entries(contract.paths).filter(([, ops]) => ops.get?.['x-heavy'] === true)
  t.ok(heavyReads.length >= 13, `${heavyReads.length} heavy reads in the contract`)
  for (const [path] of heavyReads) {
    const queries = asked[path]
    if (queries === undefined) {
      t.fail(`${path} is a heavy read this test does not ask`)
      continue
    }
    const url = path.replace('{partnership}', EL).replace('{id}', path.includes('/rounds/') ? round : group)
    for (const query of queries) {
      const before = ctx.app.heavyThreads.answered.count
      const threaded = await ctx.app.inject({ method: 'GET', url: `${url}${query}`, headers })
      t.equal(ctx.app.heavyThreads.answered.count, before + 1, `${url}${query}: the thread answered`)
      const direct = await plain.inject({ method: 'GET', url: `${url}${query}`, headers })
      t.same(await comparable(threaded), await comparable(direct), `${path}${query}: the same answer`)
    }
  }
  // What the thread answers carries the id the caller sees, in its headers and in a problem's body.
  const missing = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/${EL}/peer-groups/${ni16}/comparison?${at}`,
    headers,
  })
  t.equal(missing.statusCode, 404)
  t.equal(missing.json().requestId, missing.headers['x-request-id'], 'one request id, whichever thread answered')
  // A HEAD is answered as its GET's headers.
  const head = await ctx.app.inject({ method: 'HEAD', url: `/partnerships/${EL}/evaluation?period=2010-09`, headers })
  t.equal(head.statusCode, 200)
  t.equal(head.body, '')
  // Another partnership's data stays another's: the thread's app checks access from the token again.
  const stranger = await ctx.as('viewer', 'peterborough')
  const refused = await ctx.app.inject({
    method: 'GET',
    url: `/partnerships/${EL}/evaluation?period=2010-09`,
    headers: stranger,
  })
  t.equal(refused.statusCode, 404)
})

t.test('a thread that stops is replaced; meanwhile the main thread answers', async (t) => {
  const ctx = await buildTestApp(t, { HEAVY_READ_THREADS: '1' })
  await loadDemo(ctx.db)
  await threadsReady(ctx.app)
  const headers = await ctx.as('viewer', EL)
  const ask = () => ctx.app.inject({ method: 'GET', url: `/partnerships/${EL}/evaluation?period=2010-09`, headers })
  const [thread] = ctx.app.heavyThreads.threads
  const first = thread!.worker
  const exited = once(first, 'exit')
  await first.terminate()
  await exited
  const meanwhile = await ask()
  t.equal(meanwhile.statusCode, 200, 'answered on the main thread while the new thread starts')
  await threadsReady(ctx.app)
  t.not(thread!.worker, first, 'a new thread took its place')
  const before = ctx.app.heavyThreads.answered.count
  t.equal((await ask()).statusCode, 200)
  t.equal(ctx.app.heavyThreads.answered.count, before + 1, 'and answers again')
})
