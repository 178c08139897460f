import fs from 'node:fs/promises'
import path from 'node:path'
import t from 'tap'

/**
 * No SQL is built from input: values always travel as bound parameters (Kysely's builder or its sql``
 * tag), and the few identifiers spliced in come from code (table specs), never from a request.
 */
const ROOT = path.resolve(import.meta.dirname, '../../src')

async function sources(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? sources(path.join(dir, e.name))
        : Promise.resolve(e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []),
    ),
  )
  return nested.flat()
}

const RULES: Array<[string, RegExp]> = [
  ['sql.raw splices text into SQL', /sql\.raw\s*\(/],
  ['a template literal with ${} passed to query() splices values into SQL', /\.query\s*\(\s*`[^`]*\$\{/],
  ['string concatenation passed to query()', /\.query\s*\(\s*['"][^'"]*['"]\s*\+/],
  ['sql.lit with anything but a literal', /sql\.lit\s*\(\s*[^)\d'"\s]/],
  ['an identifier spliced from a request', /sql\.(ref|table|id)\s*\([^)]*\b(request|body|query|params|input)\b/],
]

t.test('no SQL built from input anywhere in src/', async (t) => {
  const files = await sources(ROOT)
  t.ok(files.length > 40, `${files.length} source files read`)
  for (const file of files) {
    const text = await fs.readFile(file, 'utf8')
    for (const [why, pattern] of RULES) {
      const line = text.split('\n').findIndex((l) => pattern.test(l))
      t.equal(line, -1, `${path.relative(ROOT, file)}${line === -1 ? '' : `:${line + 1}`}: ${why}`)
    }
  }
})

t.test('the rules catch what they are meant to', async (t) => {
  const caught = (code: string) => RULES.filter(([, pattern]) => pattern.test(code)).map(([why]) => why)
  t.equal(caught('sql.raw(`select * from ${table}`)').length, 1)
  t.equal(caught("pool.query(`select * from area where name = '${name}'`)").length, 1)
  t.equal(caught("client.query('select * from area where id = ' + id)").length, 1)
  t.equal(caught('sql.lit(request.query.limit)').length, 1)
  t.same(caught('sql.ref(request.query.sort)'), ['an identifier spliced from a request'])
  t.same(caught('sql`select * from area where id = ${id}`'), [], 'the sql tag binds its values')
  t.same(caught('sql.lit(1)'), [])
})
