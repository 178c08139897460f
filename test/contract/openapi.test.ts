import { Ajv } from 'ajv'
import formats from 'ajv-formats'
import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildTestApp, seedPartnerships } from '../helper.js'

const run = promisify(execFile)

interface ResponseDoc {
  description?: string
  'x-problem-codes'?: string[]
  content?: Record<string, { schema: object; example?: { code: string } }>
}
const committedPath = path.resolve('openapi/openapi.json')

t.test('the committed contract is the one the app serves', async (t) => {
  const ctx = await buildTestApp(t)
  const committed = await fs.readFile(committedPath, 'utf8')
  const served = `${JSON.stringify(ctx.app.swagger(), null, 2)}\n`
  t.equal(committed, served, 'openapi/openapi.json is up to date (run npm run openapi)')
  const res = await ctx.app.inject({ method: 'GET', url: '/openapi.json' })
  t.same(res.json(), JSON.parse(committed), 'GET /openapi.json serves it')

  const doc = JSON.parse(committed)
  t.equal(doc.openapi, '3.1.0')
  for (const [route, item] of Object.entries<
    Record<string, { operationId?: string; responses: Record<string, unknown> }>
  >(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      t.ok(op.operationId, `${method} ${route} has an operationId`)
      const statuses = Object.keys(op.responses)
      t.ok(
        statuses.some((s) => s.startsWith('2')),
        `${method} ${route} declares a success response`,
      )
    }
  }
})

t.test('every parameter of every operation is described', async (t) => {
  const doc = JSON.parse(await fs.readFile(committedPath, 'utf8')) as {
    paths: Record<
      string,
      Record<
        string,
        { parameters?: Array<{ in: string; name: string; description?: string; schema?: { description?: string } }> }
      >
    >
  }
  const bare = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).flatMap(([method, op]) =>
      (op.parameters ?? [])
        .filter((p) => (p.description ?? p.schema?.description ?? '') === '')
        .map((p) => `${method.toUpperCase()} ${path}: ${p.in} ${p.name}`),
    ),
  )
  t.same(bare, [], 'no parameter without a description')
  const idOf = doc.paths['/partnerships/{partnership}/areas/{id}']!.get!.parameters!.find((p) => p.name === 'id')
  t.equal(idOf?.description, "The area's id")
})

t.test('every problem answer shows an example of its own status and one of its codes', async (t) => {
  const doc = JSON.parse(await fs.readFile(committedPath, 'utf8')) as {
    paths: Record<string, Record<string, { responses: Record<string, ResponseDoc & Record<string, unknown>> }>>
  }
  const wrong: string[] = []
  let problems = 0
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods))
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue
        problems += 1
        const example = (
          response.content?.['application/problem+json'] as { example?: { status: number; code: string } }
        )?.example
        const codes = response['x-problem-codes'] as string[]
        if (example?.status !== Number(status) || !codes.includes(example.code))
          wrong.push(`${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(example)}`)
      }
  t.ok(problems > 1000, `${problems} problem answers`)
  t.same(wrong, [])
})

t.test('every GET says what it answers, and every example is valid against its schema', async (t) => {
  const doc = JSON.parse(await fs.readFile(committedPath, 'utf8')) as {
    paths: Record<string, Record<string, { description?: string; responses: Record<string, ResponseDoc> }>>
    components: { schemas: Record<string, { examples?: unknown[] }> }
  }
  const ajv = new Ajv({ strict: false, allErrors: true })
  ;(formats as unknown as { default: typeof formats.default }).default(ajv)
  ajv.addSchema({ $id: 'doc', components: doc.components })
  const validate = (schema: object, example: unknown) =>
    ajv.validate(
      JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as object,
      example,
    )
  let examples = 0
  for (const [name, schema] of Object.entries(doc.components.schemas))
    for (const example of schema.examples ?? []) {
      examples += 1
      t.ok(validate({ $ref: `#/components/schemas/${name}` }, example), `${name}'s example: ${ajv.errorsText()}`)
    }
  for (const [route, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item)) {
      if (method === 'get') t.ok((op.description ?? '').length > 40, `GET ${route} has a description`)
      for (const [status, response] of Object.entries(op.responses)) {
        // Fastify's placeholder for a response schema without a description of its own (issue 28).
        if (response.description === 'Default Response') t.fail(`${method} ${route} ${status} says what it answers`)
        const media = response.content?.['application/problem+json']
        if (media?.example === undefined) continue
        examples += 1
        t.ok(validate(media.schema, media.example), `${method} ${route} ${status}'s example: ${ajv.errorsText()}`)
        t.ok(response['x-problem-codes']?.includes(media.example.code), 'names a code it declares')
      }
    }
  t.ok(examples > 50, `${examples} examples checked`)
})

t.test('the contract lints clean with Redocly', async (t) => {
  const cli = path.resolve('node_modules/@redocly/cli/bin/cli.js')
  const { stdout, stderr } = await run(process.execPath, [cli, 'lint', committedPath, '--format=summary'], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  })
  t.notMatch(`${stdout}${stderr}`, /error\s+\S+: \d+/, 'no lint errors')
})

t.test('a generated client drives the running app', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' })
  const dir = path.resolve('test/contract/.generated')
  await fs.mkdir(dir, { recursive: true })
  // Generated as a client team would, from the repository: `npx openapi-typescript` with no arguments reads
  // redocly.yaml (whose top level must then hold no error the lint-ignore file excuses) and writes the types.
  await run(process.execPath, [path.resolve('node_modules/openapi-typescript/bin/cli.js')], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  })
  await fs.copyFile(path.resolve('openapi/.generated/openapi.d.ts'), path.join(dir, 'openapi.d.ts'))
  // Written here rather than committed: it only compiles against the types generated above.
  await fs.writeFile(
    path.join(dir, 'client.ts'),
    `import createClient from 'openapi-fetch'
import type { paths } from './openapi.js'

const client = createClient<paths>({ baseUrl: process.env.BASE_URL, headers: { authorization: \`Bearer \${process.env.TOKEN}\` } })
const params = { path: { partnership: 'alpha' } }
const created = await client.POST('/partnerships/{partnership}/areas', { params, body: { name: 'Boston', type: 'district', code: 'E07000136' } })
if (created.data === undefined) throw new Error('create failed')
const id: string = created.data.id
const etag = created.response.headers.get('etag') ?? ''
const updated = await client.PATCH('/partnerships/{partnership}/areas/{id}', {
  params: { path: { partnership: 'alpha', id }, header: { 'if-match': etag } },
  body: { name: 'Boston Borough' },
})
const listed = await client.GET('/partnerships/{partnership}/areas', { params: { ...params, query: { sort: '-name', limit: 10 } } })
const refused = await client.POST('/partnerships/{partnership}/areas', { params, body: { name: 'x', type: 'ward', code: 'E07000136' } })
const problemCode: string | undefined = refused.error?.code
// A CSV body as the README shows it: sent as it is, with its type (openapi-fetch would JSON-encode it).
const bulk = await client.POST('/partnerships/{partnership}/populations/bulk', {
  params,
  body: 'code,year,population\\nE07000136,2009,60000\\n',
  bodySerializer: (body) => body as string,
  headers: { 'content-type': 'text/csv' },
})
console.log(JSON.stringify({ name: updated.data?.name, count: listed.data?.items.length, status: refused.response.status, problemCode, bulk: bulk.response.status }))
`,
  )
  const tsc = path.resolve('node_modules/typescript/bin/tsc')
  const compiled = await run(process.execPath, [
    tsc,
    '--noEmit',
    '--strict',
    '--module',
    'NodeNext',
    '--moduleResolution',
    'NodeNext',
    '--target',
    'ES2022',
    '--skipLibCheck',
    path.join(dir, 'client.ts'),
  ]).then(
    () => '',
    (err: { stdout: string }) => err.stdout,
  )
  t.equal(compiled, '', 'the client type-checks against the generated types')
  const token = await ctx.token({ memberships: [{ partnership: 'alpha', role: 'admin' }] })
  const tsx = path.resolve('node_modules/tsx/dist/cli.mjs')
  const { stdout } = await run(process.execPath, [tsx, path.join(dir, 'client.ts')], {
    env: { ...process.env, BASE_URL: address, TOKEN: token },
  })
  t.same(JSON.parse(stdout), {
    name: 'Boston Borough',
    count: 1,
    status: 409,
    problemCode: 'AREA.DUPLICATE',
    bulk: 200,
  })
})
