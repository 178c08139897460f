import { DomainError } from './errors.js'

export const ROLES = ['viewer', 'officer', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface Membership {
  role: Role
  /** Set for a partner agency's feed client: it may write only that agency's data. */
  agency?: string
}

export interface Principal {
  subject: string
  superadmin: boolean
  memberships: ReadonlyMap<string, Membership>
}

/** Who is acting: always taken from the verified token and the request, never from a body. */
export interface Actor {
  subject: string
  /** The service's own id for the request. */
  requestId: string
  /** The id the client sent (x-request-id), kept beside the service's to trace a request across systems. */
  correlationId?: string
  /** The caller's role in the partnership acted on (absent for a platform superadmin). */
  role?: Role
}

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum)
}

/**
 * What someone wrote in their own name (a comment, a progress update) is theirs: only they, or an admin
 * (recorded as the editor), change or delete it.
 */
export function requireAuthor(
  written: { author: string; what: string; code: string },
  actor: Actor,
  action: 'change' | 'delete',
): void {
  if (written.author === actor.subject || actor.role === 'admin') return
  throw new DomainError(written.code, 'forbidden', `Only the ${written.what}'s author or an admin may ${action} it.`)
}
