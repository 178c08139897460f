import fs from 'node:fs/promises'
import path from 'node:path'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose'

export interface DevSigningKey {
  alg: 'ES256'
  kid: string
  privateJwk: JWK
  publicJwk: JWK
}

/**
 * The development signing key: made on first use and kept in the data folder so tokens minted by
 * `npm run token` stay valid across restarts. Never used when a production key source is configured.
 */
export async function loadOrCreateDevKey(file: string): Promise<DevSigningKey> {
  const existing = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined
    throw err
  })
  if (existing !== undefined) return JSON.parse(existing) as DevSigningKey

  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const publicJwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(publicJwk)
  const key: DevSigningKey = {
    alg: 'ES256',
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' },
  }
  await fs.mkdir(path.dirname(file), { recursive: true })
  // 'wx' fails if another process made the key meanwhile; then theirs is the one to use.
  try {
    await fs.writeFile(file, JSON.stringify(key, null, 2), { mode: 0o600, flag: 'wx' })
    return key
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return JSON.parse(await fs.readFile(file, 'utf8')) as DevSigningKey
    throw err
  }
}
