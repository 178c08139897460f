/**
 * An open-loop load in its own process: requests leave at a steady rate whatever the answers, as many
 * independent clients would send them, configured by JSON on stdin; prints counts by status and the
 * latency of the served (2xx) answers, measured from when each request was due to leave (so time spent
 * queued in this client counts, as it would for a real caller).
 *
 * autocannon's `overallRate` is not open-loop here: it gives each connection a budget per second, and
 * with fast refusals every connection spends its budget early in the second and then waits, so the load
 * arrives in synchronised bursts with idle gaps between them.
 */
import http from 'node:http'

interface Options {
  url: string
  rate: number
  seconds: number
  connections: number
  headers?: Record<string, string>
  /** Bearer headers sent in turn, one request each: many callers, as a real load has. */
  authorizations?: string[]
}

let input = ''
for await (const chunk of process.stdin) input += chunk
const o = JSON.parse(input) as Options
const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections })
const target = new URL(o.url)
const statuses = new Map<number, number>()
const served: number[] = []
let errors = 0
let sent = 0
let finished = 0

function send(due: number): void {
  sent += 1
  const request = http.request(
    {
      agent,
      host: target.hostname,
      port: target.port,
      path: target.pathname + target.search,
      headers: {
        ...o.headers,
        ...(o.authorizations ? { authorization: o.authorizations[sent % o.authorizations.length]! } : {}),
      },
    },
    (res) => {
      res.resume()
      res.on('end', () => {
        finished += 1
        statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1)
        if (res.statusCode! >= 200 && res.statusCode! < 300) served.push(performance.now() - due)
      })
    },
  )
  request.on('error', () => {
    finished += 1
    errors += 1
  })
  request.end()
}

const start = performance.now()
const end = start + o.seconds * 1000
// Every millisecond, send what is due by now: a steady rate, independent of the answers.
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const now = Math.min(performance.now(), end)
    // Request k is due k / rate seconds after the start: send each as soon as it is due, and time it from then.
    const due = Math.min(Math.floor(((now - start) / 1000) * o.rate) + 1, Math.round(o.seconds * o.rate))
    while (sent < due) send(start + (sent * 1000) / o.rate)
    if (now >= end) {
      clearInterval(timer)
      resolve()
    }
  }, 1)
})
const deadline = performance.now() + 10_000
while (finished < sent && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20))
agent.destroy()
served.sort((a, b) => a - b)
const at = (q: number) =>
  Math.round((served[Math.min(served.length - 1, Math.floor(served.length * q))] ?? 0) * 10) / 10
process.stdout.write(
  JSON.stringify({
    seconds: o.seconds,
    sent,
    unanswered: sent - finished,
    errors,
    statuses: Object.fromEntries(statuses),
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    served: { count: served.length, perSecond: served.length / o.seconds, p50: at(0.5), p99: at(0.99), max: at(1) },
  }),
)
