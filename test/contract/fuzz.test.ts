import { Ajv } from 'ajv'
import formats from 'ajv-formats'
import fc from 'fast-check'
import { generateSync } from 'json-schema-faker'
import t from 'tap'
import { buildTestApp, mulberry32, seedPartnerships } from '../helper.js'
import { furnish, resourceAt, type Ids } from './fixtures.js'

/**
 * Contract fuzzing: FUZZ_REQUESTS requests (10,000 by default) across every operation of the OpenAPI
 * document, built from its own schemas (json-schema-faker) and then mutated (fast-check picks the
 * operation, the mutation, the ids and the caller's role from FUZZ_SEED, so a failure replays).
 * Pass: no 5xx; every status is declared for its operation and every JSON body validates against the
 * declared schema; input that breaks the schema gets a 4xx problem; no problem leaks internals.
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000)
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_125)
const CONCURRENCY = 4

interface Schema {
  [key: string]: unknown
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
}
interface Param {
  name: string
  in: 'path' | 'query' | 'header'
  required?: boolean
  schema: Schema
}
interface Op {
  operationId: string
  parameters?: Param[]
  requestBody?: { content: Record<string, { schema: Schema }> }
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>
}
interface Doc {
  paths: Record<string, Record<string, Op>>
  components: { schemas: Record<string, Schema> }
}

const MUTATIONS = [
  'none',
  'none',
  'none',
  'drop-required',
  'unknown-field',
  'wrong-type',
  'huge-string',
  'malformed-json',
  'wrong-media-type',
  'bad-path',
  'bad-query',
  'bad-header',
] as const
type Mutation = (typeof MUTATIONS)[number]
/** Mutations after which the request no longer matches its operation's schema. */
const INVALID = new Set<Mutation>(['unknown-field', 'malformed-json', 'wrong-media-type'])

const GARBAGE = [
  '',
  ' ',
  'null',
  '-1',
  '1e309',
  '0x1F',
  '../../etc/passwd',
  '%00',
  "' or '1'='1",
  '"; drop table measurement; --',
  '\u0000',
  '😀'.repeat(40),
  'a'.repeat(5000),
  '2010-13',
  'FY2010-12',
  '9999-Q5',
  '<script>',
  '{"a":1}',
  'NaN',
  'true',
]
const LEAKS =
  /node_modules|\bat \/|postgres|kysely|syntax error|relation "|duplicate key|violates|stack|TypeError|ReferenceError|ECONN/i

t.test(`contract fuzzing: ${REQUESTS} generated and mutated requests across every operation`, async (t) => {
  const ctx = await buildTestApp(t, { RATE_LIMIT_MAX: '0' })
  await seedPartnerships(ctx, 'alpha', 'beta')
  const own = await furnish(ctx, 'alpha')
  const other = await furnish(ctx, 'beta')
  const doc = ctx.app.swagger() as unknown as Doc

  const deref = (schema: Schema, depth = 0): Schema => {
    if (depth > 8) return {}
    if (schema.$ref !== undefined) return deref(doc.components.schemas[schema.$ref.split('/').pop()!]!, depth + 1)
    const out: Schema = {}
    for (const [k, v] of Object.entries(schema)) {
      out[k] = Array.isArray(v)
        ? v.map((x) => (x !== null && typeof x === 'object' ? deref(x as Schema, depth + 1) : x))
        : v !== null && typeof v === 'object'
          ? deref(v as Schema, depth + 1)
          : v
    }
    if (schema.properties)
      out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, deref(v, depth + 1)]))
    return out
  }

  const ajv = new Ajv({ strict: false, allErrors: true })
  // ajv-formats is CommonJS: under NodeNext its default export is the module object.
  ;(formats as unknown as { default: typeof formats.default }).default(ajv)
  ajv.addSchema({ $id: 'doc', components: doc.components })
  const validators = new Map<string, ReturnType<typeof ajv.compile>>()
  const validatorFor = (key: string, schema: Schema) => {
    let v = validators.get(key)
    if (v === undefined) {
      v = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')) as object)
      validators.set(key, v)
    }
    return v
  }

  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  )
  const ownIds = Object.values(own)
  const cases = fc.sample(
    fc.record({
      op: fc.nat({ max: ops.length - 1 }),
      mutation: fc.constantFrom(...MUTATIONS),
      ids: fc.constantFrom('own', 'own', 'own', 'other', 'absent'),
      role: fc.constantFrom('admin', 'officer', 'viewer', 'superadmin'),
      seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    }),
    { numRuns: REQUESTS, seed: SEED },
  )

  const tally = {
    sent: 0,
    fiveHundreds: 0,
    undeclared: 0,
    invalidBodies: 0,
    invalidAccepted: 0,
    refused400or422: 0,
    leaks: 0,
    worstMs: 0,
  }
  const failures: string[] = []
  const perOperation = new Map<string, number>()
  const statuses = new Map<number, number>()
  const tokens = new Map<string, string>()
  for (const role of ['admin', 'officer', 'viewer', 'superadmin'] as const)
    tokens.set(role, (await ctx.as(role, 'alpha')).authorization!)

  async function run(c: (typeof cases)[number]): Promise<void> {
    const { path, method, op } = ops[c.op]!
    const rnd = mulberry32(c.seed)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!
    const idsFor = c.ids === 'own' ? own : c.ids === 'other' ? other : null
    const idOf = (r: keyof Ids) => (idsFor === null ? crypto.randomUUID() : idsFor[r])
    const fake = (schema: Schema) => {
      // Arrays stay short: a lookup's schema allows 50,000 rows, which the faker would otherwise build.
      const options = { seed: c.seed, optionalsProbability: 0.6, maxDefaultItems: 3, maxItems: 20, refDepthMax: 3 }
      try {
        return generateSync(deref(schema) as never, options)
      } catch {
        // The faker gives up on minProperties without required ones unless it fills every optional one.
        return generateSync(deref(schema) as never, { ...options, alwaysFakeOptionals: true })
      }
    }
    // Generated uuids mostly name real things of the caller's partnership, so requests get past lookups.
    const realistic = (value: unknown): unknown => {
      if (typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(value))
        return rnd() < 0.8 ? pick(ownIds) : value
      if (Array.isArray(value)) return value.map(realistic)
      if (value !== null && typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, realistic(v)]))
      return value
    }

    const segments = path.split('/')
    const url = segments
      .map((segment, i) => {
        const name = /^\{(.+)\}$/.exec(segment)?.[1]
        if (name === undefined) return segment
        if (c.mutation === 'bad-path' && rnd() < 0.1) return '%E0%A4%A' // malformed percent-encoding
        // Never empty: an empty segment would address another route (the list), not a bad id.
        if (c.mutation === 'bad-path' && rnd() < 0.5) return encodeURIComponent(pick(GARBAGE.slice(1)))
        if (name === 'partnership') return 'alpha'
        if (name === 'period')
          return pick(['2010-04', '2010-05', '2011-Q1', 'FY2010-11', '2010', ...GARBAGE.slice(13, 16)])
        if (name === 'priorityId') return idOf('priority')
        if (name === 'indicatorId') return idOf('indicator')
        if (name === 'areaId') return idOf('area')
        return idOf(resourceAt(segments, i) ?? 'area')
      })
      .join('/')

    const query = new URLSearchParams()
    const headers: Record<string, string> = { authorization: tokens.get(c.role)! }
    for (const p of op.parameters ?? []) {
      if (p.in === 'path') continue
      if (!p.required && rnd() < 0.5) continue
      let value = String(realistic(fake(p.schema)))
      if ((c.mutation === 'bad-query' && p.in === 'query') || (c.mutation === 'bad-header' && p.in === 'header'))
        value = pick(GARBAGE)
      if (p.in === 'query') query.set(p.name, value)
      else if (p.name === 'if-match')
        headers[p.name] = rnd() < 0.5 ? '*' : c.mutation === 'bad-header' ? value : `"${1 + Math.floor(rnd() * 3)}"`
      else headers[p.name] = value.replace(/[^\x20-\x7e]/g, '')
    }
    if (c.mutation === 'bad-query') query.set(pick(['zz', 'limit', 'cursor', 'sort', 'from']), pick(GARBAGE))

    let payload: string | undefined
    let mutated: Mutation = c.mutation
    let invalid = INVALID.has(mutated)
    const json = op.requestBody?.content['application/json']
    if (op.requestBody !== undefined) {
      const types = Object.keys(op.requestBody.content)
      const type = json === undefined || rnd() < 0.15 ? pick(types) : 'application/json'
      headers['content-type'] = type
      let body = json === undefined ? undefined : realistic(fake(json.schema))
      const target = (Array.isArray(body) ? body[0] : body) as Record<string, unknown> | undefined
      const isObject = target !== null && typeof target === 'object' && !Array.isArray(target)
      if (mutated === 'drop-required') {
        const required = (deref(json?.schema ?? {}).required ?? []).filter((k) => isObject && k in target!)
        if (required.length > 0 && !Array.isArray(body)) {
          delete target![pick(required)]
          invalid = true
        } else mutated = 'none'
      }
      if (mutated === 'unknown-field' && isObject) target!.zzUnknown = 1
      else if (mutated === 'unknown-field') {
        mutated = 'none'
        invalid = false
      }
      if (mutated === 'wrong-type' && isObject && Object.keys(target!).length > 0)
        target![pick(Object.keys(target!))] = pick([null, 12345, 'text', [], {}, true, -1e308, '\u0000', 1.5])
      if (mutated === 'huge-string' && isObject) {
        const strings = Object.keys(target!).filter((k) => typeof target![k] === 'string')
        if (strings.length > 0) target![pick(strings)] = 'x'.repeat(100_000)
      }
      if (type === 'text/csv') body = undefined
      payload =
        mutated === 'malformed-json'
          ? '{"value": 1,'
          : type === 'text/csv'
            ? `indicator,area,period,value\n${own.indicator},${own.area},${pick(['2010-04', '2010-13', 'x'])},${pick(['1', '-1', 'x', ''])}\n`
            : type === 'application/x-ndjson'
              ? (Array.isArray(body) ? body : [body]).map((r) => JSON.stringify(r)).join('\n')
              : JSON.stringify(body)
      if (mutated === 'malformed-json') headers['content-type'] = 'application/json'
      if (mutated === 'wrong-media-type')
        headers['content-type'] = pick(['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])
    } else if (mutated !== 'bad-path' && mutated !== 'bad-header' && mutated !== 'bad-query') {
      mutated = 'none'
      invalid = false
    }

    const target = query.size > 0 ? `${url}?${query}` : url
    const started = performance.now()
    const res = await ctx.app.inject({
      method: method as 'GET',
      url: target,
      headers,
      ...(payload === undefined ? {} : { payload }),
    })
    tally.worstMs = Math.max(tally.worstMs, performance.now() - started)
    tally.sent++
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
    perOperation.set(op.operationId, (perOperation.get(op.operationId) ?? 0) + 1)
    const where = `${method} ${target.slice(0, 200)} [${mutated}, ${c.ids}, ${c.role}, seed ${c.seed}] -> ${res.statusCode}`
    const fail = (why: string) => failures.length < 20 && failures.push(`${where}: ${why}: ${res.body.slice(0, 300)}`)

    if (res.statusCode >= 500) {
      tally.fiveHundreds++
      fail('5xx')
    }
    const declared = op.responses[String(res.statusCode)]
    if (declared === undefined) {
      tally.undeclared++
      fail('status not declared for this operation')
      return
    }
    const contentType = String(res.headers['content-type'] ?? '').split(';')[0]!
    const content = declared.content?.[contentType]
    if (declared.content !== undefined && content === undefined && res.statusCode !== 204) {
      tally.undeclared++
      fail(`content type ${contentType} not declared`)
    }
    if (content !== undefined && contentType.includes('json')) {
      const validate = validatorFor(`${op.operationId} ${res.statusCode} ${contentType}`, content.schema)
      if (!validate(res.json())) {
        tally.invalidBodies++
        fail(`body does not match the declared schema: ${ajv.errorsText(validate.errors)}`)
      }
    }
    if (contentType === 'application/problem+json') {
      const detail = JSON.stringify(res.json())
      if (LEAKS.test(detail)) {
        tally.leaks++
        fail('a problem leaks internals')
      }
    }
    if (invalid) {
      // In partial mode a bulk write refuses bad rows one by one and says so, with 200.
      const refusedRows =
        res.statusCode === 200 && target.includes('mode=partial') && (res.json() as { refused?: number }).refused! > 0
      if (res.statusCode < 400 && !refusedRows) {
        tally.invalidAccepted++
        fail('input that breaks the schema was accepted')
      } else if (!refusedRows && contentType !== 'application/problem+json') fail('a refusal that is not problem+json')
      if (res.statusCode === 400 || res.statusCode === 415 || res.statusCode === 422) tally.refused400or422++
    }
  }

  let next = 0
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) await run(cases[next++]!)
    }),
  )

  const untouched = ops.filter(({ op }) => !perOperation.has(op.operationId)).map(({ op }) => op.operationId)
  t.comment(
    `sent ${tally.sent} requests over ${perOperation.size} of ${ops.length} operations (seed ${SEED}); 5xx ${tally.fiveHundreds}; undeclared statuses ${tally.undeclared}; bodies off-schema ${tally.invalidBodies}; schema-breaking input accepted ${tally.invalidAccepted}, refused with 400/415/422 ${tally.refused400or422}; leaks ${tally.leaks}; slowest ${tally.worstMs.toFixed(0)} ms`,
  )
  t.comment(
    `statuses: ${[...statuses]
      .sort(([a], [b]) => a - b)
      .map(([code, n]) => `${code} x${n}`)
      .join(', ')}`,
  )
  t.equal(tally.sent, REQUESTS)
  t.same(untouched, [], 'every operation was exercised')
  t.same(failures, [], 'no 5xx, nothing off-contract, nothing invalid accepted, nothing leaked')
})
