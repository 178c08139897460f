import { exportJWK, generateKeyPair } from 'jose'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import t, { type Test } from 'tap'
import { buildTestApp } from '../helper.js'

const POLICE_AUDIENCE = 'https://api.safer-partnerships.example'
const COUNCIL_AUDIENCE = 'urn:council:safer-partnerships'

interface Client {
  client_id: string
  client_secret: string
}

/**
 * A real OpenID provider (oidc-provider, the certified implementation) on loopback, issuing
 * client-credentials access tokens as JWTs for one audience from its own JWKS. `rotate` restarts it on
 * the same address with a new signing key (a new kid) first and the old one still published, as a
 * provider rotating its keys does. The `platform` client's tokens say superadmin.
 */
async function openIdProvider(t: Test, audience: string, clients: Client[]) {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const signingKey = async (kid: string) => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }
  }
  let keys = [await signingKey('first')]
  const start = () => {
    const provider = new Provider(issuer, {
      clients: clients.map((c) => ({
        ...c,
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      })),
      jwks: { keys },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: '',
            audience,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          }),
        },
      },
      extraTokenClaims: (_ctx, token) =>
        (token as { clientId?: string }).clientId === 'platform' ? { superadmin: true } : undefined,
    })
    server.removeAllListeners('request')
    server.on('request', provider.callback())
  }
  start()
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    async token(client: Client) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...client }),
      })
      const body = (await res.json()) as { access_token?: string }
      if (body.access_token === undefined) throw new Error(`no token: ${JSON.stringify(body)}`)
      return { authorization: `Bearer ${body.access_token}` }
    },
    async rotate() {
      keys = [await signingKey('second'), ...keys]
      start()
    },
  }
}

const kidOf = (headers: { authorization: string }) =>
  (JSON.parse(Buffer.from(headers.authorization.split('.')[0]!.slice(7), 'base64url').toString()) as { kid: string })
    .kid

t.test(
  "two trusted OpenID providers at once, each with its own keys and audience: a force's feed client and a council's admin, registered as members; a rotated signing key is picked up",
  async (t) => {
    const platform = { client_id: 'platform', client_secret: 'platform-secret-0123456789' }
    const policeFeed = { client_id: 'police-feed', client_secret: 'police-secret-0123456789' }
    const stranger = { client_id: 'stranger', client_secret: 'stranger-secret-0123456789' }
    const councilAdmin = { client_id: 'council-admin', client_secret: 'council-secret-0123456789' }
    const force = await openIdProvider(t, POLICE_AUDIENCE, [platform, policeFeed, stranger])
    const council = await openIdProvider(t, COUNCIL_AUDIENCE, [councilAdmin])
    const untrusted = await openIdProvider(t, POLICE_AUDIENCE, [policeFeed])
    const ctx = await buildTestApp(t, {
      JWKS_URL: force.jwksUrl,
      JWT_ISSUER: force.issuer,
      JWT_AUDIENCE: POLICE_AUDIENCE,
      JWKS_COOLDOWN_MS: '0',
      TRUSTED_ISSUERS: JSON.stringify([
        { issuer: council.issuer, jwksUrl: council.jwksUrl, audience: COUNCIL_AUDIENCE },
      ]),
    })
    const call = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: object) =>
      ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })

    const created = await call('POST', '/partnerships', await force.token(platform), {
      slug: 'city',
      name: 'City of London CSP',
      firstAdmin: { issuer: council.issuer, subject: 'council-admin' },
    })
    t.equal(created.statusCode, 201, created.body)

    const admin = await council.token(councilAdmin)
    const post = async (url: string, payload: object) => {
      const res = await call('POST', `/partnerships/city/${url}`, admin, payload)
      t.equal(res.statusCode, 201, `${url}: ${res.body}`)
      return res.json()
    }
    const police = await post('agencies', { name: 'City of London Police', role: 'responsible_authority' })
    await post('areas', { name: 'City of London', type: 'district', code: 'E09000001' })
    await post('indicators', {
      reference: 'LOCAL ASB',
      name: 'Anti-social behaviour incidents',
      unit: 'count',
      polarity: 'lower_better',
      frequency: 'monthly',
      aggregation: 'sum',
      sourceAgencyId: police.id,
    })
    await post('members', {
      kind: 'client',
      issuer: force.issuer,
      subject: 'police-feed',
      role: 'officer',
      agencyId: police.id,
    })

    const feed = await force.token(policeFeed)
    t.equal(kidOf(feed), 'first')
    const put = await call('PUT', '/partnerships/city/measurements/LOCAL%20ASB/E09000001/2010-07', feed, { value: 344 })
    t.equal(put.statusCode, 201, `the force's client writes its agency's figure: ${put.body}`)
    t.equal(
      (await call('POST', '/partnerships/city/areas', feed, { name: 'Elsewhere', type: 'district' })).statusCode,
      403,
      "with the feed's rights only",
    )
    t.equal(
      (await call('GET', '/partnerships/city/areas', await force.token(stranger))).statusCode,
      404,
      'a client of the same provider that is not a member sees nothing',
    )
    const foreign = await call('GET', '/partnerships/city/areas', await untrusted.token(policeFeed))
    t.equal(foreign.statusCode, 401, 'the same client id at a provider nobody trusts is refused')

    await force.rotate()
    const rotated = await force.token(policeFeed)
    t.equal(kidOf(rotated), 'second', 'the provider now signs with a new key')
    const after = await call('PUT', '/partnerships/city/measurements/LOCAL%20ASB/E09000001/2010-08', rotated, {
      value: 351,
    })
    t.equal(after.statusCode, 201, `a token of the new key passes: ${after.body}`)
    t.equal(
      (await call('GET', '/partnerships/city/areas', feed)).statusCode,
      200,
      'and one of the old key while it is still published',
    )
  },
)
