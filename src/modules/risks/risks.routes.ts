import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { today } from '../../http/clock.js'
import { JsonCsvOrXlsx } from '../../http/xlsx.js'
import { sendTable, wantsTable } from '../partnerships/partnerships.sheet.js'
import { IfMatchHeaders, PartnershipParams, Uuid } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { etagOf } from '../resource/resource.service.js'
import { actorOf, registerResourceRoutes, tenantScope } from '../resource/resource.routes.js'
import { heatmapSvg } from './risks.chart.js'
import {
  AssessmentSchema,
  CreateAssessmentSchema,
  CreateRiskSchema,
  HeatmapQuery,
  HeatmapSchema,
  RegisterQuery,
  RegisterSchema,
  RiskFilters,
  RiskSchema,
  RiskSettingsSchema,
  UpdateRiskSchema,
  UpdateRiskSettingsSchema,
  WithdrawBody,
} from './risks.schemas.js'
import { createRiskService } from './risks.service.js'

type Service = ReturnType<typeof createRiskService>
const tags = ['Risks']
const read = { scope: 'partnership', role: 'viewer' } as const

const REGISTER_COLUMNS = [
  'reference',
  'risk',
  'owner',
  'assessed_on',
  'inherent',
  'current',
  'target',
  'trend',
  'review_due',
  'flags',
  'priority_actions',
  'status',
] as const

/** Under /risks: the heat maps first, so that their paths are not read as a risk's id. */
const riskRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  const heatmapSchema = {
    tags,
    params: PartnershipParams,
    querystring: HeatmapQuery,
  }
  const heatmapOf = (
    request: {
      query: { exposure?: 'inherent' | 'current' | 'target'; asOf?: string; at?: string; compareTo?: string }
    } & Parameters<typeof tenantScope>[0],
  ) =>
    service.heatmap(
      tenantScope(request),
      request.query.exposure ?? 'current',
      request.query.asOf ?? request.query.at ?? today(),
      request.query.compareTo,
    )
  app.get('/heatmap', {
    config: { access: read, problems: { 400: ['RISK.COMPARE'] } },
    schema: {
      ...heatmapSchema,
      operationId: 'riskHeatmap',
      summary: 'The heat map of inherent, current or target exposure on a date, with movement since compareTo',
      description:
        "Each open risk's latest standing assessment on or before the date (at=, default today), placed on the likelihood x impact grid of the exposure asked for, with movement since compareTo.",
      response: { 200: HeatmapSchema, ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => heatmapOf(request),
  })
  app.get('/heatmap.svg', {
    config: { access: read, problems: { 400: ['RISK.COMPARE'] } },
    schema: {
      ...heatmapSchema,
      operationId: 'riskHeatmapSvg',
      summary: 'The heat map as an SVG image: green to red by band, band names in the cells',
      description:
        "The heat map drawn for a committee paper, titled with the partnership's name: cells green to red by band with the band name and score written in each, so it reads in black and white; the appetite as a heavy dashed line round the cells above it; with compareTo, each risk that moved marked (up, down, across, new) and where it came from written under the map.",
      response: {
        200: { description: 'SVG image', content: { 'image/svg+xml': { schema: Type.String() } } },
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const scope = tenantScope(request)
      const [map, scale, name] = await Promise.all([
        heatmapOf(request),
        service.settings(scope),
        service.partnershipName(scope),
      ])
      return reply.type('image/svg+xml; charset=utf-8').send(heatmapSvg(map, scale, name, request.query.compareTo))
    },
  })

  registerResourceRoutes(app, {
    service: service.risks,
    operationIds: {
      list: 'listRisks',
      create: 'createRisk',
      get: 'getRisk',
      update: 'updateRisk',
      delete: 'deleteRisk',
    },
    names: { one: 'risk', many: 'risks' },
    tag: 'Risks',
    item: RiskSchema,
    create: CreateRiskSchema,
    update: UpdateRiskSchema,
    filters: RiskFilters,
    writeRole: 'officer',
    problems: { write: { 422: ['RISK.CLOSING'] } },
  })
}

/** Under /risks/:riskId/assessments: append-only. */
const assessmentRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  registerResourceRoutes(app, {
    service: service.assessments,
    operationIds: {
      list: 'listRiskAssessments',
      create: 'createRiskAssessment',
      get: 'getRiskAssessment',
      update: 'updateRiskAssessment',
      delete: 'deleteRiskAssessment',
    },
    names: { one: 'risk assessment', many: 'risk assessments' },
    tag: 'Risks',
    item: AssessmentSchema,
    create: CreateAssessmentSchema,
    update: CreateAssessmentSchema,
    filters: {},
    writeRole: 'officer',
    problems: { write: { 409: ['RISK.CLOSED'], 422: ['RISK.ASSESSMENT', 'RISK.SCALE', 'DATE.RANGE'] } },
    appendOnly: true,
  })
  app.post('/:id/withdraw', {
    config: {
      access: { scope: 'partnership', role: 'officer' },
      problems: {
        403: ['RISK.NOT_ASSESSOR'],
        404: ['RISK.NOT_FOUND', 'RISK_ASSESSMENT.NOT_FOUND'],
        409: ['RISK.WITHDRAWN'],
      },
      etag: true,
    },
    schema: {
      operationId: 'withdrawRiskAssessment',
      tags,
      summary: 'Withdraw a mistaken assessment with a reason (its assessor or an admin); it is kept, marked withdrawn',
      description:
        'Its assessor or an admin withdraws a mistaken assessment with a reason; it stays in the history marked withdrawn and is left out of everything worked out.',
      params: Type.Object({ ...PartnershipParams.properties, riskId: Uuid, id: Uuid }, { additionalProperties: false }),
      headers: IfMatchHeaders,
      body: WithdrawBody,
      response: { 200: Type.Ref('RiskAssessment'), ...problemResponses(400, 401, 403, 404, 409, 412) },
    },
    handler: async (request, reply) => {
      const row = await service.withdraw(
        tenantScope(request, request.params.riskId),
        actorOf(request),
        request.params.id,
        request.body.reason,
        request.headers['if-match'],
      )
      return reply.header('etag', etagOf(row.version)).send(row)
    },
  })
}

/** Under the partnership: the settings and the register report. */
const registerRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  app.get('/risk-settings', {
    config: { access: read, etag: true },
    schema: {
      operationId: 'getRiskSettings',
      tags,
      summary: "The partnership's risk scales (1-4 by default), bands and appetite",
      description:
        "The partnership's scales (levels and labels per axis), score bands and appetite, with the ETag a change must send.",
      params: PartnershipParams,
      response: { 200: RiskSettingsSchema, ...problemResponses(400, 401, 404) },
    },
    handler: async (request, reply) => {
      const settings = await service.settings(tenantScope(request))
      return reply.header('etag', etagOf(settings.version)).send(settings)
    },
  })
  app.patch('/risk-settings', {
    config: {
      access: { scope: 'partnership', role: 'admin' },
      problems: { 422: ['RISK.SCALE', 'RISK.SCALE_IN_USE'] },
      etag: true,
    },
    schema: {
      operationId: 'updateRiskSettings',
      tags,
      summary: 'Change the scales, bands or appetite (refused with 422 when open risks are assessed above a new scale)',
      description:
        'Needs the admin role, with If-Match ("0" before the first change). History is kept: assessments keep their scale.',
      params: PartnershipParams,
      headers: IfMatchHeaders,
      body: UpdateRiskSettingsSchema,
      response: { 200: RiskSettingsSchema, ...problemResponses(400, 401, 403, 404, 409, 412, 422, 428) },
    },
    handler: async (request, reply) => {
      const saved = await service.updateSettings(
        tenantScope(request),
        actorOf(request),
        request.headers['if-match'],
        request.body,
      )
      return reply.header('etag', etagOf(saved.version)).send(saved)
    },
  })
  app.get('/reports/risk-register', {
    config: { access: read },
    schema: {
      operationId: 'riskRegisterReport',
      tags,
      summary: 'The risk register on a date, by current score, with the latest assessment, trend and flags',
      description:
        'Every risk by current score on the as-of date, with its latest assessment, trend, next review and flags; JSON, or CSV with format=csv, or an Excel workbook with format=xlsx (or either by Accept).',
      params: PartnershipParams,
      querystring: RegisterQuery,
      response: {
        200: JsonCsvOrXlsx(
          'The register: JSON, CSV with format=csv, or an Excel workbook',
          RegisterSchema,
          REGISTER_COLUMNS,
        ),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const { asOf = today(), format } = request.query
      const register = await service.register(tenantScope(request), asOf)
      if (!wantsTable(request, format)) return register
      const exposure = (e: { likelihood: number; impact: number; score: number; band: string } | null) =>
        e === null ? '' : `L${e.likelihood} x I${e.impact} = ${e.score} (${e.band.replace('_', ' ')})`
      const rows = register.items.map((r) => [
        r.reference,
        r.title,
        r.ownerName,
        r.view.assessedOn,
        exposure(r.view.inherent),
        exposure(r.view.current),
        exposure(r.view.target),
        r.view.trend,
        r.view.reviewDueOn,
        r.view.flags.map((f) => f.flag),
        r.priorityActions,
        r.closedOn === null || r.closedOn > asOf ? 'open' : `closed ${r.closedOn}`,
      ])
      return sendTable(app.db, request, reply, format, {
        name: `risk-register-${asOf}`,
        title: 'Risk register',
        about: [['As of', asOf]],
        header: REGISTER_COLUMNS,
        rows,
        kinds: { assessed_on: 'date', review_due: 'date' },
      })
    },
  })
}

/** Registered under /partnerships/:partnership. */
export const riskRegisterRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createRiskService(app.db)
  await app.register(riskRoutes, { prefix: '/risks', service })
  await app.register(assessmentRoutes, { prefix: '/risks/:riskId/assessments', service })
  await app.register(registerRoutes, { service })
}
