import Type from 'typebox'
import { Name, Nullable, RecordFields, Timestamp, Uuid } from '../../http/schemas.js'

const ExpiresAt = Type.String({
  format: 'date-time',
  description: 'When the key stops working (default a year from now; at most two years)',
})

export const ApiKeySchema = Type.Object(
  {
    ...RecordFields,
    agencyId: Uuid,
    name: Type.String(),
    expiresAt: Timestamp,
    revoked: Type.Boolean(),
    lastUsedAt: Nullable(Timestamp),
    replaces: Nullable(Type.String({ format: 'uuid', description: 'The key this one rotated' })),
    createdBy: Type.String(),
    key: Type.Optional(
      Type.String({
        description:
          'The key itself (spk_...), shown once: when it is created or rotated. Send it as Authorization: Bearer <key>. Only a hash is kept.',
      }),
    ),
  },
  {
    $id: 'ApiKey',
    additionalProperties: false,
    description:
      "A service-issued key for an agency's system: it acts as that agency's feed (its own measurements and feed imports, provisional), in this partnership only",
  },
)
export const CreateApiKeySchema = Type.Object(
  { agencyId: Uuid, name: Name, expiresAt: Type.Optional(ExpiresAt) },
  { additionalProperties: false },
)
export const UpdateApiKeySchema = Type.Object(
  {
    name: Type.Optional(Name),
    revoked: Type.Optional(Type.Literal(true, { description: 'Revoke the key: it stops working at once here' })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export const ApiKeyFilters = { agencyId: Uuid, revoked: Type.Boolean() }
export const RotateApiKeySchema = Type.Object(
  {
    overlapHours: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 168,
        default: 24,
        description: 'How long the old key keeps working beside the new one, so the system can switch (default 24)',
      }),
    ),
  },
  { additionalProperties: false },
)
