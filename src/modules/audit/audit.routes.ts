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
        'Who changed what, when, with the before and after of each record and the request and correlation ids; newest first (sort=occurredAt for oldest first), filtered by resource, subject and dates. Admins only.',
      params: PartnershipParams,
      querystring: AuditQuerySchema,
      response: { 200: page(Type.Ref('AuditEvent'), 'audit events'), ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request) => {
      const { cursor, limit = 100, sort = '-occurredAt', ...filters } = request.query
      const cursors = pageCursor<[string, number]>(
        { list: 'audit-events', sort, filters },
        ([at, id]) => typeof at === 'string' && !Number.isNaN(Date.parse(at)) && Number.isSafeInteger(id),
      )
      const rows = await listAuditEvents(app.db, request.partnership.id, {
        ...filters,
        oldestFirst: sort === 'occurredAt',
        limit: limit + 1,
        ...(cursor === undefined ? {} : { after: cursors.decode(cursor) }),
      })
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return {
        items,
        nextCursor: rows.length > limit && last ? cursors.encode([last.occurredAt.toISOString(), last.id]) : null,
      }
    },
  })
}

export default auditRoutes
