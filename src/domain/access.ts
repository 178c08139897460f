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

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum)
}
