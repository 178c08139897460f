/**
 * One autocannon run in its own process (so the load generator does not share the service's event loop),
 * configured by JSON on stdin; prints autocannon's result as JSON. `paths` and `authorizations`, when
 * given, are cycled through request by request: many different measurements written, many callers' tokens.
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
  authorizations?: string[]
}

let input = ''
for await (const chunk of process.stdin) input += chunk
const o = JSON.parse(input) as Options
let next = 0
const cycled = (list: string[] | undefined) => (list === undefined ? undefined : list[next % list.length]!)
const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.seconds,
  ...(o.headers ? { headers: o.headers } : {}),
  ...(o.method ? { method: o.method } : {}),
  ...(o.body ? { body: o.body } : {}),
  ...(o.rate ? { overallRate: o.rate } : {}),
  ...(o.paths || o.authorizations
    ? {
        requests: [
          {
            setupRequest: (req) => {
              const path = cycled(o.paths) ?? req.path
              const authorization = cycled(o.authorizations)
              next += 1
              return {
                ...req,
                path,
                ...(authorization === undefined ? {} : { headers: { ...req.headers, authorization } }),
              }
            },
          },
        ],
      }
    : {}),
})
process.stdout.write(JSON.stringify(result))
