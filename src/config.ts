import { isIP } from 'node:net'
import path from 'node:path'

// The only reader of process.env: everything else receives a Config.
export interface Config {
  env: 'development' | 'production' | 'test'
  host: string
  port: number
  logLevel: string
  logPretty: boolean
  databaseUrl: string | undefined
  dataDir: string
  embeddedPgPort: number
  migrateOnStart: boolean
  db: {
    poolMax: number
    connectTimeoutMs: number
    statementTimeoutMs: number
  }
  http: {
    bodyLimitBytes: number
    bulkBodyLimitBytes: number
    /** The longest pause allowed between pieces of a bulk body. */
    bulkIdleTimeoutMs: number
    bulkMinBytesPerSecond: number
    requestTimeoutMs: number
    shutdownGraceMs: number
    partnershipCacheMs: number
    /** Browser origins allowed to call the API across origins (CORS); none by default. */
    corsOrigins: string[]
  }
  limits: {
    /** Bulk uploads running at once on this instance, and by one client. */
    bulkConcurrency: number
    bulkConcurrencyPerClient: number
    bulkConcurrencyPerPartnership: number
    /** The queue delay (time waited for a database connection) admission aims to stay under. */
    queueTargetMs: number
    /** The most requests an instance works on at once, however short the queue. */
    maxInFlight: number
    maxEventLoopDelayMs: number
    maxRssBytes: number
    rateLimitMax: number
    /** Requests per address per window, counted before any token is verified. */
    rateLimitAddressMax: number
    rateLimitWindowMs: number
    /** The contract's heavy reads (x-heavy) per partnership per window, on each instance; 0 for none. */
    heavyReadMax: number
    heavyReadWindowMs: number
    /** Worker threads that answer the heavy reads (plugins/heavy-threads.ts); 0 answers them on the main thread. */
    heavyReadThreads: number
  }
  auth: {
    issuer: string
    audience: string
    algorithms: string[]
    jwksUrl: string | undefined
    publicKeys: string | undefined
    jwksCooldownMs: number
    tokenCacheSeconds: number
    devKeyFile: string
    /** Further identity providers, each with its own key set and audience. */
    trustedIssuers: TrustedIssuer[]
    /** Roles from the token's memberships claim, where the service keeps no member record for the caller. */
    trustTokenMemberships: boolean
    /** How long an instance keeps a caller's memberships; a removed member is refused within it everywhere. */
    memberCacheMs: number
  }
  webhooks: {
    /** Whether this instance delivers (runs the job queue's workers); every instance may. */
    deliver: boolean
    /** How long a receiver has to answer one delivery. */
    timeoutMs: number
    /** The waits before each retry of a failed delivery; after the last, the subscription is disabled. */
    retrySeconds: number[]
    /** Private networks a receiver may be on (CIDRs); none by default (SSRF). */
    allowedNetworks: string[]
    /** Plain http to a loopback receiver (development and tests only; never in production). */
    allowLoopback: boolean
    /** How long an instance holds a subscription's deliveries before another may take them. */
    leaseSeconds: number
    /** How often an idle worker asks the queue for work. */
    pollSeconds: number
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

type Env = Record<string, string | undefined>

function int(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`)
  return value
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (/^(1|true|yes)$/i.test(raw)) return true
  if (/^(0|false|no)$/i.test(raw)) return false
  throw new ConfigError(`${name} must be true or false, got "${raw}"`)
}

/** An allow-list of exact origins (scheme, host and port): a wildcard would let any site use a token. */
function corsOrigins(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
  for (const origin of origins) {
    let url: URL
    try {
      url = new URL(origin)
    } catch {
      throw new ConfigError(`CORS_ORIGINS: ${origin} is not an origin such as https://app.example.org`)
    }
    if (url.origin !== origin) throw new ConfigError(`CORS_ORIGINS: write ${url.origin}, not ${origin}`)
  }
  return origins
}

export interface TrustedIssuer {
  issuer: string
  jwksUrl: string
  audience: string
}

/**
 * Identity providers trusted beside the first (JWT_ISSUER): a council's and a force's, each with its own
 * key set and audience. A JSON array of {"issuer", "jwksUrl", "audience"} (audience default JWT_AUDIENCE).
 */
function trustedIssuers(value: string | undefined, audience: string, first: string): TrustedIssuer[] {
  if (value === undefined) return []
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    throw new ConfigError('TRUSTED_ISSUERS must be a JSON array of {"issuer", "jwksUrl", "audience"}')
  }
  if (!Array.isArray(parsed)) throw new ConfigError('TRUSTED_ISSUERS must be a JSON array')
  const issuers = parsed.map((entry: Record<string, unknown>, i) => {
    const at = `TRUSTED_ISSUERS[${i}]`
    if (typeof entry?.issuer !== 'string' || entry.issuer === '') throw new ConfigError(`${at}.issuer is required`)
    if (typeof entry.jwksUrl !== 'string' || !/^https?:\/\//.test(entry.jwksUrl))
      throw new ConfigError(`${at}.jwksUrl must be an http(s) URL`)
    if (entry.audience !== undefined && typeof entry.audience !== 'string')
      throw new ConfigError(`${at}.audience must be a string`)
    return {
      issuer: entry.issuer,
      jwksUrl: entry.jwksUrl,
      audience: (entry.audience as string | undefined) ?? audience,
    }
  })
  const names = [first, ...issuers.map((i) => i.issuer)]
  const twice = names.find((name, i) => names.indexOf(name) !== i)
  if (twice !== undefined) throw new ConfigError(`TRUSTED_ISSUERS names ${twice} twice (or as JWT_ISSUER too)`)
  return issuers
}

/** A comma-separated list of whole numbers of seconds, each at least 1. */
function seconds(env: Env, name: string, fallback: number[]): number[] {
  const raw = str(env, name)
  if (raw === undefined) return fallback
  const list = raw.split(',').map((s) => s.trim())
  if (list.length === 0 || list.length > 20 || list.some((s) => !/^\d+$/.test(s) || Number(s) < 1))
    throw new ConfigError(`${name} must list 1 to 20 whole numbers of seconds (each at least 1), got "${raw}"`)
  return list.map(Number)
}

/** CIDR blocks such as 10.20.0.0/16 or fd00::/8. */
function networks(env: Env, name: string): string[] {
  const list = (str(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  for (const cidr of list) {
    const [address, bits] = cidr.split('/')
    const family = isIP(address ?? '')
    if (family === 0 || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128))
      throw new ConfigError(`${name}: ${cidr} is not a network such as 10.20.0.0/16`)
  }
  return list
}

function str(env: Env, name: string): string | undefined {
  const raw = env[name]
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim()
}

/** A partnership's heavy reads per window on an instance: two a second, a committee paper's worth. */
export const DEFAULT_HEAVY_READ_MAX = 8

/** Threads answering heavy reads beside the main thread (plugins/heavy-threads.ts). */
export const DEFAULT_HEAVY_READ_THREADS = 1

export function loadConfig(env: Env = process.env): Config {
  const webhookTimeoutMs = int(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000)
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development'
  const dataDir = path.resolve(str(env, 'DATA_DIR') ?? '.data')
  const jwksUrl = str(env, 'JWKS_URL')
  const publicKeys = str(env, 'JWT_PUBLIC_KEYS')
  if (jwksUrl !== undefined && !/^https?:\/\//.test(jwksUrl)) throw new ConfigError('JWKS_URL must be an http(s) URL')
  if (nodeEnv === 'production' && jwksUrl === undefined && publicKeys === undefined) {
    throw new ConfigError('In production set JWKS_URL or JWT_PUBLIC_KEYS: the development signing key is refused there')
  }
  const issuer = str(env, 'JWT_ISSUER') ?? 'urn:safer-partnerships:dev'
  const audience = str(env, 'JWT_AUDIENCE') ?? 'safer-partnerships-api'
  const algorithms = (str(env, 'JWT_ALGORITHMS') ?? 'RS256,PS256,ES256,EdDSA').split(',').map((a) => a.trim())
  const symmetric = algorithms.filter((a) => /^HS|^none$/i.test(a))
  if (symmetric.length > 0)
    throw new ConfigError(`JWT_ALGORITHMS may list asymmetric algorithms only, not ${symmetric.join(', ')}`)
  return {
    env: nodeEnv,
    host: str(env, 'HOST') ?? '127.0.0.1',
    port: int(env, 'PORT', 3000, 0, 65535),
    logLevel: str(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    logPretty: bool(env, 'LOG_PRETTY', nodeEnv === 'development' && process.stdout.isTTY === true),
    databaseUrl: str(env, 'DATABASE_URL'),
    dataDir,
    embeddedPgPort: int(env, 'EMBEDDED_PG_PORT', 0, 0, 65535),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', true),
    db: {
      poolMax: int(env, 'DB_POOL_MAX', 10, 1, 1000),
      connectTimeoutMs: int(env, 'DB_CONNECT_TIMEOUT_MS', 5000, 100),
      statementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 15000, 100),
    },
    http: {
      bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024),
      bulkBodyLimitBytes: int(env, 'BULK_BODY_LIMIT_BYTES', 128 * 1024 * 1024, 1024),
      bulkIdleTimeoutMs: int(env, 'BULK_IDLE_TIMEOUT_MS', 10_000, 100),
      bulkMinBytesPerSecond: int(env, 'BULK_MIN_BYTES_PER_SECOND', 4096, 0),
      requestTimeoutMs: int(env, 'REQUEST_TIMEOUT_MS', 120_000, 1000),
      shutdownGraceMs: int(env, 'SHUTDOWN_GRACE_MS', 10000, 0),
      partnershipCacheMs: int(env, 'PARTNERSHIP_CACHE_MS', 5000, 0, 60_000),
      corsOrigins: corsOrigins(str(env, 'CORS_ORIGINS')),
    },
    limits: {
      bulkConcurrency: int(env, 'BULK_CONCURRENCY', 4, 1),
      bulkConcurrencyPerClient: int(env, 'BULK_CONCURRENCY_PER_CLIENT', 2, 1),
      bulkConcurrencyPerPartnership: int(
        env,
        'BULK_CONCURRENCY_PER_PARTNERSHIP',
        Math.ceil(int(env, 'BULK_CONCURRENCY', 4, 1) / 2),
        1,
      ),
      queueTargetMs: int(env, 'QUEUE_TARGET_MS', 100, 1),
      maxInFlight: int(env, 'MAX_IN_FLIGHT', 2 * int(env, 'DB_POOL_MAX', 10, 1, 1000), 1),
      maxEventLoopDelayMs: int(env, 'MAX_EVENT_LOOP_DELAY_MS', 200, 0),
      maxRssBytes: int(env, 'MAX_RSS_BYTES', 1024 * 1024 * 1024, 0),
      rateLimitMax: int(env, 'RATE_LIMIT_MAX', 6000, 0),
      rateLimitAddressMax: int(env, 'RATE_LIMIT_ADDRESS_MAX', 24000, 0),
      rateLimitWindowMs: int(env, 'RATE_LIMIT_WINDOW_MS', 60_000, 1000),
      heavyReadMax: int(env, 'HEAVY_READ_MAX', DEFAULT_HEAVY_READ_MAX, 0),
      heavyReadWindowMs: int(env, 'HEAVY_READ_WINDOW_MS', 4000, 1000),
      // In tests the heavy reads run on the main thread unless a test asks: a thread is a second app to start.
      heavyReadThreads: int(env, 'HEAVY_READ_THREADS', nodeEnv === 'test' ? 0 : DEFAULT_HEAVY_READ_THREADS, 0, 16),
    },
    auth: {
      issuer,
      audience,
      algorithms,
      jwksUrl,
      publicKeys,
      jwksCooldownMs: int(env, 'JWKS_COOLDOWN_MS', 30000, 0),
      tokenCacheSeconds: int(env, 'TOKEN_CACHE_SECONDS', 60, 0, 3600),
      devKeyFile: path.resolve(str(env, 'DEV_SIGNING_KEY_FILE') ?? path.join(dataDir, 'dev-signing-key.json')),
      // Off wherever a real identity provider signs; on with the development key, whose tokens only
      // `npm run token` mints (it names memberships, as a development identity provider would).
      trustTokenMemberships: bool(env, 'TRUST_TOKEN_MEMBERSHIPS', jwksUrl === undefined && publicKeys === undefined),
      memberCacheMs: int(env, 'MEMBER_CACHE_MS', 5000, 0, 60_000),
      trustedIssuers: trustedIssuers(str(env, 'TRUSTED_ISSUERS'), audience, issuer),
    },
    webhooks: {
      deliver: bool(env, 'WEBHOOK_DELIVERY', true),
      timeoutMs: webhookTimeoutMs,
      // Standard Webhooks' schedule: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 28 h).
      retrySeconds: seconds(env, 'WEBHOOK_RETRY_SECONDS', [5, 300, 1800, 7200, 18_000, 36_000, 36_000]),
      allowedNetworks: networks(env, 'WEBHOOK_ALLOWED_NETWORKS'),
      allowLoopback: nodeEnv !== 'production' && bool(env, 'WEBHOOK_ALLOW_LOOPBACK', true),
      // A lease outlasts one delivery's wait, or an instance would lose it while a receiver thinks.
      leaseSeconds: Math.max(int(env, 'WEBHOOK_LEASE_SECONDS', 60, 1, 3600), Math.ceil(webhookTimeoutMs / 1000) + 2),
      pollSeconds: int(env, 'JOB_POLL_SECONDS', 2, 1, 60),
    },
  }
}
