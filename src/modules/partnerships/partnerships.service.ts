import type { Db } from '../../db/client.js'
import { setTenant } from '../../db/tenancy.js'
import type { NewPartnership, PartnershipUpdate } from '../../db/types.js'
import type { Actor, Principal } from '../../domain/access.js'
import { DomainError, notFound } from '../../domain/errors.js'
import { recordAudit } from '../audit/audit.repository.js'
import { nameFirstAdmin, type FirstAdmin } from '../members/members.service.js'
import { pageCursor } from '../../http/paging.js'
import { SLUG } from '../../http/schemas.js'
import { checkIfMatch, constraintProblem } from '../resource/resource.service.js'
import {
  financialYearUses,
  findPartnership,
  insertPartnership,
  listPartnerships,
  type PartnershipSort,
  updatePartnership,
} from './partnerships.repository.js'

/**
 * Stored periods such as FY2010-11 mean the year from the partnership's year-start month: once any
 * exist, moving that month would change what they cover (and FY2010-11 does not parse in a year that
 * starts in January), so the change is refused, saying what depends on it.
 */
async function refuseIfYearsInUse(trx: Db, partnershipId: string): Promise<void> {
  const uses = await financialYearUses(trx, partnershipId)
  if (uses.length === 0) return
  const named = uses.map((u) => `${u.n} ${u.n === 1 ? u.one : u.many}`)
  throw new DomainError(
    'PARTNERSHIP.YEAR_START_IN_USE',
    'conflict',
    `The year-start month cannot change while financial years are stored in its terms: ${named.join(', ')} name a financial year (FY...). Delete those first, or keep the month.`,
    [{ field: 'body.financialYearStartMonth', message: `${named.join(', ')} depend on it` }],
  )
}

export function createPartnershipService(db: Db) {
  return {
    /**
     * The partnerships the caller belongs to (`memberOf`, by id, from the service's records; the token's
     * claim by slug where trusted); a superadmin sees them all.
     */
    async list(
      principal: Principal,
      memberOf: ReadonlyMap<string, unknown>,
      query: { limit?: number; cursor?: string; sort?: string; q?: string; includeArchived?: boolean },
    ) {
      const limit = query.limit ?? 50
      const sort = query.sort ?? 'slug'
      const descending = sort.startsWith('-')
      const key = (descending ? sort.slice(1) : sort) as PartnershipSort
      const cursors = pageCursor<[string, string]>(
        { list: 'partnerships', sort, filters: { q: query.q, includeArchived: query.includeArchived === true } },
        ([value, slug]) => typeof value === 'string' && typeof slug === 'string' && SLUG.test(slug),
      )
      const after = query.cursor === undefined ? undefined : cursors.decode(query.cursor)
      const rows = await listPartnerships(db, {
        ...(principal.superadmin
          ? {}
          : { among: { ids: [...memberOf.keys()], slugs: [...principal.memberships.keys()] } }),
        sort: key,
        descending,
        ...(after === undefined ? {} : { after }),
        ...(query.q === undefined ? {} : { q: query.q }),
        limit: limit + 1,
        includeArchived: query.includeArchived === true,
      })
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      const value = (row: NonNullable<typeof last>) => {
        const v = row[key]
        return v instanceof Date ? v.toISOString() : v
      }
      return { items, nextCursor: rows.length > limit && last ? cursors.encode([value(last), last.slug]) : null }
    },

    async get(slug: string) {
      const row = await findPartnership(db, slug)
      if (row === undefined) throw notFound('partnership')
      return row
    },

    async create(actor: Actor, { firstAdmin, ...values }: NewPartnership & { firstAdmin?: FirstAdmin }) {
      if (firstAdmin !== undefined && firstAdmin.subject === undefined && firstAdmin.email === undefined)
        throw new DomainError(
          'PARTNERSHIP.FIRST_ADMIN',
          'unprocessable',
          'Name the first admin by subject (a member at once) or by email (an invitation).',
          [{ field: 'body.firstAdmin', message: 'needs a subject or an email' }],
        )
      try {
        return await db.transaction().execute(async (trx) => {
          const row = await insertPartnership(trx, values)
          await setTenant(trx, row.id)
          if (firstAdmin !== undefined)
            await nameFirstAdmin(
              trx,
              { partnershipId: row.id, yearStartMonth: row.financialYearStartMonth },
              actor,
              firstAdmin,
            )
          await recordAudit(trx, actor, {
            partnershipId: row.id,
            action: 'create',
            resourceType: 'partnership',
            resourceId: row.id,
            before: null,
            after: row,
          })
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
        if (
          values.financialYearStartMonth !== undefined &&
          values.financialYearStartMonth !== existing.financialYearStartMonth
        ) {
          await refuseIfYearsInUse(trx, existing.id)
        }
        const row = await updatePartnership(trx, existing.id, values)
        await recordAudit(trx, actor, {
          partnershipId: row.id,
          action: 'update',
          resourceType: 'partnership',
          resourceId: row.id,
          before: existing,
          after: row,
        })
        return row
      })
    },
  }
}
