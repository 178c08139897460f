import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { pageCursor } from '../../http/paging.js'
import { Slug, Uuid, page, StringEnum } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { actorOf, registerResourceRoutes, tenantScope } from '../resource/resource.routes.js'
import { CreateWebhookSchema, UpdateWebhookSchema, WebhookSchema } from './webhooks.schemas.js'
import { createWebhookService } from './webhooks.service.js'
import type { EgressPolicy } from './egress.js'

/** A delivery as shown: its event's seq is the list's cursor, not a field. */
function shown<T extends { eventSeq: string }>(row: T): Omit<T, 'eventSeq'> {
  const { eventSeq, ...delivery } = row
  void eventSeq
  return delivery
}

/** Registered under /partnerships/:partnership/webhooks. */
export const webhookRoutes: FastifyPluginAsyncTypebox<{ policy: EgressPolicy }> = async (app, { policy }) => {
  const service = createWebhookService(app.db, policy)
  registerResourceRoutes(app, {
    service,
    operationIds: {
      list: 'listWebhooks',
      create: 'createWebhook',
      get: 'getWebhook',
      update: 'updateWebhook',
      delete: 'deleteWebhook',
    },
    names: { one: 'webhook', many: 'webhooks' },
    tag: 'Events',
    item: WebhookSchema,
    create: CreateWebhookSchema,
    update: UpdateWebhookSchema,
    filters: { enabled: Type.Boolean() },
    readRole: 'admin',
    writeRole: 'admin',
    problems: { write: { 422: ['WEBHOOK.URL'] } },
  })

  const Params = Type.Object({ partnership: Slug, id: Uuid }, { additionalProperties: false })

  app.get('/:id/deliveries', {
    config: { access: { scope: 'partnership', role: 'admin' }, problems: { 404: ['WEBHOOK.NOT_FOUND'] } },
    schema: {
      operationId: 'listWebhookDeliveries',
      tags: ['Events'],
      summary: "A webhook's deliveries, newest event first, with every attempt and its answer",
      description:
        'Each event sent (or to be sent) to the subscription: pending (with when it is tried next), delivered, or failed after every retry; each attempt with the status and the start of the answer, or why there was none. Admins only.',
      params: Params,
      querystring: Type.Object(
        {
          status: Type.Optional(StringEnum(['pending', 'delivered', 'failed'] as const)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: page(Type.Ref('WebhookDelivery'), 'deliveries'), ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request) => {
      const { cursor, limit = 50, status } = request.query
      const cursors = pageCursor<[string]>({ list: 'webhook-deliveries', filters: { status } }, ([seq]) =>
        /^\d{1,18}$/.test(String(seq)),
      )
      const rows = await service.deliveries(tenantScope(request), request.params.id, {
        limit: limit + 1,
        ...(status === undefined ? {} : { status }),
        ...(cursor === undefined ? {} : { before: cursors.decode(cursor)[0] }),
      })
      const items = rows.slice(0, limit).map(shown)
      const last = rows[limit - 1]
      return { items, nextCursor: rows.length > limit && last ? cursors.encode([String(last.eventSeq)]) : null }
    },
  })

  app.post('/:id/deliveries/:deliveryId/redeliver', {
    config: {
      access: { scope: 'partnership', role: 'admin' },
      problems: { 404: ['WEBHOOK.NOT_FOUND', 'WEBHOOK_DELIVERY.NOT_FOUND'] },
    },
    schema: {
      operationId: 'redeliverWebhookDelivery',
      tags: ['Events'],
      summary: 'Send a delivery again, from its first attempt',
      description:
        'The delivery is pending again with a fresh round of retries, sent in its turn (oldest event first) once the subscription is enabled; its earlier attempts stay listed. Admins only.',
      params: Type.Object({ partnership: Slug, id: Uuid, deliveryId: Uuid }, { additionalProperties: false }),
      response: {
        202: Type.Unsafe({ $ref: 'WebhookDelivery', description: 'The delivery, pending again' }),
        ...problemResponses(400, 401, 403, 404),
      },
    },
    handler: async (request, reply) => {
      const delivery = await service.redeliver(
        tenantScope(request),
        actorOf(request),
        request.params.id,
        request.params.deliveryId,
      )
      return reply.status(202).send(shown(delivery))
    },
  })
}
