import type { FastifyInstance } from 'fastify'
import Type, { type Static } from 'typebox'
import { problemResponses } from '../../plugins/problem.js'
import { PartnershipParams, page } from '../resource/resource.schemas.js'
import { AuditQuerySchema } from './audit.schemas.js'
import { listAuditEvents } from './audit.repository.js'

export default async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', {
    config: { access: { scope: 'partnership', role: 'admin' } },
    schema: {
      operationId: 'listAuditEvents',
      tags: ['Audit'],
      summary: 'The audit trail of the partnership, newest first (admin)',
      params: PartnershipParams,
      querystring: AuditQuerySchema,
      response: { 200: page(Type.Ref('AuditEvent'), 'audit events'), ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request) => {
      const { cursor, limit = 100, ...filters } = request.query as Static<typeof AuditQuerySchema>
      const rows = await listAuditEvents(app.db, request.partnership.id, { ...filters, limit: limit + 1, ...(cursor === undefined ? {} : { before: Number(cursor) }) })
      const items = rows.slice(0, limit)
      return { items, nextCursor: rows.length > limit ? String(items[items.length - 1]?.id) : null }
    },
  })
}
