import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import { setTenant } from '../../db/tenancy.js'
import type { Actor } from '../../domain/access.js'
import { DomainError } from '../../domain/errors.js'
import { today } from '../../http/clock.js'
import {
  actAsIdentity,
  heldMemberships,
  openInvitations,
  type HeldMembership,
  type Identity,
} from '../../plugins/access.repository.js'
import { recordAudit } from '../audit/audit.repository.js'
import {
  insertRecord,
  overlappingSpans,
  updateRecord,
  type Row,
  type Scope,
  type Values,
} from '../resource/resource.repository.js'
import { checkMembershipSpan, createResourceService, type WriteHooks } from '../resource/resource.service.js'
import { invitationSpec, partnershipMemberSpec } from './members.repository.js'

const DAY_MS = 86_400_000
/** An invitation lapses unaccepted after this long unless the admin says sooner. */
const INVITATION_DAYS = 14
const INVITATION_MAX_DAYS = 90

const covering = (row: { startsOn: string; endsOn?: string | null; archived?: boolean }, on: string) =>
  row.archived !== true && row.startsOn <= on && (row.endsOn === null || row.endsOn === undefined || row.endsOn >= on)

/**
 * A partnership keeps at least one admin once it has one: the change that would leave it with none today
 * (an admin demoting or ending themselves, or the last admin archived) is refused, since only a platform
 * superadmin could then let anyone in.
 */
async function keepAnAdmin(trx: Db, scope: Scope, existing: Row<'member'>, merged: Row<'member'>): Promise<void> {
  const on = today()
  if (!(existing.role === 'admin' && covering(existing, on)) || (merged.role === 'admin' && covering(merged, on)))
    return
  await sql`select pg_advisory_xact_lock(hashtextextended(${`admins:${scope.partnershipId}`}, 0))`.execute(trx)
  const others = await trx
    .selectFrom('member')
    .select('id')
    .where('partnershipId', '=', scope.partnershipId)
    .where('role', '=', 'admin')
    .where('archived', '=', false)
    .where('id', '<>', existing.id)
    .where('startsOn', '<=', on)
    .where((eb) => eb.or([eb('endsOn', 'is', null), eb('endsOn', '>=', on)]))
    .executeTakeFirst()
  if (others === undefined)
    throw new DomainError(
      'MEMBER.LAST_ADMIN',
      'conflict',
      "This is the partnership's only admin today: make another member admin first, so someone can still manage members.",
    )
}

const memberHooks: WriteHooks<'member'> = {
  async beforeWrite(trx, scope, values, existing, actor) {
    const settled: Values<'member'> =
      existing === undefined
        ? { startsOn: today(), ...values, issuer: values.issuer ?? actor.issuer ?? '' }
        : { ...values }
    if (typeof settled.email === 'string') settled.email = settled.email.toLowerCase()
    const merged = { ...existing, ...settled } as Row<'member'>
    if (merged.kind === 'client' && (merged.agencyId === null || merged.agencyId === undefined))
      throw new DomainError(
        'MEMBER.CLIENT_AGENCY',
        'unprocessable',
        "An agency's system acts as that agency's feed: name the agency.",
        [{ field: 'body.agencyId', message: 'is required for a client' }],
      )
    await checkMembershipSpan(
      trx,
      'member',
      'MEMBER',
      { partnershipId: scope.partnershipId, issuer: merged.issuer, subject: merged.subject },
      merged,
      existing,
    )
    if (existing !== undefined) await keepAnAdmin(trx, scope, existing, merged)
    return settled
  },
}

const invitationHooks: WriteHooks<'invitation'> = {
  async beforeWrite(trx, scope, values, existing, actor) {
    if (existing !== undefined) {
      if (existing.acceptedAt !== null)
        throw new DomainError(
          'INVITATION.ACCEPTED',
          'conflict',
          `This invitation was accepted on ${existing.acceptedAt.toISOString()}: end the membership it became instead (${existing.memberId}).`,
        )
      return values
    }
    const email = (values.email as string).toLowerCase()
    const now = Date.now()
    const expiresAt =
      values.expiresAt === undefined
        ? new Date(now + INVITATION_DAYS * DAY_MS)
        : new Date(values.expiresAt as unknown as string)
    if (expiresAt.getTime() <= now || expiresAt.getTime() > now + INVITATION_MAX_DAYS * DAY_MS)
      throw new DomainError(
        'INVITATION.EXPIRY',
        'unprocessable',
        `An invitation must expire after now and within ${INVITATION_MAX_DAYS} days.`,
        [{ field: 'body.expiresAt', message: `is not within the next ${INVITATION_MAX_DAYS} days` }],
      )
    await sql`select pg_advisory_xact_lock(hashtextextended(${`invitation:${scope.partnershipId}:${email}`}, 0))`.execute(
      trx,
    )
    const open = await trx
      .selectFrom('invitation')
      .select(['id', 'expiresAt'])
      .where('partnershipId', '=', scope.partnershipId)
      .where('email', '=', email)
      .where('acceptedAt', 'is', null)
      .where('revoked', '=', false)
      .where('expiresAt', '>', sql<Date>`now()`)
      .executeTakeFirst()
    if (open !== undefined)
      throw new DomainError(
        'INVITATION.OPEN',
        'conflict',
        `${email} already has an open invitation (${open.id}, until ${open.expiresAt.toISOString()}): revoke it first, or let it stand.`,
        [{ field: 'body.email', message: 'has an open invitation' }],
        { facts: { conflictingId: open.id } },
      )
    return { ...values, email, expiresAt, invitedBy: actor.subject }
  },
}

/** Members and invitations, each write telling the instance's access cache (`changed`) once it commits. */
export function createMemberServices(db: Db, changed: () => void) {
  const told = <S extends { create: (...a: never[]) => Promise<unknown>; update: (...a: never[]) => Promise<unknown> }>(
    service: S,
  ): S => ({
    ...service,
    create: async (...args: Parameters<S['create']>) => {
      const row = await service.create(...args)
      changed()
      return row
    },
    update: async (...args: Parameters<S['update']>) => {
      const row = await service.update(...args)
      changed()
      return row
    },
  })
  return {
    members: told(createResourceService(db, partnershipMemberSpec, memberHooks)),
    invitations: told(createResourceService(db, invitationSpec, invitationHooks)),
  }
}

/** The membership or invitation a superadmin names when creating a partnership: its first admin. */
export interface FirstAdmin {
  issuer?: string
  subject?: string
  email?: string
  name?: string
}

/** Inside the creating transaction (already scoped to the new partnership). */
export async function nameFirstAdmin(trx: Db, scope: Scope, actor: Actor, first: FirstAdmin): Promise<void> {
  const name = first.name ?? null
  const email = first.email?.toLowerCase() ?? null
  const [resourceType, row] =
    first.subject !== undefined
      ? [
          'member',
          await insertRecord(trx, partnershipMemberSpec, scope, {
            issuer: first.issuer ?? actor.issuer ?? '',
            subject: first.subject,
            email,
            name,
            role: 'admin',
            startsOn: today(),
          }),
        ]
      : [
          'invitation',
          await insertRecord(trx, invitationSpec, scope, {
            email: email!,
            name,
            role: 'admin',
            expiresAt: new Date(Date.now() + INVITATION_DAYS * DAY_MS),
            invitedBy: actor.subject,
          }),
        ]
  await recordAudit(trx, actor, {
    partnershipId: scope.partnershipId,
    action: 'create',
    resourceType,
    resourceId: row.id,
    before: null,
    after: row,
  })
}

/**
 * The caller's memberships today in every partnership, accepting on the way each open invitation to
 * their verified email into a partnership they are not yet in: the membership then binds the token's
 * issuer and subject, and the email no longer matters. Two instances accepting at once: the second's
 * claim finds the invitation taken and reads the membership the first made.
 */
export function membershipsOf(db: Db, identity: Identity, requestId: string): Promise<HeldMembership[]> {
  const on = today()
  return db.transaction().execute(async (trx) => {
    await actAsIdentity(trx, identity)
    const held = await heldMemberships(trx, identity, on)
    if (identity.email === undefined) return held
    const actor: Actor = { subject: identity.subject, issuer: identity.issuer, requestId }
    let accepted = false
    for (const invitation of await openInvitations(trx, identity.email)) {
      if (held.some((m) => m.partnershipId === invitation.partnershipId)) continue
      // Writing a member or an invitation never reads a financial year: the month is not needed here.
      const { partnershipId, ...before } = invitation
      const scope: Scope = { partnershipId, yearStartMonth: 1 }
      await setTenant(trx, scope.partnershipId)
      // Someone already a member from a later day keeps that record, and the invitation stays open.
      const key = { partnershipId: scope.partnershipId, issuer: identity.issuer, subject: identity.subject }
      if ((await overlappingSpans(trx, 'member', key, { startsOn: on, endsOn: null })).length > 0) continue
      const claimed = await trx
        .updateTable('invitation')
        .set({ acceptedAt: sql<Date>`now()` })
        .where('id', '=', invitation.id)
        .where('acceptedAt', 'is', null)
        .where('revoked', '=', false)
        .returning('id')
        .executeTakeFirst()
      if (claimed === undefined) continue
      const member = await insertRecord(trx, partnershipMemberSpec, scope, {
        issuer: identity.issuer,
        subject: identity.subject,
        email: identity.email,
        name: invitation.name,
        role: invitation.role,
        agencyId: invitation.agencyId,
        startsOn: on,
        invitationId: invitation.id,
      })
      const after = await updateRecord(trx, invitationSpec, scope, invitation.id, { memberId: member.id })
      await recordAudit(trx, actor, {
        partnershipId: scope.partnershipId,
        action: 'create',
        resourceType: 'member',
        resourceId: member.id,
        before: null,
        after: member,
      })
      await recordAudit(trx, actor, {
        partnershipId: scope.partnershipId,
        action: 'update',
        resourceType: 'invitation',
        resourceId: invitation.id,
        before,
        after,
      })
      accepted = true
    }
    return accepted ? heldMemberships(trx, identity, on) : held
  })
}
