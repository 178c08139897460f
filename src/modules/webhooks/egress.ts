import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import type { Config } from '../../config.js'
import { checkReceiverUrl } from '../../domain/webhooks.js'

/**
 * Requests to receivers, who are outsiders (SSRF): only to public addresses, unless a network is allowed
 * by configuration or the receiver is on loopback in development; every address a name resolves to is
 * checked as the connection is made (so a name that changes its answer after the check gains nothing),
 * redirects are not followed, the answer is waited for a short time and read only so far.
 */
export interface EgressPolicy {
  allowLoopback: boolean
  allowedNetworks: readonly string[]
  timeoutMs: number
}

export const egressPolicy = ({ webhooks }: Config): EgressPolicy => ({
  allowLoopback: webhooks.allowLoopback,
  allowedNetworks: webhooks.allowedNetworks,
  timeoutMs: webhooks.timeoutMs,
})

/** Special-purpose and private ranges (IANA's registries): never a receiver's. */
const SPECIAL_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
]
const SPECIAL_V6 = [
  '::/128',
  '64:ff9b::/96',
  '100::/64',
  '2001::/23',
  '2001:db8::/32',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
]

function blockList(v4: readonly string[], v6: readonly string[]): BlockList {
  const list = new BlockList()
  for (const cidr of v4) list.addSubnet(cidr.split('/')[0]!, Number(cidr.split('/')[1]), 'ipv4')
  for (const cidr of v6) list.addSubnet(cidr.split('/')[0]!, Number(cidr.split('/')[1]), 'ipv6')
  return list
}
const SPECIAL = blockList(SPECIAL_V4, SPECIAL_V6)
const LOOPBACK = blockList(['127.0.0.0/8'], ['::1/128'])

/** An IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 address it is. */
function plain(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped) return { address: mapped[1]!, family: 'ipv4' }
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' }
}

const allowedLists = new WeakMap<EgressPolicy, BlockList>()
function allowedOf(policy: EgressPolicy): BlockList {
  let list = allowedLists.get(policy)
  if (list === undefined) {
    const of = (family: number) => policy.allowedNetworks.filter((n) => isIP(n.split('/')[0]!) === family)
    list = blockList(of(4), of(6))
    allowedLists.set(policy, list)
  }
  return list
}

/** Why an address may not be sent to, or undefined when it may. */
export function addressRefusal(policy: EgressPolicy, raw: string): string | undefined {
  const { address, family } = plain(raw)
  if (allowedOf(policy).check(address, family)) return undefined
  if (LOOPBACK.check(address, family)) return policy.allowLoopback ? undefined : `${raw} is a loopback address`
  if (SPECIAL.check(address, family)) return `${raw} is a private or special-purpose address`
  return undefined
}

export class EgressRefused extends Error {
  override name = 'EgressRefused'
}

/** Resolves as a connection would, refusing a name any of whose addresses may not be sent to. */
function guardedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4)
      const refusal = addresses.map((a) => addressRefusal(policy, a.address)).find((r) => r !== undefined)
      if (refusal !== undefined) return callback(new EgressRefused(`${hostname}: ${refusal}`), '', 4)
      if (options.all === true)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses)
      return callback(null, addresses[0]!.address, addresses[0]!.family)
    })
  }
}

/** The URL's host as an address is written bare: [::1] is ::1. */
const bareHost = (url: URL) => url.hostname.replace(/^\[|\]$/g, '')

/** Checks a receiver URL before it is kept: its form, then every address its host names now. */
export async function receiverRefusal(policy: EgressPolicy, text: string): Promise<string | undefined> {
  const url = checkReceiverUrl(text, policy.allowLoopback)
  if (!(url instanceof URL)) return url.reason
  const host = bareHost(url)
  const addresses = isIP(host) !== 0 ? [host] : await resolved(host)
  if (addresses === undefined) return `names a host that does not resolve (${host})`
  return addresses.map((a) => addressRefusal(policy, a)).find((r) => r !== undefined)
}

const resolved = (host: string) =>
  dns.promises.lookup(host, { all: true }).then(
    (list) => list.map((a) => a.address),
    () => undefined,
  )

export interface Answer {
  status: number | null
  /** The start of what the receiver answered (at most 1 KiB). */
  body: string | null
  error: string | null
  durationMs: number
}

const READ_AT_MOST = 1024

/** POSTs one delivery; answers what came back, or why nothing did. Never throws. */
export async function post(
  policy: EgressPolicy,
  target: string,
  headers: Record<string, string>,
  payload: string,
): Promise<Answer> {
  const started = Date.now()
  const done = (a: Omit<Answer, 'durationMs'>): Answer => ({ ...a, durationMs: Date.now() - started })
  const url = checkReceiverUrl(target, policy.allowLoopback)
  if (!(url instanceof URL)) return done({ status: null, body: null, error: `the URL ${url.reason}` })
  const host = bareHost(url)
  // A literal address is connected to without a lookup, so it is checked here.
  const literal = isIP(host) !== 0 ? addressRefusal(policy, host) : undefined
  if (literal !== undefined) return done({ status: null, body: null, error: literal })
  return new Promise<Answer>((resolve) => {
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      lookup: guardedLookup(policy),
      agent: false,
      signal: AbortSignal.timeout(policy.timeoutMs),
    })
    request.on('error', (err) =>
      resolve(
        done({
          status: null,
          body: null,
          error: err.name === 'AbortError' ? `no answer within ${policy.timeoutMs} ms` : err.message,
        }),
      ),
    )
    request.on('response', (response) => {
      const chunks: Buffer[] = []
      let read = 0
      response.on('data', (chunk: Buffer) => {
        if (read < READ_AT_MOST) chunks.push(chunk)
        read += chunk.length
        // What is past the cap is not waited for.
        if (read >= READ_AT_MOST) response.destroy()
      })
      const finish = () =>
        resolve(
          done({
            status: response.statusCode ?? null,
            // Postgres text holds no NUL, and what the receiver says is kept only to be read.
            body: Buffer.concat(chunks).subarray(0, READ_AT_MOST).toString('utf8').replaceAll('\u0000', ''),
            error: null,
          }),
        )
      response.on('end', finish)
      response.on('close', finish)
      response.on('error', finish)
    })
    request.end(payload)
  })
}
