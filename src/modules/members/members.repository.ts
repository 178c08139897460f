import { sql } from 'kysely'
import { covers, type TableSpec } from '../resource/resource.repository.js'

const lowerEquals = (table: string, column: string, value: unknown) =>
  sql<boolean>`${sql.ref(`${table}.${column}`)} = lower(${value as string})`

export const partnershipMemberSpec: TableSpec<'member'> = {
  table: 'member',
  type: 'member',
  columns: ['kind', 'issuer', 'subject', 'email', 'name', 'role', 'agencyId', 'startsOn', 'endsOn', 'invitationId'],
  sorts: { startsOn: 'startsOn', subject: 'subject', createdAt: 'createdAt' },
  search: ['name', 'email', 'subject'],
  conditions: {
    asOf: (table, date) => covers(table, date as string),
    on: (table, date) => covers(table, date as string),
    email: (table, email) => lowerEquals(table, 'email', email),
  },
}

export const invitationSpec: TableSpec<'invitation'> = {
  table: 'invitation',
  type: 'invitation',
  columns: ['email', 'name', 'role', 'agencyId', 'expiresAt', 'revoked', 'acceptedAt', 'memberId', 'invitedBy'],
  sorts: { createdAt: 'createdAt', email: 'email', expiresAt: 'expiresAt' },
  search: ['email', 'name'],
  conditions: { email: (table, email) => lowerEquals(table, 'email', email) },
}
