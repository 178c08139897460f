import { SignJWT, importJWK } from 'jose'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { ROLES, type Role } from '../domain/access.js'
import { loadOrCreateDevKey } from '../plugins/keys.js'

const USAGE = `Usage: npm run token -- --partnership <slug> --role <viewer|officer|admin> [--agency <id>] [--subject <sub>] [--email <address>] [--hours <n>]
       npm run token -- --superadmin [--subject <sub>]
       npm run token -- --subject <sub> --email <address>
Prints a development bearer token, signed with the local key in DATA_DIR, alone on the last line.
Repeat --partnership/--role pairs for several memberships (honoured while TRUST_TOKEN_MEMBERSHIPS is on,
as it is by default with this key). With --email the token carries it as verified: an invitation to that
address is accepted by the token's first request.`

/** Mints a development token signed by the same local key the service verifies against. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      partnership: { type: 'string', multiple: true, default: [] },
      role: { type: 'string', multiple: true, default: [] },
      agency: { type: 'string' },
      superadmin: { type: 'boolean', default: false },
      subject: { type: 'string', default: 'dev-user' },
      email: { type: 'string' },
      hours: { type: 'string', default: '12' },
      help: { type: 'boolean', default: false },
    },
  })
  const partnerships = values.partnership
  const roles = values.role
  const bare = partnerships.length === 0 && !values.superadmin && values.email === undefined
  if (values.help || bare || partnerships.length !== roles.length) {
    process.stderr.write(`${USAGE}\n`)
    process.exit(values.help ? 0 : 2)
  }
  const bad = roles.find((r) => !ROLES.includes(r as Role))
  if (bad !== undefined) {
    process.stderr.write(`Unknown role "${bad}"; roles are ${ROLES.join(', ')}\n`)
    process.exit(2)
  }
  const hours = Number(values.hours)
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) {
    process.stderr.write('--hours must be between 0 and 720\n')
    process.exit(2)
  }
  const config = loadConfig()
  if (config.auth.jwksUrl !== undefined || config.auth.publicKeys !== undefined) {
    process.stderr.write(
      'A production key source (JWKS_URL or JWT_PUBLIC_KEYS) is configured: get tokens from your identity provider.\n',
    )
    process.exit(2)
  }
  const key = await loadOrCreateDevKey(config.auth.devKeyFile)
  const memberships = partnerships.map((partnership, i) => ({
    partnership,
    role: roles[i],
    ...(values.agency === undefined ? {} : { agency: values.agency }),
  }))
  const token = await new SignJWT({
    memberships,
    ...(values.superadmin ? { superadmin: true } : {}),
    ...(values.email === undefined ? {} : { email: values.email, email_verified: true }),
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(values.subject)
    .setIssuer(config.auth.issuer)
    .setAudience(config.auth.audience)
    .setIssuedAt()
    .setExpirationTime(`${hours}h`)
    .sign(await importJWK(key.privateJwk, key.alg))
  process.stderr.write(
    `Token for ${values.subject}${values.email === undefined ? '' : ` <${values.email}>`}: ${memberships.map((m) => `${m.role} in ${m.partnership}`).join(', ') || 'no memberships'}${values.superadmin ? ' (superadmin)' : ''}, valid ${hours} h\n`,
  )
  process.stdout.write(`${token}\n`)
}

await main()
