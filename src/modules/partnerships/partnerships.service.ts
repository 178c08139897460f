import type { Db } from '../../db/client.js'
import { setTenant } from '../../db/tenancy.js'
import type { NewPartnership, PartnershipUpdate } from '../../db/types.js'
import type { Principal } from '../../domain/access.js'
import { notFound } from '../../domain/errors.js'
import { recordAudit } from '../audit/audit.repository.js'
import { badCursor } from '../resource/resource.repository.js'
import { SLUG } from '../resource/resource.schemas.js'
import { checkIfMatch, constraintProblem, type Actor } from '../resource/resource.service.js'
import { findPartnership, insertPartnership, listPartnerships, updatePartnership } from './partnerships.repository.js'

export function createPartnershipService(db: Db) {
  return {
    /** The partnerships the caller belongs to; a superadmin sees them all. */
    async list(principal: Principal, query: { limit?: number; cursor?: string; includeArchived?: boolean }) {
      const limit = query.limit ?? 50
      const after = query.cursor === undefined ? undefined : Buffer.from(query.cursor, 'base64url').toString('utf8')
      if (after !== undefined && !SLUG.test(after)) throw badCursor()
      const rows = await listPartnerships(db, {
        ...(principal.superadmin ? {} : { slugs: [...principal.memberships.keys()] }),
        ...(after === undefined ? {} : { after }),
        limit: limit + 1,
        includeArchived: query.includeArchived === true,
      })
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return { items, nextCursor: rows.length > limit && last ? Buffer.from(last.slug).toString('base64url') : null }
    },

    async get(slug: string) {
      const row = await findPartnership(db, slug)
      if (row === undefined) throw notFound('partnership')
      return row
    },

    async create(actor: Actor, values: NewPartnership) {
      try {
        return await db.transaction().execute(async (trx) => {
          const row = await insertPartnership(trx, values)
          await setTenant(trx, row.id)
          await recordAudit(trx, { partnershipId: row.id, actor: actor.subject, action: 'create', resourceType: 'partnership', resourceId: row.id, before: null, after: row, requestId: actor.requestId })
          return row
        })
      } catch (err) {
        throw constraintProblem(err, 'partnership', 'partnership', 'write') ?? err
      }
    },

    update(actor: Actor, slug: string, ifMatch: string | undefined, values: PartnershipUpdate) {
      return db.transaction().execute(async (trx) => {
        const existing = await findPartnership(trx, slug, true)
        if (existing === undefined) throw notFound('partnership')
        checkIfMatch(ifMatch, existing.version)
        const row = await updatePartnership(trx, existing.id, values)
        await recordAudit(trx, { partnershipId: row.id, actor: actor.subject, action: 'update', resourceType: 'partnership', resourceId: row.id, before: existing, after: row, requestId: actor.requestId })
        return row
      })
    },
  }
}
