import { randomBytes, timingSafeEqual } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import { setTenant } from '../../db/tenancy.js'
import type { Actor, Principal } from '../../domain/access.js'
import { DomainError, notFound } from '../../domain/errors.js'
import type { HeldMembership } from '../../plugins/access.repository.js'
import { secretHash } from '../../plugins/auth.js'
import { recordAudit } from '../audit/audit.repository.js'
import { findRecord, insertRecord, updateRecord, type Scope, type Values } from '../resource/resource.repository.js'
import { checkIfMatchWhenSent, createResourceService, type WriteHooks } from '../resource/resource.service.js'
import { apiKeySpec, presentedKey } from './keys.repository.js'

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
/** How often a key's last-used time is written: at most once a minute per instance, not per request. */
const LAST_USED_EVERY_MS = 60_000

/** The key as its holder sends it: its record's id, then 256 random bits. */
const formatKey = (id: string, secret: string) => `spk_${id.replaceAll('-', '')}_${secret}`
const newSecret = () => randomBytes(32).toString('base64url')

const hooks: WriteHooks<'apiKey'> = {
  async beforeWrite(_trx, _scope, values, existing, actor) {
    if (existing !== undefined) return values
    const now = Date.now()
    const expiresAt =
      values.expiresAt === undefined ? new Date(now + 365 * DAY_MS) : new Date(values.expiresAt as unknown as string)
    if (expiresAt.getTime() <= now || expiresAt.getTime() > now + 2 * 366 * DAY_MS)
      throw new DomainError('API_KEY.EXPIRY', 'unprocessable', 'A key must expire after now and within two years.', [
        { field: 'body.expiresAt', message: 'is not within the next two years' },
      ])
    return { ...values, expiresAt, createdBy: actor.subject }
  },
}

/** API keys: created and rotated with their secret shown once; each change drops the instance's access cache. */
export function createApiKeyService(db: Db, changed: () => void) {
  const base = createResourceService(db, apiKeySpec, hooks)
  return {
    ...base,
    async create(scope: Scope, actor: Actor, values: Values<'apiKey'>) {
      const secret = newSecret()
      const row = await base.create(scope, actor, { ...values, secretHash: secretHash(secret) })
      return { ...row, key: formatKey(row.id, secret) }
    },
    async update(...args: Parameters<typeof base.update>) {
      const row = await base.update(...args)
      changed()
      return row
    },

    /**
     * A new key for the same agency, with the old one's expiry; the old one keeps working for
     * `overlapHours` (or until it expires, if sooner), so the agency's system can switch without a gap.
     */
    async rotate(scope: Scope, actor: Actor, id: string, ifMatch: string | undefined, overlapHours: number) {
      const secret = newSecret()
      const row = await db.transaction().execute(async (trx) => {
        const old = await findRecord(trx, apiKeySpec, scope, id, true)
        if (old === undefined) throw notFound('API key')
        checkIfMatchWhenSent(ifMatch, old.version)
        if (old.revoked || old.archived || old.expiresAt.getTime() <= Date.now())
          throw new DomainError(
            'API_KEY.INACTIVE',
            'conflict',
            'This key is revoked or expired: create a new one instead of rotating it.',
          )
        const fresh = await insertRecord(trx, apiKeySpec, scope, {
          agencyId: old.agencyId,
          name: old.name,
          secretHash: secretHash(secret),
          expiresAt: old.expiresAt,
          replaces: old.id,
          createdBy: actor.subject,
        })
        const until = new Date(Math.min(old.expiresAt.getTime(), Date.now() + overlapHours * HOUR_MS))
        const ended = await updateRecord(trx, apiKeySpec, scope, old.id, { expiresAt: until })
        const entry = { partnershipId: scope.partnershipId, resourceType: apiKeySpec.type }
        await recordAudit(trx, actor, { ...entry, action: 'create', resourceId: fresh.id, before: null, after: fresh })
        await recordAudit(trx, actor, { ...entry, action: 'update', resourceId: old.id, before: old, after: ended })
        return fresh
      })
      changed()
      return { ...row, key: formatKey(row.id, secret) }
    },
  }
}

/**
 * What a presented API key may do: act as its agency's feed in its partnership, while it is neither
 * revoked nor expired and its secret matches. Its last-used time is written now and then, not audited.
 */
export function keyMemberships(db: Db, apiKey: NonNullable<Principal['apiKey']>): Promise<HeldMembership[]> {
  return db.transaction().execute(async (trx) => {
    const key = await presentedKey(trx, apiKey.id)
    if (
      key === undefined ||
      !timingSafeEqual(Buffer.from(key.secretHash), Buffer.from(apiKey.secretHash)) ||
      key.revoked ||
      key.archived ||
      key.expiresAt.getTime() <= Date.now()
    )
      return []
    if (key.lastUsedAt === null || Date.now() - key.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
      await setTenant(trx, key.partnershipId)
      await trx
        .updateTable('apiKey')
        .set({ lastUsedAt: sql<Date>`now()` })
        .where('id', '=', key.id)
        .execute()
    }
    return [
      { memberId: null, partnershipId: key.partnershipId, kind: 'client', role: 'officer', agencyId: key.agencyId },
    ]
  })
}
