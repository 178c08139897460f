/**
 * One autocannon run in its own process (so the load generator does not share the service's event loop),
 * configured by JSON on stdin; prints autocannon's result as JSON. `paths`, when given, are cycled
 * through request by request, e.g. to write many different measurements.
 */
import autocannon from 'autocannon'

interface Options {
  url: string
  connections: number
  seconds: number
  headers?: Record<string, string>
  method?: 'GET' | 'PUT' | 'POST'
  body?: string
  rate?: number
  paths?: string[]
}

let input = ''
for await (const chunk of process.stdin) input += chunk
const o = JSON.parse(input) as Options
let next = 0
const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.seconds,
  ...(o.headers ? { headers: o.headers } : {}),
  ...(o.method ? { method: o.method } : {}),
  ...(o.body ? { body: o.body } : {}),
  ...(o.rate ? { overallRate: o.rate } : {}),
  ...(o.paths
    ? { requests: [{ setupRequest: (req) => ({ ...req, path: o.paths![next++ % o.paths!.length]! }) }] }
    : {}),
})
process.stdout.write(JSON.stringify(result))
