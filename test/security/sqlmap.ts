/**
 * npm run test:sqlmap
 *
 * Runs sqlmap (Debian package `sqlmap`) against a running instance on a throwaway database: every string
 * path and query parameter of every GET operation in the OpenAPI document, one at a time, marked as the
 * injection point in an otherwise valid request with an admin token. Prints what sqlmap concluded for
 * each; exits 1 if it reports anything injectable or cannot conclude on a parameter.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { withBench } from '../../bench/harness.js'

interface Op {
  operationId: string
  parameters?: Array<{ name: string; in: string; schema: { type?: string; format?: string; enum?: unknown[] } }>
}

const say = (line: string) => process.stdout.write(`${line}\n`)
const only = process.argv[2]

function sqlmap(args: string[]): Promise<string> {
  return new Promise((resolve) =>
    execFile('sqlmap', args, { maxBuffer: 1 << 26 }, (_err, stdout, stderr) => resolve(`${stdout}${stderr}`)),
  )
}

let injectable = 0
let points = 0
let unclear = 0
await withBench(
  'sqlmap',
  async ({ address, admin, call }) => {
    // One of everything, so every request is valid but for the probed parameter.
    const p = '/partnerships/bench'
    const area = await call('POST', `${p}/areas`, { name: 'Boston', type: 'district', code: 'E07000136' })
    const agency = await call('POST', `${p}/agencies`, { name: 'Lincolnshire Police', role: 'responsible_authority' })
    const priority = await call('POST', `${p}/priorities`, { name: 'ASB', code: 'ASB' })
    const objective = await call('POST', `${p}/priorities/${priority.id}/objectives`, {
      title: 'Reduce repeat victims',
    })
    const theme = await call('POST', `${p}/themes`, { name: 'Seasonality' })
    const indicator = await call('POST', `${p}/indicators`, {
      reference: 'NI 17',
      name: 'Perceptions of ASB',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
      sourceAgencyId: agency.id,
      priorityIds: [priority.id],
    })
    const target = await call('POST', `${p}/targets`, {
      indicatorId: indicator.id,
      areaId: area.id,
      period: 'FY2010-11',
      targetValue: '120',
    })
    await call('POST', `${p}/measurements/bulk`, [
      { indicator: indicator.id, area: area.id, period: '2010-04', value: 5 },
    ])
    const commentary = await call('POST', `${p}/commentary`, {
      indicatorId: indicator.id,
      areaId: area.id,
      period: '2010-04',
      body: 'Rising in Boston',
    })
    const byCollection: Record<string, string> = {
      areas: area.id,
      agencies: agency.id,
      priorities: priority.id,
      objectives: objective.id,
      themes: theme.id,
      indicators: indicator.id,
      targets: target.id,
      commentary: commentary.id,
    }
    const ids: Record<string, string> = {
      indicatorId: indicator.id,
      areaId: area.id,
      priorityId: priority.id,
      sourceAgencyId: agency.id,
      parentId: area.id,
      resourceId: indicator.id,
      partnership: 'bench',
      period: '2010-04',
    }
    const doc = (await (await fetch(`${address}/openapi.json`)).json()) as { paths: Record<string, Record<string, Op>> }
    const out = await fs.mkdtemp(path.join(os.tmpdir(), 'sqlmap-'))
    const common = [
      '--batch',
      '--skip-waf',
      '--dbms=PostgreSQL',
      '--level=1',
      '--risk=1',
      '--flush-session',
      '--disable-coloring',
      `--output-dir=${out}`,
      `--headers=Authorization: ${admin}`,
      '--timeout=10',
      '--retries=1',
    ]

    // A valid value for each parameter, so the marked one is the only thing wrong with a probe.
    const baseValue = (name: string, schema: { format?: string; enum?: unknown[] }): string | undefined => {
      if (schema.enum !== undefined) return String(schema.enum[0])
      if (name === 'cursor') return undefined // opaque: any probe fails to decode before SQL is built
      if (ids[name] !== undefined) return ids[name]
      if (schema.format === 'uuid') return indicator.id
      if (schema.format === 'date') return '2010-04-30'
      return (
        {
          from: '2010-04',
          to: '2011-03',
          q: 'Bos',
          code: 'E07000136',
          author: 'bench',
          actor: 'bench',
          resourceType: 'indicator',
          asOf: '2011-06-30',
        }[name] ?? 'a'
      )
    }
    for (const [route, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method !== 'get' || (only !== undefined && op.operationId !== only)) continue
        const own = byCollection[route.split('/').at(-2) ?? '']
        const valueOf = (name: string, schema: { format?: string; enum?: unknown[] }) =>
          name === 'id' && own !== undefined ? own : baseValue(name, schema)
        const params = (op.parameters ?? []).filter(
          (p) => (p.in === 'path' || p.in === 'query') && p.schema.type !== 'boolean' && p.schema.type !== 'integer',
        )
        for (const target of params) {
          const mark = valueOf(target.name, target.schema)
          if (mark === undefined) continue
          let url = route
          const query: string[] = []
          for (const p of op.parameters ?? []) {
            const value = p === target ? `${mark}*` : valueOf(p.name, p.schema)
            if (p.in === 'path') url = url.replace(`{${p.name}}`, value ?? '')
            else if (p.in === 'query' && p === target) query.push(`${p.name}=${value}`)
          }
          const started = Date.now()
          const output = await sqlmap([...common, '-u', `${address}${url}${query.length ? `?${query.join('&')}` : ''}`])
          if (process.env.SQLMAP_LOG)
            await fs.appendFile(process.env.SQLMAP_LOG, `=== ${op.operationId} ${target.name}\n${output}\n`)
          points++
          const found = /is vulnerable|appears to be injectable|sqlmap identified the following injection/i.test(output)
          if (found) injectable++
          else if (!/do not appear to be injectable|does not seem to be injectable/.test(output)) unclear++
          const verdict = found
            ? 'INJECTABLE'
            : /do not appear to be injectable|does not seem to be injectable/.test(output)
              ? 'not injectable'
              : `unclear: ${output
                  .split('\n')
                  .filter((l) => /CRITICAL|ERROR/.test(l))
                  .slice(0, 2)
                  .join(' | ')}`
          say(`GET ${route} ${target.in} ${target.name} (${((Date.now() - started) / 1000).toFixed(0)} s): ${verdict}`)
        }
      }
    }
    await fs.rm(out, { recursive: true, force: true })
  },
  { RATE_LIMIT_MAX: '0' },
)
say(`sqlmap tested ${points} parameters: ${injectable} injectable, ${unclear} not concluded`)
// A probe sqlmap could not conclude on (its valid request failed) is a failure of this run, not a pass.
process.exitCode = injectable === 0 && unclear === 0 ? 0 : 1
