import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { pageCursor } from '../../http/paging.js'
import { problemResponses } from '../../plugins/problem.js'
import { PartnershipParams, page } from '../../http/schemas.js'
import { AuditQuerySchema } from './audit.schemas.js'
import { listAuditEvents } from './audit.repository.js'

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', {
    config: { access: { scope: 'partnership', role: 'admin' } },
    schema: {
      operationId: 'listAuditEvents',
      tags: ['Audit'],
      summary: 'The audit trail of the partnership, newest first (admin)',
      description:
        'Who changed what, when, with the before and after of each record and the request and correlation ids; newest first, filtered by resource, subject and dates. Admins only.',
      params: PartnershipParams,
      querystring: AuditQuerySchema,
      response: { 200: page(Type.Ref('AuditEvent'), 'audit events'), ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request) => {
      const { cursor, limit = 100, ...filters } = request.query
      const cursors = pageCursor<[number]>({ list: 'audit-events', filters }, ([id]) => Number.isSafeInteger(id))
      const rows = await listAuditEvents(app.db, request.partnership.id, {
        ...filters,
        limit: limit + 1,
        ...(cursor === undefined ? {} : { before: cursors.decode(cursor)[0] }),
      })
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return { items, nextCursor: rows.length > limit && last ? cursors.encode([last.id]) : null }
    },
  })
}

export default auditRoutes
