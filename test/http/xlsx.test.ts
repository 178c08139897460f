import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import t from 'tap'
import { loadDemo } from '../../src/modules/demo/demo.service.js'
import { XLSX_TYPE } from '../../src/http/xlsx.js'
import { buildTestApp } from '../helper.js'

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
  t.same((sheet.getRow(1).values as unknown[]).slice(1), header, "the CSV's columns")
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
    'performanceReport',
    'riskRegisterReport',
  ])
})
