import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { EventTypeName } from '../webhooks/webhooks.schemas.js'
import { Nullable, PartnershipParams } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { listEvents } from './events.repository.js'

/** Registered under /partnerships/:partnership/events. */
export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    config: { access: { scope: 'partnership', role: 'viewer' } },
    schema: {
      operationId: 'listEvents',
      tags: ['Events'],
      summary: 'The events of the partnership, oldest first, after a cursor: the feed for systems that pull',
      description:
        'What a webhook would have been sent, for a system that prefers to ask: events in the order they happened, each with a cursor. Keep `next` and send it as `after` to read what followed; with nothing new, `next` is the cursor you sent.',
      params: PartnershipParams,
      querystring: Type.Object(
        {
          after: Type.Optional(
            Type.String({ pattern: '^\\d{1,15}$', description: 'The cursor of the last event read (next)' }),
          ),
          type: Type.Optional(Type.Array(EventTypeName, { maxItems: 20, description: 'Only events of these types' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object(
          {
            items: Type.Array(Type.Ref('Event')),
            next: Nullable(Type.String({ description: 'Send as `after` next time (null: no events yet)' })),
          },
          { additionalProperties: false, description: 'The events after the cursor' },
        ),
        ...problemResponses(400, 401, 403, 404),
      },
    },
    handler: async (request) => {
      const { after, type, limit = 100 } = request.query
      const rows = await listEvents(app.db, request.partnership.id, {
        limit,
        ...(after === undefined ? {} : { after: Number(after) }),
        ...(type === undefined ? {} : { types: type }),
      })
      const items = rows.map((r) => ({
        cursor: String(r.seq),
        id: r.id,
        type: r.type,
        occurredAt: r.occurredAt,
        data: r.body as Record<string, unknown>,
      }))
      return { items, next: items.at(-1)?.cursor ?? after ?? null }
    },
  })
}
