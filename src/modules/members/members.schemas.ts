import Type from 'typebox'
import { ROLES } from '../../domain/access.js'
import { IsoDate, Name, Nullable, RecordFields, StringEnum, Timestamp, Uuid, updateOf } from '../../http/schemas.js'

const Role = StringEnum(ROLES, {
  description: 'viewer reads; officer also writes the partnership data; admin also manages members and settings',
})
const Kind = StringEnum(['person', 'client'] as const, {
  description:
    "person: someone who signs in; client: an agency's system (an OAuth client), acting as that agency's feed",
})
const Issuer = Type.String({
  minLength: 1,
  maxLength: 500,
  description: "The identity provider's issuer (the token's iss); default the caller's own",
})
const Subject = Type.String({
  minLength: 1,
  maxLength: 255,
  description: "The token's sub for this person or client at that issuer",
})
export const Email = Type.String({
  format: 'email',
  minLength: 3,
  maxLength: 320,
  description: 'An email address (compared without regard to case)',
})
const EndsOn = Nullable(IsoDate)

export const PartnershipMemberSchema = Type.Object(
  {
    ...RecordFields,
    kind: Kind,
    issuer: Type.String(),
    subject: Type.String(),
    email: Nullable(Type.String()),
    name: Nullable(Type.String()),
    role: Role,
    agencyId: Nullable(Uuid),
    startsOn: IsoDate,
    endsOn: Nullable(Type.String({ format: 'date', description: 'Last day of the membership; null while it lasts' })),
    invitationId: Nullable(Type.String({ format: 'uuid', description: 'The invitation it was accepted from' })),
  },
  {
    $id: 'PartnershipMember',
    additionalProperties: false,
    description:
      "A person's or an agency system's membership of the partnership over a span of dates, with its role: the service's record of who may do what, whatever the token claims",
  },
)
export const CreatePartnershipMemberSchema = Type.Object(
  {
    kind: Type.Optional(Kind),
    issuer: Type.Optional(Issuer),
    subject: Subject,
    email: Type.Optional(Nullable(Email)),
    name: Type.Optional(Nullable(Name)),
    role: Role,
    agencyId: Type.Optional(Nullable(Uuid)),
    startsOn: Type.Optional(IsoDate),
    endsOn: Type.Optional(EndsOn),
  },
  { additionalProperties: false },
)
// Who a membership is (kind, issuer, subject) never changes: end it and add another.
export const UpdatePartnershipMemberSchema = updateOf(
  Type.Object(
    {
      email: Type.Optional(Nullable(Email)),
      name: Type.Optional(Nullable(Name)),
      role: Type.Optional(Role),
      agencyId: Type.Optional(Nullable(Uuid)),
      startsOn: Type.Optional(IsoDate),
      endsOn: Type.Optional(EndsOn),
    },
    { additionalProperties: false },
  ),
)
export const PartnershipMemberFilters = {
  kind: Kind,
  role: Role,
  subject: Subject,
  email: Email,
  agencyId: Uuid,
  asOf: Type.String({ format: 'date', description: 'Memberships that cover this date' }),
  on: Type.String({ format: 'date', description: 'The same as asOf, its earlier name (deprecated)' }),
}

export const InvitationSchema = Type.Object(
  {
    ...RecordFields,
    email: Type.String(),
    name: Nullable(Type.String()),
    role: Role,
    agencyId: Nullable(Uuid),
    expiresAt: Timestamp,
    revoked: Type.Boolean(),
    acceptedAt: Nullable(Timestamp),
    memberId: Nullable(Type.String({ format: 'uuid', description: 'The membership it became' })),
    invitedBy: Type.String({ description: 'The subject of the admin who invited' }),
  },
  {
    $id: 'Invitation',
    additionalProperties: false,
    description:
      'An invitation to join the partnership with a role: the first token whose verified email matches, before it expires, becomes a member',
  },
)
export const CreateInvitationSchema = Type.Object(
  {
    email: Email,
    name: Type.Optional(Nullable(Name)),
    role: Role,
    agencyId: Type.Optional(Nullable(Uuid)),
    expiresAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'When it lapses unaccepted (default 14 days; at most 90)' }),
    ),
  },
  { additionalProperties: false },
)
export const UpdateInvitationSchema = Type.Object(
  { revoked: Type.Literal(true, { description: 'Revoke the invitation: it can no longer be accepted' }) },
  { additionalProperties: false },
)
export const InvitationFilters = { email: Email, role: Role, revoked: Type.Boolean() }
