import Type from 'typebox'
import { EVENT_TYPES, EVENT_TYPE_NAMES } from '../../domain/webhooks.js'
import { Nullable, RecordFields, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'

export const EventTypeName = StringEnum(EVENT_TYPE_NAMES, {
  description: `What happened: ${Object.entries(EVENT_TYPES)
    .map(([type, told]) => `${type} (${told})`)
    .join('; ')}`,
})

const fields = {
  url: Type.String({
    minLength: 1,
    maxLength: 2000,
    description:
      'Where deliveries are POSTed: https (http only to loopback, in development), at a public address unless the service allows a private network (WEBHOOK_ALLOWED_NETWORKS)',
  }),
  eventTypes: Type.Array(EventTypeName, {
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
    description: 'The events sent there',
  }),
  description: Nullable(Type.String({ minLength: 1, maxLength: 500, description: 'What the receiver is' })),
}

export const WebhookSchema = Type.Object(
  {
    ...RecordFields,
    ...fields,
    enabled: Type.Boolean({ description: 'Deliveries are sent; false once disabled by failures (or by an admin)' }),
    disabledReason: Nullable(Type.String({ description: 'Why the service disabled it' })),
    secret: Type.Optional(
      Type.String({
        description:
          'The signing secret (whsec_...), shown once, when the subscription is created: verify each delivery with it (Standard Webhooks, webhook-signature)',
      }),
    ),
  },
  {
    $id: 'Webhook',
    additionalProperties: false,
    description:
      'A subscription: events of some types POSTed to a URL, signed (Standard Webhooks), in the order they happened, retried for about a day',
  },
)

export const CreateWebhookSchema = Type.Object(
  { ...fields, description: Type.Optional(fields.description) },
  { additionalProperties: false },
)
export const UpdateWebhookSchema = Type.Object(
  {
    url: Type.Optional(fields.url),
    eventTypes: Type.Optional(fields.eventTypes),
    description: Type.Optional(fields.description),
    enabled: Type.Optional(
      Type.Boolean({ description: 'true sends again what is pending (after a disabling); false holds deliveries' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
)

const Attempt = Type.Object(
  {
    at: Timestamp,
    status: Nullable(Type.Integer({ description: "The receiver's HTTP status" })),
    error: Nullable(Type.String({ description: 'Why there was no answer (refused, timed out, unreachable)' })),
    body: Nullable(Type.String({ description: 'The start of what the receiver answered (at most 1 KiB)' })),
    durationMs: Type.Integer(),
  },
  { additionalProperties: false },
)

export const DeliverySchema = Type.Object(
  {
    id: Uuid,
    eventId: { ...Uuid, description: 'The event, sent as webhook-id: the same on every attempt' },
    eventType: EventTypeName,
    status: StringEnum(['pending', 'delivered', 'failed'] as const, {
      description: 'pending: to be sent (or retried at nextAttemptAt); failed: every attempt failed',
    }),
    attemptCount: Type.Integer(),
    nextAttemptAt: Nullable(Timestamp),
    deliveredAt: Nullable(Timestamp),
    attempts: Type.Array(Attempt),
    createdAt: Timestamp,
  },
  { $id: 'WebhookDelivery', additionalProperties: false, description: 'One event sent to one subscription' },
)

export const EventSchema = Type.Object(
  {
    cursor: Type.String({ description: 'Send it as `after` to read the events that follow this one' }),
    id: { ...Uuid, description: 'The webhook-id its deliveries carry' },
    type: EventTypeName,
    occurredAt: Timestamp,
    data: Type.Object({}, { additionalProperties: true, description: 'What changed: ids and the figures that matter' }),
  },
  { $id: 'Event', additionalProperties: false, description: 'Something that happened in the partnership' },
)
