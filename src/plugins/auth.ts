import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose'
import { LRUCache } from 'lru-cache'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { Config } from '../config.js'
import { API_KEY_ISSUER, ROLES, type Membership, type Principal, type Role } from '../domain/access.js'
import { DomainError } from '../domain/errors.js'
import { loadOrCreateDevKey } from './keys.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal
  }
  interface FastifyInstance {
    authenticate: (request: FastifyRequest) => Promise<void>
  }
}

type KeySource = ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>

const unauthenticated = (detail: string): DomainError =>
  new DomainError('AUTH.UNAUTHENTICATED', 'unauthenticated', detail)

const MAX_TOKEN_LENGTH = 8192
const MAX_SUBJECT_LENGTH = 255

function readJwks(value: string): JSONWebKeySet {
  const text = value.startsWith('{') ? value : fs.readFileSync(value, 'utf8')
  const jwks = JSON.parse(text) as JSONWebKeySet
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new Error('JWT_PUBLIC_KEYS holds no keys')
  if (jwks.keys.some((k) => 'd' in k || k.kty === 'oct')) throw new Error('JWT_PUBLIC_KEYS must hold public keys only')
  return jwks
}

/** How long a fetched key set and a verified token are each kept: together, within TOKEN_CACHE_SECONDS. */
export const keySetMaxAgeMs = (tokenCacheSeconds: number) => Math.max(500, (tokenCacheSeconds * 1000) / 2)

// jose keeps a fetched key set for 10 minutes by default: half of TOKEN_CACHE_SECONDS here, and a
// verified token half of it too, so a key withdrawn from the set stops being honoured within it.
const remoteKeys = (url: string, auth: Config['auth']) =>
  createRemoteJWKSet(new URL(url), {
    cooldownDuration: auth.jwksCooldownMs,
    timeoutDuration: 5000,
    cacheMaxAge: keySetMaxAgeMs(auth.tokenCacheSeconds),
  })

export async function keySource(
  auth: Config['auth'],
): Promise<{ keys: KeySource; algorithms: string[]; kind: string }> {
  if (auth.jwksUrl !== undefined)
    return { keys: remoteKeys(auth.jwksUrl, auth), algorithms: auth.algorithms, kind: 'jwks-url' }
  if (auth.publicKeys !== undefined)
    return { keys: createLocalJWKSet(readJwks(auth.publicKeys)), algorithms: auth.algorithms, kind: 'public-keys' }
  const dev = await loadOrCreateDevKey(auth.devKeyFile)
  return { keys: createLocalJWKSet({ keys: [dev.publicJwk] }), algorithms: [dev.alg], kind: 'development-key' }
}

function parseMemberships(payload: JWTPayload): Map<string, Membership> {
  const raw = payload.memberships ?? []
  if (!Array.isArray(raw) || raw.length > 1000) throw unauthenticated("The token's memberships claim is malformed.")
  const memberships = new Map<string, Membership>()
  for (const entry of raw as unknown[]) {
    const m = entry as Record<string, unknown>
    if (
      typeof m !== 'object' ||
      m === null ||
      typeof m.partnership !== 'string' ||
      !ROLES.includes(m.role as Role) ||
      (m.agency !== undefined && typeof m.agency !== 'string')
    ) {
      throw unauthenticated("The token's memberships claim is malformed.")
    }
    memberships.set(m.partnership, {
      role: m.role as Role,
      ...(m.agency === undefined ? {} : { agency: m.agency as string }),
    })
  }
  return memberships
}

export const API_KEY_PREFIX = 'spk_'
const API_KEY = /^spk_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/

/** The hash kept of an API key's secret: the secret is 256 random bits, so a plain SHA-256 is enough. */
export const secretHash = (secret: string) => createHash('sha256').update(secret).digest('hex')

/**
 * A service-issued API key names its record and carries a secret; whether the record exists, matches and
 * is still live is the access plugin's question (it needs the database).
 */
function apiKeyPrincipal(key: string): Principal {
  const parts = API_KEY.exec(key)
  if (parts === null) throw unauthenticated('The API key is not valid.')
  const hex = parts[1]!
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  return {
    issuer: API_KEY_ISSUER,
    subject: `apikey:${id}`,
    superadmin: false,
    memberships: new Map(),
    apiKey: { id, secretHash: secretHash(parts[2]!) },
  }
}

/** The token's email, lower-cased, when its provider says it verified it (OpenID Connect's email_verified). */
function verifiedEmail(payload: JWTPayload): string | undefined {
  const email = payload.email
  if (payload.email_verified !== true || typeof email !== 'string') return undefined
  return email.length <= 320 && /^[^\s@]+@[^\s@]+$/.test(email) ? email.toLowerCase() : undefined
}

async function authPlugin(app: FastifyInstance, opts: { auth: Config['auth'] }): Promise<void> {
  const { keys, algorithms, kind } = await keySource(opts.auth)
  // Each trusted issuer verifies with its own keys and audience; a token names its issuer, and one that
  // names none of them is checked against the first, which refuses it.
  const first = { issuer: opts.auth.issuer, audience: opts.auth.audience, keys, algorithms }
  const issuers = new Map([
    [first.issuer, first],
    ...opts.auth.trustedIssuers.map(
      (i) => [i.issuer, { ...i, keys: remoteKeys(i.jwksUrl, opts.auth), algorithms: opts.auth.algorithms }] as const,
    ),
  ])
  app.log.info({ keySource: kind, algorithms, issuers: [...issuers.keys()] }, 'token verification configured')

  // A signature check costs more than the rest of a small read; a token already verified is remembered
  // until it expires or for half of TOKEN_CACHE_SECONDS, whichever is sooner (so, with the key set's own
  // half, a withdrawn signing key stops being honoured within that time). Keyed by the token's hash, so the cache never holds tokens.
  const verified =
    opts.auth.tokenCacheSeconds === 0
      ? undefined
      : new LRUCache<string, Principal>({ max: 10_000, ttl: keySetMaxAgeMs(opts.auth.tokenCacheSeconds) })

  app.decorateRequest('principal', null as unknown as Principal)
  app.decorate('authenticate', async (request: FastifyRequest) => {
    const header = request.headers.authorization
    if (header === undefined) throw unauthenticated('Send a bearer token in the Authorization header.')
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header)
    if (match === null || match[1] === undefined)
      throw unauthenticated('The Authorization header must be "Bearer <token>".')
    if (match[1].length > MAX_TOKEN_LENGTH) throw unauthenticated('The token is too long.')
    if (match[1].startsWith(API_KEY_PREFIX)) {
      request.principal = apiKeyPrincipal(match[1])
      return
    }
    const cacheKey = verified && createHash('sha256').update(match[1]).digest('base64url')
    const known = cacheKey && verified!.get(cacheKey)
    if (known) {
      request.principal = known
      return
    }
    let payload: JWTPayload
    try {
      const claimed = decodeJwt(match[1]).iss
      const by = (typeof claimed === 'string' ? issuers.get(claimed) : undefined) ?? first
      ;({ payload } = await jwtVerify(match[1], by.keys, {
        issuer: by.issuer,
        audience: by.audience,
        algorithms: by.algorithms,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 30,
      }))
    } catch (err) {
      if (err instanceof joseErrors.JWKSTimeout) {
        throw new DomainError(
          'AUTH.KEYS_UNAVAILABLE',
          'unauthenticated',
          "The identity provider's keys could not be fetched.",
        )
      }
      // Every other failure, including jose's plain TypeErrors for algorithm confusion, is the token's fault.
      request.log.info({ reason: (err as Error).message }, 'token refused')
      throw unauthenticated('The token is not valid.')
    }
    // jose checks that sub is present, not what it is: an array or a number must not become an identity.
    if (typeof payload.sub !== 'string' || payload.sub.trim() === '' || payload.sub.length > MAX_SUBJECT_LENGTH) {
      throw unauthenticated(
        `The token's sub claim must be a non-empty string of at most ${MAX_SUBJECT_LENGTH} characters.`,
      )
    }
    const email = verifiedEmail(payload)
    request.principal = {
      issuer: payload.iss as string,
      subject: payload.sub,
      ...(email === undefined ? {} : { email }),
      superadmin: payload.superadmin === true,
      memberships: opts.auth.trustTokenMemberships ? parseMemberships(payload) : new Map(),
    }
    if (cacheKey) {
      const untilExpiry = (payload.exp as number) * 1000 - Date.now()
      if (untilExpiry > 0)
        verified!.set(cacheKey, request.principal, { ttl: Math.min(untilExpiry, opts.auth.tokenCacheSeconds * 1000) })
    }
  })
}

export default fp(authPlugin, { name: 'auth' })
