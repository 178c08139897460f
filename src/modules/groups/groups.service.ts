import type { Db } from '../../db/client.js'
import { roleAtLeast, type Actor, type Role } from '../../domain/access.js'
import { DomainError } from '../../domain/errors.js'
import { checkMembershipSpan, createResourceService, type WriteHooks } from '../resource/resource.service.js'
import type { Row } from '../resource/resource.repository.js'
import { groupSpec, groupsOfSubject, memberSpec, membershipsOn, officeHoldersOver } from './groups.repository.js'

export const createGroupService = (db: Db) => createResourceService(db, groupSpec)

const memberHooks: WriteHooks<'groupMember'> = {
  // A subject holds one membership of a group at a time, so "who was in PMG on a date" has one answer each.
  async beforeWrite(trx, scope, values, existing) {
    const merged = { ...existing, ...values } as Row<'groupMember'>
    await checkMembershipSpan(
      trx,
      'groupMember',
      'MEMBERSHIP',
      { partnershipId: scope.partnershipId, groupId: scope.parentId!, subject: merged.subject },
      merged,
      existing,
    )
    // An office has one holder on any day: two chairs of one group on the same day leave "who decides" open.
    const offices = merged.offices ?? []
    if (offices.length > 0) {
      const clash = (
        await officeHoldersOver(trx, scope.partnershipId, scope.parentId!, offices, {
          startsOn: merged.startsOn,
          endsOn: merged.endsOn ?? null,
          ...(existing === undefined ? {} : { except: existing.id }),
        })
      )[0]
      if (clash !== undefined) {
        const office = offices.find((o) => clash.offices.includes(o))!
        throw new DomainError(
          'MEMBERSHIP.OFFICE_TAKEN',
          'conflict',
          `${clash.name ?? clash.subject} is this group's ${office.replace('_', ' ')} from ${clash.startsOn}${clash.endsOn === null ? '' : ` to ${clash.endsOn}`}: end that term first, or start this one after it.`,
          [{ field: 'body.offices', message: `${office} is held by ${clash.subject} over these dates` }],
          { facts: { conflictingId: clash.id } },
        )
      }
    }
    return values
  },
}

export function createMemberService(db: Db) {
  return createResourceService(db, memberSpec, memberHooks)
}

/** The caller in a partnership: role and agency from the token, groups and offices from here. */
export async function whoAmI(
  db: Db,
  partnershipId: string,
  caller: { subject: string; role: Role; agencyId: string | null },
  on: string,
) {
  return { ...caller, asOf: on, on, groups: await membershipsOn(db, partnershipId, caller.subject, on) }
}

/**
 * Members of a theme group may change what the group owns (its actions) without the officer role. Throws
 * unless the actor has `role`, or is a member on `on` of every one of the groups given.
 */
export async function requireRoleOrMembership(
  db: Db,
  partnershipId: string,
  actor: Actor,
  role: 'officer',
  groupIds: ReadonlyArray<string | null>,
  on: string,
  what: string,
  needs: 'every' | 'any' = 'every',
): Promise<void> {
  if (actor.role !== undefined && roleAtLeast(actor.role, role)) return
  const needed = [...new Set(groupIds)]
  const held = needed.includes(null)
    ? []
    : await groupsOfSubject(db, partnershipId, actor.subject, on, needed as string[])
  if (needed.length > 0 && (needs === 'any' ? held.length > 0 : held.length === needed.length)) return
  throw new DomainError(
    'AUTH.FORBIDDEN',
    'forbidden',
    `Changing ${what} needs the ${role} role, or membership of the group that owns it.`,
  )
}
