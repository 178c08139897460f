import Type from 'typebox'
import {
  EXAMPLE_IDS,
  Name,
  Nullable,
  RecordFields,
  recordExample,
  StringEnum,
  Text,
  updateOf,
} from '../../http/schemas.js'

export const AGENCY_ROLES = ['responsible_authority', 'co_operating_body', 'invitee', 'other'] as const

const Email = Type.String({ format: 'email', maxLength: 320 })
const Phone = Type.String({ minLength: 3, maxLength: 40, pattern: '^[0-9+() .-]+$' })
const Short = Type.String({ minLength: 1, maxLength: 200 })

export const AgencySchema = Type.Object(
  {
    ...RecordFields,
    name: Name,
    role: StringEnum(AGENCY_ROLES, { description: 'Its role in the partnership' }),
    contactName: Nullable(Type.String()),
    contactEmail: Nullable(Type.String()),
    contactPhone: Nullable(Type.String()),
    dataSupplied: Nullable(Type.String({ description: 'What data the agency supplies' })),
  },
  {
    $id: 'Agency',
    additionalProperties: false,
    description: 'A partner organisation',
    examples: [
      recordExample(
        {
          name: 'Lincolnshire Police',
          role: 'responsible_authority',
          contactName: null,
          contactEmail: null,
          contactPhone: null,
          dataSupplied: 'Recorded crime and ASB incidents',
        },
        EXAMPLE_IDS.police,
      ),
    ],
  },
)
export const CreateAgencySchema = Type.Object(
  {
    name: Name,
    role: StringEnum(AGENCY_ROLES),
    contactName: Type.Optional(Nullable(Short)),
    contactEmail: Type.Optional(Nullable(Email)),
    contactPhone: Type.Optional(Nullable(Phone)),
    dataSupplied: Type.Optional(Nullable(Text)),
  },
  { additionalProperties: false },
)
export const UpdateAgencySchema = updateOf(CreateAgencySchema)
export const AgencyFilters = { role: Type.Optional(StringEnum(AGENCY_ROLES)) }
