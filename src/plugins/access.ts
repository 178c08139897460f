import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { LRUCache } from 'lru-cache'
import { asTenant } from '../db/tenancy.js'
import { roleAtLeast, type Membership, type Principal, type Role } from '../domain/access.js'
import { DomainError, notFound } from '../domain/errors.js'
import type { Db } from '../db/client.js'
import { partnershipScope, type HeldMembership } from './access.repository.js'
import { problemResponses } from './problem.js'

/**
 * Who may call a route. `partnership` routes live under /partnerships/{partnership}: the caller must be a
 * member (else 404, as if it did not exist) with at least `role` (else 403). `superadminToo` lets the
 * platform superadmin act on the partnership record itself without being a member. `groupMembers` lets a
 * lower role through to a write on something a group owns: the service then checks that the caller is a
 * member of the owning group (else 403).
 */
export type Access =
  | { scope: 'public' }
  | { scope: 'authenticated' }
  | { scope: 'superadmin' }
  | { scope: 'partnership'; role: Role; superadminToo?: boolean; agencyWrites?: boolean; groupMembers?: boolean }

export interface PartnershipScope {
  id: string
  slug: string
  financialYearStartMonth: number
  /** An archived partnership is read-only for its members. */
  archived: boolean
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
    /** The route changes the partnership record itself, under its own row lock (no admission check). */
    changesPartnership?: boolean
  }
  interface FastifyRequest {
    partnership: PartnershipScope
    /** The caller's membership of the partnership acted on; null for a superadmin who is not a member. */
    membership: Membership | null
  }
  interface FastifyInstance {
    /** Drops this instance's cached copy of a partnership after changing it. */
    forgetPartnership(slug: string): void
    /** Drops this instance's cached memberships after a member or an invitation changed. */
    forgetMembers(): void
    /** The caller's memberships by partnership id: the service's records, else (if trusted) the token's. */
    membershipsOf(request: FastifyRequest): Promise<ReadonlyMap<string, Membership>>
    /**
     * A partnership a route outside any one partnership reads (a side-by-side view): its scope and the
     * caller's membership; undefined when the caller is not a member, as when it does not exist (a
     * superadmin reads only where a member, as on the partnership's own evaluation).
     */
    readablePartnership(
      request: FastifyRequest,
      slug: string,
    ): Promise<{ scope: PartnershipScope; membership: Membership } | undefined>
  }
}

const READS = new Set(['GET', 'HEAD'])

const forbidden = (detail: string): DomainError => new DomainError('AUTH.FORBIDDEN', 'forbidden', detail)

interface AccessOptions {
  partnershipCacheMs: number
  memberCacheMs: number
  trustTokenMemberships: boolean
  /** The service's record of the caller's memberships (the members module's, handed in by the app). */
  recordedMemberships: (db: Db, principal: Principal, requestId: string) => Promise<HeldMembership[]>
}

async function accessPlugin(app: FastifyInstance, opts: AccessOptions): Promise<void> {
  app.decorateRequest('partnership', null as unknown as PartnershipScope)
  app.decorateRequest('membership', null)
  // Every scoped request needs its partnership's id; a slug never changes and a partnership is never
  // deleted, so a short-lived copy saves a query per request. What can change (archived, the year-start
  // month) never decides a write on the copy's word: each write transaction reads them afresh, locked
  // (db/tenancy.ts asTenant), and a stale copy is dropped when it is found out.
  const cache =
    opts.partnershipCacheMs === 0
      ? undefined
      : new LRUCache<string, PartnershipScope>({ max: 10_000, ttl: opts.partnershipCacheMs })
  app.decorate('forgetPartnership', (slug: string) => void cache?.delete(slug))
  const lookup = async (slug: string): Promise<PartnershipScope | undefined> => {
    const known = cache?.get(slug)
    if (known !== undefined) return known
    const row = await partnershipScope(app.db, slug)
    if (row !== undefined) cache?.set(slug, row)
    return row
  }

  // Who is in which partnership is asked on every scoped request: an instance keeps each caller's answer
  // for MEMBER_CACHE_MS and drops them all when a member or an invitation changes here, so a member
  // removed on another instance is refused here within that time.
  const held =
    opts.memberCacheMs === 0
      ? undefined
      : new LRUCache<string, ReadonlyMap<string, Membership>>({ max: 10_000, ttl: opts.memberCacheMs })
  app.decorate('forgetMembers', () => void held?.clear())
  const servicesRecord = async (principal: Principal, requestId: string) => {
    const key = `${principal.issuer}\n${principal.subject}\n${principal.email ?? principal.apiKey?.secretHash ?? ''}`
    const known = held?.get(key)
    if (known !== undefined) return known
    const rows = await opts.recordedMemberships(app.db, principal, requestId)
    const found = new Map<string, Membership>(
      rows.map((m) => [
        m.partnershipId,
        {
          role: m.role,
          ...(m.memberId === null ? {} : { memberId: m.memberId }),
          // A person's agency says where they work; only an agency's system is held to its feed.
          ...(m.kind === 'client' && m.agencyId !== null ? { agency: m.agencyId } : {}),
        },
      ]),
    )
    held?.set(key, found)
    return found
  }
  const membershipIn = async (request: FastifyRequest, row: PartnershipScope) =>
    (await servicesRecord(request.principal, request.id)).get(row.id) ??
    (opts.trustTokenMemberships ? request.principal.memberships.get(row.slug) : undefined)
  app.decorate('membershipsOf', async (request: FastifyRequest) => servicesRecord(request.principal, request.id))
  app.decorate('readablePartnership', async (request: FastifyRequest, slug: string) => {
    const row = await lookup(slug)
    if (row === undefined) return undefined
    const membership = await membershipIn(request, row)
    return membership === undefined ? undefined : { scope: row, membership }
  })

  // A partnership's handlers query as that partnership, so row-level security holds them to its rows.
  app.addHook('onRoute', (route) => {
    if (route.config?.access?.scope !== 'partnership') return
    // Any write may meet an archived partnership.
    if (route.schema?.response !== undefined && [route.method].flat().some((m) => !READS.has(m))) {
      route.schema.response = { ...problemResponses(409), ...(route.schema.response as object) }
    }
    const handler = route.handler
    const writes = [route.method].flat().some((m) => !READS.has(m)) && route.config.changesPartnership !== true
    route.handler = function (request, reply) {
      const { id, financialYearStartMonth, archived } = request.partnership
      return asTenant(
        id,
        () => handler.call(this, request, reply),
        writes ? { financialYearStartMonth, archived } : undefined,
      )
    }
  })

  // The copy this request was admitted on is stale: the next request reads the partnership afresh.
  app.addHook('onError', async (request, _reply, error) => {
    if ((error as { code?: string }).code === 'PARTNERSHIP.CHANGED' && request.partnership !== null)
      cache?.delete(request.partnership.slug)
  })

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const access = request.routeOptions.config.access
    if (access === undefined) {
      // A route that forgot to say who may call it is closed, not open.
      if (request.routeOptions.url === undefined) return // the not-found handler
      throw forbidden('This route declares no access rule.')
    }
    if (access.scope === 'public') return
    await app.authenticate(request)
    const principal = request.principal
    // An API key is checked against its record here, where the database is: unknown, revoked or expired, 401.
    if (principal.apiKey !== undefined && (await servicesRecord(principal, request.id)).size === 0)
      throw new DomainError('AUTH.UNAUTHENTICATED', 'unauthenticated', 'The API key is unknown, revoked or expired.')
    if (access.scope === 'authenticated') return
    if (access.scope === 'superadmin') {
      if (!principal.superadmin) throw forbidden('Only a platform superadmin may do this.')
      return
    }

    const slug = (request.params as { partnership?: string }).partnership ?? ''
    let row = await lookup(slug)
    if (row === undefined) throw notFound('partnership')
    const membership = await membershipIn(request, row)
    const asSuperadmin = membership === undefined && access.superadminToo === true && principal.superadmin
    if (membership === undefined && !asSuperadmin) throw notFound('partnership')
    // Refusing on a stale copy would keep a partnership read-only after it was unarchived elsewhere.
    if (row.archived && !READS.has(request.method) && cache !== undefined) {
      cache.delete(slug)
      row = (await lookup(slug)) ?? row
    }
    if (membership !== undefined) {
      if (!roleAtLeast(membership.role, access.role) && access.groupMembers !== true)
        throw forbidden(`This needs the ${access.role} role in ${slug}.`)
      // A partner agency's feed token writes only its own measurements (agencyWrites routes check which).
      if (membership.agency !== undefined && !READS.has(request.method) && access.agencyWrites !== true) {
        throw forbidden('An agency feed token may not change partnership data.')
      }
      if (row.archived && !READS.has(request.method)) {
        throw new DomainError(
          'PARTNERSHIP.ARCHIVED',
          'conflict',
          'This partnership is archived: its data can be read, not changed. A platform superadmin can unarchive it.',
        )
      }
    }
    request.partnership = row
    request.membership = membership ?? null
  })
}

// Registered inside the API's scope (app.ts), so its hook covers the API's routes only, not docs and health.
export default fp(accessPlugin, { name: 'access', dependencies: ['auth', 'db'] })
