import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { createHash } from 'node:crypto'
import { IfNoneMatchHeaders, isNotModified, NoContent } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { asTenant } from '../../db/tenancy.js'
import {
  PublicEvaluationQuery,
  PublicEvaluationSchema,
  PublicFiguresQuery,
  PublicFiguresSchema,
  PublicParams,
  PublicPartnershipSchema,
  PublicRoundParams,
  PublicRoundReportSchema,
  PublicRoundsSchema,
} from './public.schemas.js'
import { createPublicService, type PublicTenant } from './public.service.js'

const tags = ['Public view']

/** How long a cache (a browser, a CDN) may keep a public answer without asking again. */
export const PUBLIC_MAX_AGE_SECONDS = 300

const open = { scope: 'public' } as const
const notModified = { 304: NoContent('Not modified: the ETag sent is still the answer') }
const missing = { 404: ['PARTNERSHIP.NOT_FOUND'] }
const security: never[] = []

/**
 * The public view (issue 27): without a token, a partnership that opted in (publicView) shows its
 * priorities, published figures, the evaluation on them and its issued rounds; one that did not answers
 * 404 on every path, as one that does not exist. Answers are built from the public schemas alone, carry an
 * ETag of their bytes and Cache-Control, and answer 304 to a current If-None-Match. Each read runs as the
 * partnership (row-level security); the evaluation and a round's report are heavy reads, budgeted apart
 * from the members' (plugins/protection.ts).
 */
export const publicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createPublicService(app.db)
  // Read as the partnership, its periods printed in its year (plugins/period-notation.ts).
  const as = async <T>(request: FastifyRequest, read: (tenant: PublicTenant) => Promise<T>) => {
    const tenant = await service.tenant((request.params as { partnership: string }).partnership)
    request.yearStartMonth = tenant.financialYearStartMonth
    return asTenant(tenant.id, () => read(tenant))
  }

  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload
    const etag = `"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`
    reply.header('etag', etag).header('cache-control', `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`)
    if (!isNotModified(request.headers['if-none-match'], etag)) return payload
    reply.code(304)
    return ''
  })

  app.get('/', {
    config: { access: open, etag: true, problems: missing },
    schema: {
      operationId: 'publicPartnership',
      tags,
      summary: 'A partnership as the public sees it: its priorities, indicators and areas',
      description:
        'No token. The partnership must have opted in (publicView); otherwise 404, as for one that does not exist.',
      security,
      params: PublicParams,
      headers: IfNoneMatchHeaders,
      response: { 200: PublicPartnershipSchema, ...notModified, ...problemResponses(400, 404) },
    },
    handler: (request) => as(request, (tenant) => service.profile(tenant)),
  })

  app.get('/figures', {
    config: { access: open, etag: true, problems: { ...missing, 400: ['MEASUREMENT.RANGE'] } },
    schema: {
      operationId: 'publicFigures',
      tags,
      summary: 'Published figures, a page at a time, in period order',
      description:
        'No token. Only figures the partnership has published; a provisional or validated figure is not here. Filter by indicator, area and a from/to window (dates or periods).',
      security,
      params: PublicParams,
      querystring: PublicFiguresQuery,
      headers: IfNoneMatchHeaders,
      response: { 200: PublicFiguresSchema, ...notModified, ...problemResponses(400, 404) },
    },
    handler: (request) => as(request, (tenant) => service.figures(tenant, request.query)),
  })

  app.get('/evaluation', {
    config: { access: open, etag: true, heavy: true, problems: missing },
    schema: {
      operationId: 'publicEvaluation',
      tags,
      summary: 'Every indicator and area judged on the published figures for a reporting period',
      description:
        "No token. Judged as the partnership's own evaluation judges, on its published figures alone, as on the period's last day (or today, for a period still running): RAG, the comparison with the target and the exception flags (a data query is the partnership's own), and beside each the latest comment an officer marked public (its text and when, never its author). No other commentary, no actions or people.",
      security,
      params: PublicParams,
      querystring: PublicEvaluationQuery,
      headers: IfNoneMatchHeaders,
      response: { 200: PublicEvaluationSchema, ...notModified, ...problemResponses(400, 404) },
    },
    handler: (request) => {
      const { period, ...filter } = request.query
      return as(request, (tenant) => service.evaluation(tenant, period, filter))
    },
  })

  app.get('/rounds', {
    config: { access: open, etag: true, problems: missing },
    schema: {
      operationId: 'publicRounds',
      tags,
      summary: 'The reporting rounds the partnership has issued, latest first',
      description: 'No token. A round appears once PMG has issued it.',
      security,
      params: PublicParams,
      headers: IfNoneMatchHeaders,
      response: { 200: PublicRoundsSchema, ...notModified, ...problemResponses(400, 404) },
    },
    handler: (request) => as(request, (tenant) => service.rounds(tenant)),
  })

  app.get('/rounds/:id', {
    config: { access: open, etag: true, heavy: true, problems: { 404: [...missing[404], 'ROUND.NOT_FOUND'] } },
    schema: {
      operationId: 'publicRoundReport',
      tags,
      summary:
        "An issued round's period by priority, judged on its figures as they stood at issue, published ones only",
      description:
        "No token. As the round was judged (on its period's last day, or the day it was issued if sooner), on the figures as they stood when it was issued (a figure sent or corrected since does not change it), of those only the ones published. PMG's curation, the groups' commentary and the Strategic Group's responses are the partnership's own. A round not issued answers 404.",
      security,
      params: PublicRoundParams,
      headers: IfNoneMatchHeaders,
      response: { 200: PublicRoundReportSchema, ...notModified, ...problemResponses(400, 404) },
    },
    handler: (request) => as(request, (tenant) => service.roundReport(tenant, request.params.id)),
  })
}
