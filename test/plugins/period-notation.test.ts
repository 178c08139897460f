import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import t from 'tap'
import { XLSX_TYPE } from '../../src/http/xlsx.js'
import { buildTestApp, partnershipClient } from '../helper.js'

/** A partnership whose year starts in `month`, with Boston and a quarterly count. */
async function partnership(ctx: Awaited<ReturnType<typeof buildTestApp>>, slug: string, month: number) {
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships',
    headers: await ctx.as('superadmin'),
    payload: { slug, name: `${slug} CSP`, financialYearStartMonth: month },
  })
  if (created.statusCode !== 201) throw new Error(created.body)
  const admin = await ctx.as('admin', slug)
  const { post, call } = partnershipClient(ctx, slug, admin)
  const area = (await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })) as { id: string }
  const indicator = (await post('indicators', {
    reference: 'LOCAL Q',
    name: 'Repeat MARAC cases',
    unit: 'count',
    polarity: 'lower_better',
    frequency: 'quarterly',
    aggregation: 'sum',
  })) as { id: string }
  return { admin, call, area, indicator }
}

t.test("every answer prints a quarter as a quarter of the partnership's year; both forms are read", async (t) => {
  const ctx = await buildTestApp(t)
  // July to September 2010: Q2 of an April year, Q3 of a January year; a May year has no quarters of its own.
  const years = [
    { slug: 'april', month: 4, printed: 'FY2010-11-Q2', next: 'FY2010-11-Q3' },
    { slug: 'january', month: 1, printed: 'FY2010-Q3', next: 'FY2010-Q4' },
    { slug: 'may', month: 5, printed: '2010-Q3', next: '2010-Q4' },
  ]
  for (const { slug, month, printed, next } of years) {
    const { admin, call, area, indicator } = await partnership(ctx, slug, month)
    const base = `/partnerships/${slug}/measurements/${indicator.id}/${area.id}`
    const put = (period: string, value: number) =>
      ctx.app.inject({ method: 'PUT', url: `${base}/${period}`, headers: admin, payload: { value } })

    const written = await put('2010-Q3', 12)
    t.equal(written.statusCode, 201, `${slug}: the calendar form is read`)
    t.equal(written.json().period, printed, `${slug}: and printed as ${printed}`)
    const again = await put(printed, 14)
    t.equal(again.statusCode, 200, `${slug}: the printed form names the same figure`)
    t.match(again.json(), { period: printed, revision: 2 })
    t.equal((await put('2010-Q4', 9)).json().period, next)
    await call('POST', 'targets', admin, {
      indicatorId: indicator.id,
      areaId: area.id,
      period: month === 1 ? 'FY2010' : 'FY2010-11',
      targetValue: '40',
    })

    const list = (await call('GET', 'measurements', admin)).json()
    t.same(
      list.items.map((m: { period: string }) => m.period),
      [printed, next],
      `${slug}: the list`,
    )
    const one = (await call('GET', `measurements/${indicator.id}/${area.id}/${printed}`, admin)).json()
    t.equal(one.period, printed, `${slug}: one figure`)

    const csv = (await call('GET', 'measurements?format=csv', admin)).body
    t.same(
      (parse(csv, { bom: true, columns: true }) as Array<{ period: string }>).map((r) => r.period),
      [printed, next],
      `${slug}: the streamed CSV`,
    )
    const xlsx = await ctx.app.inject({
      url: `/partnerships/${slug}/measurements`,
      headers: { ...admin, accept: XLSX_TYPE },
    })
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
    t.equal(book.getWorksheet('Measurements')!.getCell('C2').value, printed, `${slug}: the streamed workbook`)

    const evaluation = await call('GET', `evaluation?period=${printed}&asOf=2011-06-30`, admin)
    t.equal(evaluation.statusCode, 200, evaluation.body.slice(0, 300))
    t.match(evaluation.json(), { period: printed, items: [{ evaluation: { period: printed } }] }, `${slug}: evaluation`)
    const travel = (await call('GET', `evaluation?period=${next}&asOf=2011-06-30`, admin)).json().items[0].evaluation
      .travel
    t.match(travel.previousPeriod, { against: printed }, `${slug}: the quarter a change is measured against`)
    const report = await call('GET', `reports/performance?period=${printed}&asOf=2011-06-30&format=csv`, admin)
    const rows = parse(report.body, { bom: true, columns: true }) as Array<Record<string, string>>
    t.match(rows, [{ period: printed, evaluated_period: printed }], `${slug}: the report's CSV`)
    t.match(
      report.headers['content-disposition'],
      `filename="${slug}-performance-${printed}.csv"`,
      `${slug}: its file name`,
    )
    const workbook = await ctx.app.inject({
      url: `/partnerships/${slug}/reports/performance?period=${printed}&asOf=2011-06-30&format=xlsx`,
      headers: admin,
    })
    const sheets = new ExcelJS.Workbook()
    await sheets.xlsx.load(workbook.rawPayload as unknown as ArrayBuffer)
    const sheet = sheets.getWorksheet('Performance report')!
    const header = (sheet.getRow(1).values as unknown[]).slice(1)
    t.equal(sheet.getRow(2).getCell(header.indexOf('Period') + 1).value, printed, `${slug}: the report's workbook`)
    t.match(
      String(sheets.getWorksheet('About')!.getCell('B4').value),
      new RegExp(`^${printed} \\(Jul-Sep 2010\\)`),
      `${slug}: and its first sheet`,
    )
  }
})
