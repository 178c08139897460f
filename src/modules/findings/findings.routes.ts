import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { dateWindow } from '../../domain/periods.js'
import { pageCursor, UUID_PATTERN } from '../../http/paging.js'
import { IdParams, IfMatchHeaders, page, PartnershipParams } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { actorOf } from '../resource/resource.routes.js'
import { etagOf } from '../resource/resource.service.js'
import { DecideFindingSchema, FindingListQuery } from './findings.schemas.js'
import { createFindingService } from './findings.service.js'

const tags = ['Measurements']
const Finding = Type.Ref('Finding')

const findingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createFindingService(app.db)

  app.get('/', {
    config: { access: { scope: 'partnership', role: 'viewer' }, problems: { 400: ['PERIOD.INVALID', 'PAGE.CURSOR'] } },
    schema: {
      operationId: 'listFindings',
      tags,
      summary: 'Figures queried on arrival (outliers), newest first',
      description:
        'Every figure a write brought that looked unlike its own history, with the rule it broke, what was expected and what became of it; filtered by state (open findings are the ones to look at), indicator, area and a from/to window of periods.',
      params: PartnershipParams,
      querystring: FindingListQuery,
      response: { 200: page(Finding, 'findings'), ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const { cursor, limit = 50, ...filters } = dateWindow(request.query, request.partnership.financialYearStartMonth)
      const cursors = pageCursor<[string, string]>(
        { list: 'findings', filters },
        ([at, id]) =>
          typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && UUID_PATTERN.test(id),
      )
      const after = cursor === undefined ? undefined : cursors.decode(cursor)
      const rows = await service.list(request.partnership.id, {
        ...filters,
        limit: limit + 1,
        ...(after === undefined ? {} : { after: { createdAt: after[0], id: after[1] } }),
      })
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return {
        items,
        nextCursor:
          rows.length > limit && last !== undefined
            ? cursors.encode([new Date(last.createdAt).toISOString(), last.id])
            : null,
      }
    },
  })

  app.get('/:id', {
    config: { access: { scope: 'partnership', role: 'viewer' }, problems: { 404: ['FINDING.NOT_FOUND'] }, etag: true },
    schema: {
      operationId: 'getFinding',
      tags,
      summary: 'One queried figure',
      description: 'A figure queried on arrival: the rule it broke, what was expected, and what became of it.',
      params: IdParams,
      response: { 200: Finding, ...problemResponses(400, 401, 404) },
    },
    handler: async (request, reply) => {
      const finding = await service.get(request.partnership.id, request.params.id)
      return reply.header('etag', etagOf(finding.version)).send(finding)
    },
  })

  app.patch('/:id', {
    config: {
      access: { scope: 'partnership', role: 'officer' },
      problems: { 404: ['FINDING.NOT_FOUND'], 409: ['FINDING.SUPERSEDED'] },
      etag: true,
    },
    schema: {
      operationId: 'decideFinding',
      tags,
      summary: 'Confirm a queried figure (in doubt) or dismiss it (it stands), with a reason (officer)',
      description:
        'Needs If-Match. confirmed: the figure is wrong or in doubt and is being corrected; the evaluation keeps flagging it data_query. dismissed: the figure is right; the flag goes. A finding whose value has since been replaced is superseded and answers 409.',
      params: IdParams,
      headers: IfMatchHeaders,
      body: DecideFindingSchema,
      response: { 200: Finding, ...problemResponses(400, 401, 403, 404, 409, 412, 428) },
    },
    handler: async (request, reply) => {
      const finding = await service.decide(
        request.partnership.id,
        actorOf(request),
        request.params.id,
        request.headers['if-match'],
        request.body,
      )
      return reply.header('etag', etagOf(finding.version)).send(finding)
    },
  })
}

export default findingRoutes
