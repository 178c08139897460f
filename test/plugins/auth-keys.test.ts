import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { buildTestApp, seedPartnerships } from '../helper.js'

const ISSUER = 'https://login.example-council.gov.uk'
const AUDIENCE = 'safer-partnerships-api'

async function keyPair(alg: 'RS256' | 'ES256') {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  const jwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(jwk)
  const sign = (claims: Record<string, unknown> = {}) =>
    new SignJWT({ memberships: [{ partnership: 'alpha', role: 'viewer' }], ...claims })
      .setProtectedHeader({ alg, kid })
      .setSubject('idp-user')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(privateKey)
  return { publicJwk: { ...jwk, kid, alg, use: 'sig' } as JWK, sign }
}

/**
 * An identity provider's JWKS endpoint on loopback publishing `keys` (changed with publish), and the app
 * trusting it with `env`, with partnership alpha made by a superadmin token of `admin`'s key.
 */
async function withIdentityProvider(
  t: Parameters<typeof buildTestApp>[0],
  keys: JWK[],
  admin: Awaited<ReturnType<typeof keyPair>>,
  env: Record<string, string>,
) {
  let published = keys
  let fetches = 0
  const idp = http.createServer((_req, res) => {
    fetches += 1
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: published }))
  })
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => idp.close(() => resolve())))
  const url = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/.well-known/jwks.json`
  // This provider's tokens name their memberships, and the deployment trusts them: what is tested is the keys.
  const ctx = await buildTestApp(t, {
    JWKS_URL: url,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
    TRUST_TOKEN_MEMBERSHIPS: 'true',
    ...env,
  })
  await seedPartnerships(
    { ...ctx, as: async () => ({ authorization: `Bearer ${await admin.sign({ superadmin: true })}` }) },
    'alpha',
  )
  return {
    ctx,
    publish: (next: JWK[]) => void (published = next),
    fetches: () => fetches,
  }
}

t.test('JWKS_URL: tokens of the published keys pass, a rotated key is picked up after the cooldown', async (t) => {
  const first = await keyPair('RS256')
  const second = await keyPair('ES256')
  const { ctx, publish, fetches } = await withIdentityProvider(t, [first.publicJwk], first, { JWKS_COOLDOWN_MS: '200' })
  const get = async (token: string) =>
    (
      await ctx.app.inject({
        method: 'GET',
        url: '/partnerships/alpha/areas',
        headers: { authorization: `Bearer ${token}` },
      })
    ).statusCode

  t.equal(await get(await first.sign()), 200, 'a token of the published key passes')
  t.equal(await get(await second.sign()), 401, 'a key the IdP has not published is refused')
  publish([first.publicJwk, second.publicJwk])
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.equal(await get(await second.sign()), 200, 'after rotation and the cooldown, the new key passes')
  t.ok(fetches() >= 2, 'the JWKS was fetched again for the unknown kid')
  const devToken = await ctx.token({ memberships: [{ partnership: 'alpha', role: 'viewer' }] })
  t.equal(await get(devToken), 401, 'the development key means nothing when a JWKS is configured')
})

t.test('a key withdrawn from the JWKS stops being honoured within TOKEN_CACHE_SECONDS', async (t) => {
  const first = await keyPair('RS256')
  const second = await keyPair('ES256')
  const { ctx, publish } = await withIdentityProvider(t, [first.publicJwk, second.publicJwk], first, {
    TOKEN_CACHE_SECONDS: '2',
  })
  const token = await second.sign()
  const get = async () =>
    (
      await ctx.app.inject({
        method: 'GET',
        url: '/partnerships/alpha/areas',
        headers: { authorization: `Bearer ${token}` },
      })
    ).statusCode
  t.equal(await get(), 200, 'a token of a published key passes (and is remembered)')
  publish([first.publicJwk])
  // Within TOKEN_CACHE_SECONDS (2 s) the withdrawn key is refused; jose's default would keep it ten minutes.
  let refusedAfter: number | undefined
  const started = Date.now()
  while (refusedAfter === undefined && Date.now() - started < 8000) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    if ((await get()) === 401) refusedAfter = Date.now() - started
  }
  t.ok(refusedAfter !== undefined, `refused within seconds, not minutes (after ${refusedAfter} ms)`)
})

t.test('JWT_PUBLIC_KEYS: a configured JWKS of public keys', async (t) => {
  const key = await keyPair('ES256')
  const ctx = await buildTestApp(t, {
    JWT_PUBLIC_KEYS: JSON.stringify({ keys: [key.publicJwk] }),
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
  })
  const res = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships',
    headers: { authorization: `Bearer ${await key.sign()}` },
  })
  t.equal(res.statusCode, 200)
})

t.test('configuration refuses unsafe key set-ups at start', async (t) => {
  const { loadConfig, ConfigError } = await import('../../src/config.js')
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), ConfigError, 'production without a key source')
  t.throws(() => loadConfig({ JWT_ALGORITHMS: 'RS256,HS256' }), ConfigError, 'a symmetric algorithm')
  t.throws(() => loadConfig({ JWT_ALGORITHMS: 'none' }), ConfigError, 'alg none')
  t.throws(() => loadConfig({ JWKS_URL: 'ftp://keys' }), ConfigError, 'a JWKS URL that is not http(s)')
  t.equal(
    loadConfig({ JWKS_URL: 'https://idp.example/jwks' }).auth.trustTokenMemberships,
    false,
    "with a real identity provider, a token's memberships claim is not trusted unless the deployment says so",
  )
  t.equal(loadConfig({}).auth.trustTokenMemberships, true, 'with the development key, npm run token names memberships')
  t.throws(() => loadConfig({ PORT: 'eighty' }), ConfigError, 'a port that is not a number')
})
