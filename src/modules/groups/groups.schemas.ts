import Type from 'typebox'
import { GROUP_KINDS, OFFICES } from '../../domain/actions/context.js'
import { ROLES } from '../../domain/access.js'
import { IsoDate, Name, Nullable, RecordFields, StringEnum, Text, Uuid, updateOf } from '../../http/schemas.js'

const Kind = StringEnum(GROUP_KINDS, {
  description:
    'theme: a theme or task and finish group (one per priority); performance: the Performance Management Group; strategic: the Strategic Group or Partnership Board; delivery: a funding delivery group',
})
const Offices = Type.Array(StringEnum(OFFICES), {
  uniqueItems: true,
  maxItems: OFFICES.length,
  description: 'Offices held in the group: chair, vice_chair, designated_officer',
})
const Subject = Type.String({
  minLength: 1,
  maxLength: 255,
  description: "The member's token subject (the sub their identity provider issues)",
})

export const GroupSchema = Type.Object(
  {
    ...RecordFields,
    name: Name,
    kind: Kind,
    priorityId: Nullable(Uuid),
    description: Nullable(Type.String()),
  },
  {
    $id: 'Group',
    additionalProperties: false,
    description: 'A body of the partnership: a theme group, PMG, the Strategic Group, a delivery group',
  },
)
export const CreateGroupSchema = Type.Object(
  {
    name: Name,
    kind: Kind,
    priorityId: Type.Optional(Nullable(Uuid)),
    description: Type.Optional(Nullable(Text)),
  },
  { additionalProperties: false },
)
export const UpdateGroupSchema = updateOf(CreateGroupSchema)
export const GroupFilters = { kind: Kind, priorityId: Uuid }

export const MemberSchema = Type.Object(
  {
    ...RecordFields,
    groupId: Uuid,
    subject: Type.String(),
    name: Nullable(Type.String({ description: 'How the member is named in papers' })),
    agencyId: Nullable(Uuid),
    offices: Offices,
    startsOn: IsoDate,
    endsOn: Nullable(Type.String({ format: 'date', description: 'Last day of the membership; null while it lasts' })),
  },
  {
    $id: 'GroupMember',
    additionalProperties: false,
    description: 'A membership of a group over a span of dates, with the offices held',
  },
)
export const CreateMemberSchema = Type.Object(
  {
    subject: Subject,
    name: Type.Optional(Nullable(Name)),
    agencyId: Type.Optional(Nullable(Uuid)),
    offices: Type.Optional(Offices),
    startsOn: IsoDate,
    endsOn: Type.Optional(Nullable(IsoDate)),
  },
  { additionalProperties: false },
)
export const UpdateMemberSchema = updateOf(CreateMemberSchema)
export const MemberFilters = {
  subject: Subject,
  agencyId: Uuid,
  office: StringEnum(OFFICES, { description: 'Members holding this office' }),
  asOf: Type.String({ format: 'date', description: 'Memberships that cover this date (who chaired the group then)' }),
  on: Type.String({ format: 'date', description: 'The same as asOf, its earlier name (deprecated)' }),
}

export const MeSchema = Type.Object(
  {
    subject: Type.String(),
    role: StringEnum(ROLES),
    agencyId: Nullable(Type.String({ description: 'Set for a partner agency feed client' })),
    asOf: Type.String({ format: 'date', description: 'The date the groups and offices are those of' }),
    on: Type.String({ format: 'date', description: 'The same as asOf, its earlier name (deprecated)' }),
    groups: Type.Array(
      Type.Object(
        {
          membershipId: Uuid,
          groupId: Uuid,
          name: Type.String(),
          kind: Kind,
          priorityId: Nullable(Uuid),
          offices: Offices,
          startsOn: IsoDate,
          endsOn: Nullable(IsoDate),
        },
        { additionalProperties: false },
      ),
      { description: 'The groups the caller is a member of on that date' },
    ),
  },
  { additionalProperties: false, description: 'Who the caller is in this partnership' },
)
