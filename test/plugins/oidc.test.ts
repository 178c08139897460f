import { exportJWK, generateKeyPair } from 'jose'
import { createHash, randomBytes } from 'node:crypto'
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
  /** A web application people sign in to (authorization code); without, a system's client (client credentials). */
  redirect_uri?: string
}

const b64url = (bytes: Buffer) => bytes.toString('base64url')

/**
 * A real OpenID provider (oidc-provider, the certified implementation) on loopback, issuing access
 * tokens as JWTs for one audience from its own JWKS: client credentials for systems, and the
 * authorization code flow for `people` (account id to email, verified), whose sign-in page this helper
 * answers itself. `rotate` restarts it on the same address with a new signing key (a new kid) first and
 * the old one still published, as a provider rotating its keys does. The `platform` client's tokens say
 * superadmin.
 */
async function openIdProvider(t: Test, audience: string, clients: Client[], people: Record<string, string> = {}) {
  const server = http.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const signingKey = async (kid: string) => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    return { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }
  }
  let keys = [await signingKey('first')]
  let provider: Provider
  let signingIn = ''
  const start = () => {
    provider = new Provider(issuer, {
      clients: clients.map(({ redirect_uri, ...c }) => ({
        ...c,
        grant_types: redirect_uri === undefined ? ['client_credentials'] : ['authorization_code'],
        response_types: redirect_uri === undefined ? [] : ['code'],
        redirect_uris: redirect_uri === undefined ? [] : [redirect_uri],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      })),
      jwks: { keys },
      findAccount: (_ctx, id) => ({
        accountId: id,
        claims: () => ({ sub: id, email: people[id], email_verified: true }),
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: 'api',
            audience,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          }),
        },
      },
      // Access tokens say who the person is, as Entra ID's and Keycloak's can be set to.
      extraTokenClaims: (_ctx, token) => {
        const { clientId, accountId } = token as { clientId?: string; accountId?: string }
        if (clientId === 'platform') return { superadmin: true }
        return accountId === undefined ? undefined : { email: people[accountId], email_verified: true }
      },
    })
    const callback = provider.callback()
    server.removeAllListeners('request')
    server.on('request', (req, res) => {
      if (!req.url?.startsWith('/interaction/')) return callback(req, res)
      // The sign-in page: whoever the test is signing in logs in and consents, at once.
      void (async () => {
        const details = await provider.interactionDetails(req, res)
        const grant = new provider.Grant({ accountId: signingIn, clientId: details.params.client_id as string })
        grant.addOIDCScope('openid email')
        grant.addResourceScope(audience, 'api')
        const grantId = await grant.save()
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: signingIn }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        )
      })()
    })
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
      return bearer((await res.json()) as { access_token?: string })
    },
    /** A person signs in to `client` through the browser redirects (cookies kept), and it swaps the code. */
    async signIn(client: Client & { redirect_uri: string }, accountId: string) {
      signingIn = accountId
      const verifier = b64url(randomBytes(32))
      const cookies = new Map<string, string>()
      let url = `${issuer}/auth?${new URLSearchParams({
        client_id: client.client_id,
        response_type: 'code',
        redirect_uri: client.redirect_uri,
        scope: 'openid email api',
        resource: audience,
        code_challenge: b64url(createHash('sha256').update(verifier).digest()),
        code_challenge_method: 'S256',
      })}`
      for (let hop = 0; !url.startsWith(client.redirect_uri); hop += 1) {
        if (hop > 10) throw new Error(`sign-in did not come back: ${url}`)
        const res = await fetch(url, {
          redirect: 'manual',
          headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
        })
        for (const cookie of res.headers.getSetCookie()) {
          const [pair] = cookie.split(';')
          const at = pair!.indexOf('=')
          cookies.set(pair!.slice(0, at), pair!.slice(at + 1))
        }
        const location = res.headers.get('location')
        if (location === null) throw new Error(`sign-in stopped at ${url}: ${res.status} ${await res.text()}`)
        url = new URL(location, url).toString()
      }
      const code = new URL(url).searchParams.get('code')
      if (code === null) throw new Error(`no code: ${url}`)
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          redirect_uri: client.redirect_uri,
          client_id: client.client_id,
          client_secret: client.client_secret,
          code_verifier: verifier,
        }),
      })
      return bearer((await res.json()) as { access_token?: string })
    },
    async rotate() {
      keys = [await signingKey('second'), ...keys]
      start()
    },
  }
}

function bearer(body: { access_token?: string }) {
  if (body.access_token === undefined) throw new Error(`no token: ${JSON.stringify(body)}`)
  return { authorization: `Bearer ${body.access_token}` }
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

t.test(
  'a partnership from nothing: its first admin, an officer and a theme chair sign in by the code flow; the chair comments, a police key imports',
  async (t) => {
    const portal = {
      client_id: 'portal',
      client_secret: 'portal-secret-0123456789',
      redirect_uri: 'http://127.0.0.1:9/callback',
    }
    const platform = { client_id: 'platform', client_secret: 'platform-secret-0123456789' }
    const council = await openIdProvider(t, COUNCIL_AUDIENCE, [portal, platform], {
      'ada-oid': 'ada@boston.gov.uk',
      'olive-oid': 'Olive@Boston.gov.uk',
      'chris-oid': 'chris@boston.gov.uk',
      'eve-oid': 'eve@elsewhere.example',
    })
    const ctx = await buildTestApp(t, {
      JWKS_URL: council.jwksUrl,
      JWT_ISSUER: council.issuer,
      JWT_AUDIENCE: COUNCIL_AUDIENCE,
    })
    const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
      ctx.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) })
    const created = await call('POST', '/partnerships', await council.token(platform), {
      slug: 'boston',
      name: 'Boston CSP',
      firstAdmin: { email: 'ada@boston.gov.uk' },
    })
    t.equal(created.statusCode, 201, created.body)

    const ada = await council.signIn(portal, 'ada-oid')
    const me = await call('GET', '/partnerships/boston/me', ada)
    t.equal(me.statusCode, 200, me.body)
    t.match(me.json(), { subject: 'ada-oid', role: 'admin' }, 'signed in, she is the admin she was invited as')
    const invited = await call('POST', '/partnerships/boston/invitations', ada, {
      email: 'olive@boston.gov.uk',
      role: 'officer',
    })
    t.equal(invited.statusCode, 201, invited.body)

    const asChair = await call('POST', '/partnerships/boston/invitations', ada, {
      email: 'chris@boston.gov.uk',
      role: 'viewer',
    })
    t.equal(asChair.statusCode, 201, asChair.body)

    const olive = await council.signIn(portal, 'olive-oid')
    t.equal((await call('GET', '/partnerships/boston/me', olive)).json().role, 'officer', 'olive joins as an officer')
    const chris = await council.signIn(portal, 'chris-oid')
    t.equal((await call('GET', '/partnerships/boston/me', chris)).json().role, 'viewer', 'chris joins as a viewer')

    // The admin sets up a theme group chaired by chris; the officer adds the indicator it reports on.
    const post = async (url: string, payload: object, headers = ada) => {
      const res = await call('POST', `/partnerships/boston/${url}`, headers, payload)
      t.equal(res.statusCode, 201, `${url}: ${res.body}`)
      return res.json()
    }
    const police = await post('agencies', { name: 'Lincolnshire Police', role: 'responsible_authority' })
    const asb = await post('priorities', { name: 'Anti-social behaviour' })
    await post('areas', { name: 'Boston', type: 'district', code: 'E07000136' })
    const indicator = await post(
      'indicators',
      {
        reference: 'LOCAL ASB',
        name: 'ASB incidents',
        unit: 'count',
        polarity: 'lower_better',
        frequency: 'monthly',
        aggregation: 'sum',
        sourceAgencyId: police.id,
        priorityIds: [asb.id],
      },
      olive,
    )
    const group = await post('groups', { name: 'ASB theme group', kind: 'theme', priorityId: asb.id })
    await post(`groups/${group.id}/members`, { subject: 'chris-oid', offices: ['chair'], startsOn: '2010-04-01' })

    // The police's system imports its month with an API key; the chair comments on it.
    const key = (await post('api-keys', { agencyId: police.id, name: 'Lincolnshire Police feed' })).key as string
    const imported = await ctx.app.inject({
      method: 'POST',
      url: '/partnerships/boston/measurements/bulk',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      payload: 'indicator,area,period,value\nLOCAL ASB,E07000136,2010-09,344\n',
    })
    t.equal(imported.statusCode, 200, `the police key imports its file: ${imported.body}`)
    const comment = await call('POST', '/partnerships/boston/commentary', chris, {
      indicatorId: indicator.id,
      areaId: (await call('GET', '/partnerships/boston/areas?code=E07000136', ada)).json().items[0].id,
      period: '2010-09',
      body: 'Up on August: the town-centre dispersal order lapsed mid-month.',
    })
    t.equal(comment.statusCode, 201, `the chair writes the group's commentary: ${comment.body}`)
    const eve = await council.signIn(portal, 'eve-oid')
    t.equal((await call('GET', '/partnerships/boston/me', eve)).statusCode, 404, 'someone not invited is nobody here')
    const members = (await call('GET', '/partnerships/boston/members?sort=subject', ada)).json()
    t.same(
      members.items.map((m: { issuer: string; subject: string; email: string }) => [m.issuer, m.subject, m.email]),
      [
        [council.issuer, 'ada-oid', 'ada@boston.gov.uk'],
        [council.issuer, 'chris-oid', 'chris@boston.gov.uk'],
        [council.issuer, 'olive-oid', 'olive@boston.gov.uk'],
      ],
      "each bound to the provider's issuer and subject",
    )
  },
)
