import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import t from 'tap'
import { loadDemo } from '../../src/modules/demo/demo.service.js'
import { headingOf, XLSX_TYPE } from '../../src/http/xlsx.js'
import { alphaWithNi20, buildTestApp } from '../helper.js'

const read = async (body: Buffer) => {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(body as unknown as ArrayBuffer)
  return book
}

t.test("the reports as Excel workbooks: the CSV's rows, numbers as numbers, RAG in colour and words", async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  const headers = await ctx.as('viewer', 'east-lincolnshire')
  const url = '/partnerships/east-lincolnshire/reports/exceptions?period=2010-09'
  const csv = await ctx.app.inject({ url: `${url}&format=csv`, headers })
  const answer = await ctx.app.inject({ url, headers: { ...headers, accept: XLSX_TYPE } })
  t.equal(answer.statusCode, 200)
  t.equal(answer.headers['content-type'], XLSX_TYPE)
  t.match(answer.headers['content-disposition'], /attachment; filename="east-lincolnshire-exceptions-2010-09\.xlsx"/)
  const byFormat = await ctx.app.inject({ url: `${url}&format=xlsx`, headers })
  t.equal(byFormat.headers['content-type'], XLSX_TYPE, 'format=xlsx asks for it too')

  const book = await read(answer.rawPayload)
  t.same(
    book.worksheets.map((s) => s.name),
    ['About', 'Exception report'],
  )
  const about = Object.fromEntries(
    book
      .getWorksheet('About')!
      .getSheetValues()
      .slice(3)
      .map((row) => (row as unknown[]).slice(1, 3)),
  ) as Record<string, string>
  t.match(about, {
    Partnership: 'East Lincolnshire Community Safety Partnership',
    Period: '2010-09 (Sep 2010)',
    'As of': '2010-09-30',
    Source: `Safer Partnerships API: GET ${url}`,
  })

  const sheet = book.getWorksheet('Exception report')!
  t.match(sheet.views[0], { state: 'frozen', ySplit: 1 }, 'the header row stays in view')
  const rows = parse(csv.body, { bom: true }) as string[][]
  const header = rows[0]!
  t.same((sheet.getRow(1).values as unknown[]).slice(1), header.map(headingOf), "the CSV's columns, in words")
  t.equal(sheet.getRow(1).getCell(header.indexOf('relative_variance_percent') + 1).value, 'Relative variance %')
  t.equal(sheet.rowCount, rows.length, "and the CSV's rows")
  t.ok(rows.length > 10, `${rows.length - 1} exceptions`)
  const column = (name: string) => header.indexOf(name) + 1
  for (const [i, line] of rows.slice(1).entries()) {
    const row = sheet.getRow(i + 2)
    const actual = row.getCell(column('actual'))
    if (line[column('actual') - 1] !== '') {
      t.equal(typeof actual.value, 'number', `row ${i + 2}: the actual is a number`)
      t.equal(actual.value, Number(line[column('actual') - 1]), 'the same figure')
    }
    t.equal(row.getCell(column('period')).value, line[column('period') - 1], 'the period is text, as written')
    const rag = row.getCell(column('rag'))
    t.equal(rag.value, line[column('rag') - 1], 'the RAG in words')
    const fill = rag.fill as ExcelJS.FillPattern
    t.equal(
      fill.fgColor?.argb,
      { green: 'FF1A7F37', amber: 'FFBF8700', red: 'FFCF222E', grey: 'FF8C959F' }[String(rag.value)],
      'and in its colour',
    )
  }
})

t.test('money in a workbook is a number in pounds; every report that offers CSV offers a workbook', async (t) => {
  const ctx = await buildTestApp(t)
  await loadDemo(ctx.db)
  const headers = await ctx.as('viewer', 'charnwood')
  const streams = (await ctx.app.inject({ url: '/partnerships/charnwood/funding-streams', headers })).json().items
  const ssc = streams.find((s: { name: string }) => s.name.startsWith('Safer and Stronger'))
  const answer = await ctx.app.inject({
    url: `/partnerships/charnwood/funding-streams/${ssc.id}/statement?format=xlsx`,
    headers,
  })
  t.equal(answer.statusCode, 200, answer.body.slice(0, 200))
  const sheet = (await read(answer.rawPayload)).getWorksheet('Funding statement')!
  const total = sheet.getRow(sheet.rowCount)
  t.equal(total.getCell(1).value, 'Total')
  t.equal(total.getCell(3).value, 96351, 'the stream allocated to the penny (seed 002): £96,351.00, as a number')
  t.match(total.getCell(3).numFmt, /^£#,##0\.00/, 'shown in pounds and pence')

  // The contract offers the workbook wherever a report offers CSV for analysts to take into Excel.
  const contract = ctx.app.swagger() as unknown as {
    paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: object }> }>>
  }
  const offering = Object.values(contract.paths)
    .flatMap((ops) => Object.values(ops))
    .filter((op) => XLSX_TYPE in (op.responses?.['200']?.content ?? {}))
    .map((op) => op.operationId)
    .sort()
  t.same(offering, [
    'actionPlan',
    'comparePeerGroup',
    'exceptionReport',
    'fundingDecisionsReport',
    'fundingStreamStatement',
    'listMeasurements',
    'performanceReport',
    'riskRegisterReport',
  ])
})

t.test('the measurements as a workbook: every row the filters take, streamed, as the CSV has them', async (t) => {
  const ctx = await buildTestApp(t)
  const { admin, post } = await alphaWithNi20(ctx, '100')
  for (const code of ['E05000001', 'E05000002', 'E05000003'])
    await post('areas', { name: `Ward ${code}`, type: 'ward', code })
  // 6,000 figures, so the workbook is written from more than one page of the export (5,000 rows).
  const months = (n: number) =>
    Array.from({ length: n }, (_, i) => `${1900 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`)
  const csvRows = ['E07000136', 'E05000001', 'E05000002', 'E05000003'].flatMap((area) =>
    months(1500).map(
      (period, i) => `NI 20,${area},${period},${1000 + (i % 7)},,,${i % 2 ? 'validated' : 'provisional'}`,
    ),
  )
  const bulk = await ctx.app.inject({
    method: 'POST',
    url: '/partnerships/alpha/measurements/bulk',
    headers: { ...admin, 'content-type': 'text/csv' },
    payload: `indicator,area,period,value,numerator,denominator,status\n${csvRows.join('\n')}\n`,
  })
  t.equal(bulk.statusCode, 200, bulk.body.slice(300, 900))

  const headers = await ctx.as('viewer', 'alpha')
  const url = '/partnerships/alpha/measurements?sort=-period'
  const csv = await ctx.app.inject({ url: `${url}&format=csv`, headers })
  const answer = await ctx.app.inject({ url, headers: { ...headers, accept: XLSX_TYPE } })
  t.equal(answer.statusCode, 200)
  t.equal(answer.headers['content-type'], XLSX_TYPE)
  t.match(answer.headers['content-disposition'], /filename="alpha-measurements\.xlsx"/)
  t.notOk(answer.headers['content-length'], 'streamed, not made whole first')

  const book = await read(answer.rawPayload)
  t.same(
    book.worksheets.map((s) => s.name),
    ['About', 'Measurements'],
  )
  t.equal(book.getWorksheet('About')!.getCell('A3').value, 'Partnership')
  const sheet = book.getWorksheet('Measurements')!
  t.match(sheet.views[0], { state: 'frozen', ySplit: 1 })
  const rows = parse(csv.body, { bom: true }) as string[][]
  t.equal(rows.length, 6001, 'the CSV: a header and every figure')
  t.equal(sheet.rowCount, rows.length, "the workbook: every row, in the CSV's columns")
  t.same((sheet.getRow(1).values as unknown[]).slice(1), [
    'Indicator',
    'Area',
    'Period',
    'Value',
    'Numerator',
    'Denominator',
    'Status',
    'Source',
    'Reason',
  ])
  for (const i of [1, 2, 4999, 5000, 5001, 6000]) {
    const line = rows[i]!
    const cells = Array.from((sheet.getRow(i + 1).values as unknown[]).slice(1), (c) => c ?? '')
    while (cells.length < line.length) cells.push('')
    t.equal(cells[2], line[2], `row ${i}: the period as text`)
    t.equal(cells[3], Number(line[3]), `row ${i}: the value as a number`)
    t.same(cells.map(String), line, `row ${i}: the CSV's row`)
  }
  t.equal(sheet.getRow(2).getCell(4).numFmt, '#,##0', 'a whole number, grouped in thousands')

  const filter = '&status=validated'
  const validated = await read((await ctx.app.inject({ url: `${url}${filter}&format=xlsx`, headers })).rawPayload)
  t.equal(validated.getWorksheet('Measurements')!.rowCount, 3001, 'the filters hold')
  const bad = await ctx.app.inject({ url: `${url}&from=2011-01&to=2010-01&format=xlsx`, headers })
  t.equal(bad.statusCode, 400, 'a window the service cannot read is refused before anything is sent')
  t.equal(bad.json().code, 'MEASUREMENT.RANGE')
})
