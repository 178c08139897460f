import { DomainError } from './errors.js'

export const ROLES = ['viewer', 'officer', 'admin'] as const
export type Role = (typeof ROLES)[number]

export interface Membership {
  role: Role
  /** Set for a partner agency's feed client: it may write only that agency's data. */
  agency?: string
  /** The service's record of it; absent when it rests on the token's memberships claim alone. */
  memberId?: string
}

export interface Principal {
  /** The token's issuer and subject: who the caller is. */
  issuer: string
  subject: string
  /** Only when the identity provider says it verified it: an invitation to it is theirs to accept. */
  email?: string
  superadmin: boolean
  /** The token's own memberships claim, by partnership slug: honoured only with TRUST_TOKEN_MEMBERSHIPS. */
  memberships: ReadonlyMap<string, Membership>
  /** Set when the caller sent a service-issued API key rather than a token: the key's id and its secret's hash. */
  apiKey?: { id: string; secretHash: string }
}

/** The issuer an API key's caller is recorded under: the service itself. */
export const API_KEY_ISSUER = 'urn:safer-partnerships:api-key'

/** Who is acting: always taken from the verified token and the request, never from a body. */
export interface Actor {
  subject: string
  /** The identity provider that vouched for the subject. */
  issuer?: string
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
