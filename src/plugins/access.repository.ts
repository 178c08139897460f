import { sql } from 'kysely'
import type { Db } from '../db/client.js'
import type { Role } from '../domain/access.js'

/** What every request to a partnership needs of it, by slug: its id, year-start month and whether it is archived. */
export function partnershipScope(db: Db, slug: string) {
  return db
    .selectFrom('partnership')
    .select(['id', 'slug', 'financialYearStartMonth', 'archived'])
    .where('slug', '=', slug)
    .executeTakeFirst()
}

/** Who a verified token says the caller is. `email` only when the provider says it verified it. */
export interface Identity {
  issuer: string
  subject: string
  email?: string
}

export interface HeldMembership {
  /** Null for an API key, which is a record of its own. */
  memberId: string | null
  partnershipId: string
  kind: 'person' | 'client'
  role: Role
  agencyId: string | null
}

/**
 * Lets the transaction read the caller's own members and invitations in every partnership (migration
 * 0016's `own` policies), and nothing else of them.
 */
export async function actAsIdentity(trx: Db, identity: Identity): Promise<void> {
  await sql`select set_config('app.issuer', ${identity.issuer}, true), set_config('app.subject', ${identity.subject}, true),
    set_config('app.email', ${identity.email ?? ''}, true)`.execute(trx)
}

/** The caller's memberships that cover the day, in every partnership (inside actAsIdentity). */
export function heldMemberships(trx: Db, identity: Identity, on: string): Promise<HeldMembership[]> {
  return trx
    .selectFrom('member')
    .select(['id as memberId', 'partnershipId', 'kind', 'role', 'agencyId'])
    .where('issuer', '=', identity.issuer)
    .where('subject', '=', identity.subject)
    .where('archived', '=', false)
    .where('startsOn', '<=', on)
    .where((eb) => eb.or([eb('endsOn', 'is', null), eb('endsOn', '>=', on)]))
    .execute()
}

/** Invitations to the caller's verified email still open (inside actAsIdentity), oldest first. */
export function openInvitations(trx: Db, email: string) {
  return trx
    .selectFrom('invitation')
    .selectAll()
    .where('email', '=', email)
    .where('acceptedAt', 'is', null)
    .where('revoked', '=', false)
    .where('archived', '=', false)
    .where('expiresAt', '>', sql<Date>`now()`)
    .orderBy('createdAt')
    .execute()
}
