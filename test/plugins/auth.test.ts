import { SignJWT, generateKeyPair, importJWK, base64url } from 'jose'
import t from 'tap'
import { buildTestApp, seedPartnerships, signWith } from '../helper.js'

const PROBLEM = 'application/problem+json'

t.test('tokens the service must refuse, each with 401 problem+json', async (t) => {
  const ctx = await buildTestApp(t)
  await seedPartnerships(ctx, 'alpha')
  const { key, config } = ctx
  const member = { memberships: [{ partnership: 'alpha', role: 'admin' as const }] }
  const now = Math.floor(Date.now() / 1000)
  const other = await generateKeyPair('ES256', { extractable: true })
  const forged = await new SignJWT(member)
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setSubject('mallory')
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setExpirationTime('1h')
    .sign(other.privateKey)
  const valid = await signWith(key, config, member)
  const [h, p] = valid.split('.')
  const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${p}.`
  // HS256 signed with the public key's bytes: the classic algorithm-confusion attack.
  const hmacSecret = new TextEncoder().encode(JSON.stringify(key.publicJwk))
  const confused = await new SignJWT(member)
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .setSubject('mallory')
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setExpirationTime('1h')
    .sign(hmacSecret)
  const noExp = await new SignJWT(member)
    .setProtectedHeader({ alg: key.alg, kid: key.kid })
    .setSubject('x')
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .sign(await importJWK(key.privateJwk, key.alg))

  const unknownKid = await new SignJWT(member)
    .setProtectedHeader({ alg: key.alg, kid: 'not-a-key-we-publish' })
    .setSubject('x')
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setExpirationTime('1h')
    .sign(await importJWK(key.privateJwk, key.alg))
  const rsa = await generateKeyPair('RS256')
  const rsaSigned = await new SignJWT(member)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setSubject('mallory')
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setExpirationTime('1h')
    .sign(rsa.privateKey)
  // jose checks that sub exists, not what it is.
  const withSub = async (sub: unknown) =>
    new SignJWT({ ...member, sub } as never)
      .setProtectedHeader({ alg: key.alg, kid: key.kid })
      .setIssuer(config.auth.issuer)
      .setAudience(config.auth.audience)
      .setExpirationTime('1h')
      .sign(await importJWK(key.privateJwk, key.alg))
  const stringExp = `${h}.${base64url.encode(JSON.stringify({ ...member, sub: 'x', iss: config.auth.issuer, aud: config.auth.audience, exp: 'tomorrow' }))}.${valid.split('.')[2]}`

  const cases: Array<[string, string | undefined]> = [
    ['unknown kid, right key', `Bearer ${unknownKid}`],
    ['RS256 from a key we never issued', `Bearer ${rsaSigned}`],
    ['empty bearer', 'Bearer '],
    ['two parts only', `Bearer ${h}.${p}`],
    ['exp as a string', `Bearer ${stringExp}`],
    ['a token twice', `Bearer ${valid} ${valid}`],
    ['no Authorization header', undefined],
    ['not a bearer scheme', `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['garbage', 'Bearer not-a-token'],
    ['truncated', `Bearer ${valid.slice(0, -10)}`],
    ['signature of another key', `Bearer ${forged}`],
    ['expired', `Bearer ${await signWith(key, config, { ...member, exp: now - 3600 })}`],
    ['not yet valid', `Bearer ${await signWith(key, config, { ...member, nbf: now + 3600 })}`],
    ['without exp', `Bearer ${noExp}`],
    ['wrong audience', `Bearer ${await signWith(key, config, { ...member, aud: 'someone-else' })}`],
    ['wrong issuer', `Bearer ${await signWith(key, config, { ...member, iss: 'https://evil.example' })}`],
    ['alg none', `Bearer ${unsigned}`],
    ['HS256 with the public key as secret', `Bearer ${confused}`],
    [
      'header tampered to another alg',
      `Bearer ${base64url.encode(JSON.stringify({ alg: 'RS256', kid: key.kid }))}.${p}.${valid.split('.')[2]}`,
    ],
    [
      'payload tampered',
      `Bearer ${h}.${base64url.encode(JSON.stringify({ memberships: [{ partnership: 'alpha', role: 'admin' }], sub: 'x', exp: now + 60 }))}.${valid.split('.')[2]}`,
    ],
    [
      'malformed memberships claim',
      `Bearer ${await signWith(key, config, { memberships: [{ partnership: 'alpha', role: 'god' }] as never })}`,
    ],
    ['oversized', `Bearer ${'a'.repeat(9000)}`],
    ['sub as an array', `Bearer ${await withSub(['alice', 'bob'])}`],
    ['sub as a number', `Bearer ${await withSub(123)}`],
    ['sub empty', `Bearer ${await withSub('  ')}`],
    ['sub as an object', `Bearer ${await withSub({ id: 'alice' })}`],
  ]
  for (const [name, authorization] of cases) {
    const res = await ctx.app.inject({
      method: 'GET',
      url: '/partnerships/alpha/areas',
      headers: authorization === undefined ? {} : { authorization },
    })
    t.equal(res.statusCode, 401, `${name}: 401`)
    t.match(res.headers['content-type'], PROBLEM, `${name}: problem+json`)
    t.equal(res.json().code, 'AUTH.UNAUTHENTICATED', `${name}: stable code`)
  }

  const ok = await ctx.app.inject({
    method: 'GET',
    url: '/partnerships/alpha/areas',
    headers: { authorization: `Bearer ${valid}` },
  })
  t.equal(ok.statusCode, 200, 'and the untampered token is accepted')
})

t.test('public routes need no token', async (t) => {
  const ctx = await buildTestApp(t)
  for (const url of ['/healthz', '/readyz', '/openapi.json']) {
    const res = await ctx.app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, url)
  }
  const docs = await ctx.app.inject({ method: 'GET', url: '/docs/' })
  t.equal(docs.statusCode, 200, '/docs serves the interactive reference')
  t.match(docs.body, '<title>Safer Partnerships API: reference and guide</title>', 'under its own name')
  const guide = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json().info.description as string
  for (const section of ['Getting a token', 'Periods', 'Lists', 'Changing things safely', 'Bulk and feeds', 'Errors'])
    t.match(guide, `## ${section}`, `the guide says: ${section}`)
  t.match(docs.body, /swagger/i)
})
