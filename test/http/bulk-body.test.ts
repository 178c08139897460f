import { Readable } from 'node:stream'
import t from 'tap'
import { MAX_ROW_BYTES, readBulkBody, UnreadableRow } from '../../src/http/bulk-body.js'

/** The body in pieces of `size` bytes, as a slow network delivers it. */
function pieces(text: string | Buffer, size: number): Readable {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text)
  return Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size)
    })(),
  )
}

const limits = { bytes: 1 << 30, idleMs: 5000 }
async function rows(body: Readable, mediaType: string): Promise<unknown[]> {
  const out: unknown[] = []
  for await (const row of readBulkBody(body, mediaType, '/bulk', limits).rows)
    out.push(row instanceof UnreadableRow ? `unreadable: ${row.reason}` : row)
  return out
}

t.test('a JSON array is read element by element, whatever the pieces', async (t) => {
  const text =
    '\ufeff [ {"a": "x]}\\"{[", "b": [1, {"c": null}]}, "text, with ] brackets", 12.5e1 ,true,null, [], {} ]  '
  const expected = [{ a: 'x]}"{[', b: [1, { c: null }] }, 'text, with ] brackets', 125, true, null, [], {}]
  for (const size of [1, 2, 3, 7, 64, 4096])
    t.same(await rows(pieces(text, size), 'application/json'), expected, `in ${size}-byte pieces`)
  t.same(await rows(pieces('[]', 1), 'application/json'), [], 'an empty array')
  t.same(
    await rows(pieces('[{"a":1,}, {"b":2}]', 3), 'application/json'),
    ['unreadable: is not valid JSON', { b: 2 }],
    'a malformed element is refused as its row, the others stand',
  )
  t.same(
    await rows(pieces('["é", "日本"]', 1), 'application/json'),
    ['é', '日本'],
    'multi-byte characters split across pieces',
  )
})

t.test('a body that is not one JSON array is refused whole', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['', /an array of rows/],
    ['{"indicator": "NI 20"}', /an array of rows/],
    ['[{"a":1} {"b":2}]', /must follow each row/],
    ['[{"a":1}', /not complete/],
    ['[{"a":1}] [{"b":2}]', /more than one JSON array/],
    ['[1, 2', /not complete/],
  ]
  for (const [body, message] of cases) {
    await t.rejects(
      rows(pieces(body, 2), 'application/json'),
      { code: 'BATCH.MALFORMED', message },
      JSON.stringify(body),
    )
  }
})

t.test('a row past the length limit is refused as its row and dropped as it arrives', async (t) => {
  const long = 'x'.repeat(MAX_ROW_BYTES + 10)
  const json = `[{"a":1}, {"note": "${long}"}, {"b":2}]`
  t.same(
    await rows(pieces(json, 1000), 'application/json'),
    [{ a: 1 }, `unreadable: is longer than ${MAX_ROW_BYTES} bytes`, { b: 2 }],
    'JSON',
  )
  const ndjson = `{"a":1}\n{"note": "${long}"}\n\n{"b":2}\n   \n`
  t.same(
    await rows(pieces(ndjson, 1000), 'application/x-ndjson'),
    [{ a: 1 }, `unreadable: is longer than ${MAX_ROW_BYTES} bytes`, { b: 2 }],
    'NDJSON; blank lines are not rows',
  )
  t.same(
    await rows(pieces(`{"a":1}\n${long}`, 999), 'application/x-ndjson'),
    [{ a: 1 }, `unreadable: is longer than ${MAX_ROW_BYTES} bytes`],
    'an over-long last line without a newline',
  )
  await t.rejects(
    rows(pieces(`indicator,area\nNI 20,"${long}"\n`, 1000), 'text/csv'),
    { code: 'BATCH.MALFORMED' },
    'CSV: a record past the limit (an unclosed quote reads on) refuses the body',
  )
})

t.test('NDJSON lines split across pieces, with CRLF and multi-byte text', async (t) => {
  const text = '{"a":"é"}\r\n{"b":"日本"}\nnot json\n{"c":3}'
  for (const size of [1, 5, 4096])
    t.same(
      await rows(pieces(text, size), 'application/x-ndjson'),
      [{ a: 'é' }, { b: '日本' }, 'unreadable: is not valid JSON', { c: 3 }],
      `in ${size}-byte pieces`,
    )
})

t.test('a body that stops arriving ends the request', async (t) => {
  const stalled = new Readable({ read() {} })
  stalled.push('indicator,area,period,value\n')
  const started = Date.now()
  await t.rejects(rows(stalled, 'text/csv'), { code: 'REQUEST.TIMEOUT' }, 'CSV')
  const json = new Readable({ read() {} })
  json.push('[{"a":1},')
  const body = readBulkBody(json, 'application/json', '/bulk', { bytes: 1 << 20, idleMs: 200 })
  const seen: unknown[] = []
  await t.rejects(
    (async () => {
      for await (const row of body.rows) seen.push(row)
    })(),
    { code: 'REQUEST.TIMEOUT', message: /nothing came for 0.2 s/ },
  )
  t.same(seen, [{ a: 1 }], 'the rows that did arrive were read first')
  t.ok(Date.now() - started >= 200, 'after the idle time')
})
