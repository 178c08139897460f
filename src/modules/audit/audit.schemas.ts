import Type from 'typebox'
import { Nullable, StringEnum, Timestamp } from '../../http/schemas.js'

export const AuditEventSchema = Type.Object(
  {
    id: Type.Integer({ description: 'Increasing sequence number' }),
    actor: Type.String({ description: 'Token subject of whoever made the change' }),
    action: Type.String({ enum: ['create', 'update', 'delete'] }),
    resourceType: Type.String(),
    resourceId: Type.String(),
    before: Nullable(Type.Object({}, { additionalProperties: true })),
    after: Nullable(Type.Object({}, { additionalProperties: true })),
    requestId: Nullable(Type.String({ description: "The service's id for the request (x-request-id of its answer)" })),
    correlationId: Nullable(Type.String({ description: 'The x-request-id the client sent, if any' })),
    occurredAt: Timestamp,
  },
  { $id: 'AuditEvent', additionalProperties: false, description: 'Who changed what, when, before and after' },
)

export const AuditQuerySchema = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    sort: Type.Optional(
      StringEnum(['-occurredAt', 'occurredAt'] as const, {
        description: '-occurredAt: newest first (the default); occurredAt: oldest first',
        default: '-occurredAt',
      }),
    ),
    resourceType: Type.Optional(Type.String({ maxLength: 100 })),
    resourceId: Type.Optional(Type.String({ maxLength: 100 })),
    actor: Type.Optional(Type.String({ maxLength: 500 })),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Events at or after this instant' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Events before this instant' })),
  },
  { additionalProperties: false },
)
