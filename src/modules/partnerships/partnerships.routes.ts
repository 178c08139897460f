import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { problemResponses } from '../../plugins/problem.js'
import { actorOf } from '../resource/resource.routes.js'
import { IfMatchHeaders, PartnershipParams, page } from '../../http/schemas.js'
import { etagOf } from '../resource/resource.service.js'
import { CreatePartnershipSchema, PartnershipListQuery, UpdatePartnershipSchema } from './partnerships.schemas.js'
import { createPartnershipService } from './partnerships.service.js'

const Partnership = Type.Ref('Partnership')
const tags = ['Partnerships']

const partnershipRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createPartnershipService(app.db)

  app.get('/', {
    config: { access: { scope: 'authenticated' } },
    schema: {
      operationId: 'listPartnerships',
      tags,
      summary: 'List the partnerships the caller belongs to (all of them for a superadmin)',
      description:
        'A page of the partnerships the caller is a member of (limit, cursor); a platform superadmin sees every partnership, archived ones with includeArchived=true.',
      querystring: PartnershipListQuery,
      response: { 200: page(Partnership, 'partnerships'), ...problemResponses(400, 401) },
    },
    handler: async (request) => service.list(request.principal, await app.membershipsOf(request), request.query),
  })

  app.post('/', {
    config: {
      access: { scope: 'superadmin' },
      problems: { 409: ['PARTNERSHIP.DUPLICATE'], 422: ['PARTNERSHIP.FIRST_ADMIN'] },
      etag: true,
    },
    schema: {
      operationId: 'createPartnership',
      tags,
      summary: 'Create a partnership (platform superadmin only)',
      description:
        'Only a platform superadmin creates a partnership: its slug (the URL name), name, the month its financial year starts and its first admin (a member by subject, or an invitation by email), who then lets the rest in. Answers with the record, its ETag and its Location.',
      body: CreatePartnershipSchema,
      response: { 201: Partnership, ...problemResponses(400, 401, 403, 409, 422) },
    },
    handler: async (request, reply) => {
      const row = await service.create(actorOf(request), request.body)
      return reply
        .status(201)
        .header('location', `/partnerships/${row.slug}`)
        .header('etag', etagOf(row.version))
        .send(row)
    },
  })

  app.get('/:partnership', {
    config: { access: { scope: 'partnership', role: 'viewer', superadminToo: true }, etag: true },
    schema: {
      operationId: 'getPartnership',
      tags,
      summary: 'Read a partnership',
      description:
        'The partnership record with its settings (financial year start, funding threshold) and its ETag; a member or a platform superadmin may read it.',
      params: PartnershipParams,
      response: { 200: Partnership, ...problemResponses(400, 401, 404) },
    },
    handler: async (request, reply) => {
      const row = await service.get(request.partnership.slug)
      return reply.header('etag', etagOf(row.version)).send(row)
    },
  })

  app.patch('/:partnership', {
    config: {
      access: { scope: 'partnership', role: 'admin', superadminToo: true },
      problems: { 409: ['PARTNERSHIP.YEAR_START_IN_USE', 'PARTNERSHIP.DUPLICATE'] },
      etag: true,
      // It takes the partnership's row for update and reads it afresh: a key-share lock first would let
      // two such changes each wait for the other's.
      changesPartnership: true,
    },
    schema: {
      operationId: 'updatePartnership',
      tags,
      summary: 'Change a partnership (admin); archive it with archived: true',
      description:
        'An admin changes the name or settings, with If-Match; the year-start month cannot change once financial years depend on it (409 PARTNERSHIP.YEAR_START_IN_USE). A superadmin may archive or unarchive.',
      params: PartnershipParams,
      headers: IfMatchHeaders,
      body: UpdatePartnershipSchema,
      response: { 200: Partnership, ...problemResponses(400, 401, 403, 404, 409, 412, 428) },
    },
    handler: async (request, reply) => {
      const body = request.body
      const row = await service.update(actorOf(request), request.partnership.slug, request.headers['if-match'], body)
      app.forgetPartnership(row.slug)
      return reply.header('etag', etagOf(row.version)).send(row)
    },
  })
}

export default partnershipRoutes
