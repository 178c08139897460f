import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { dateWindow } from '../../domain/periods.js'
import { PartnershipParams, Period, Uuid } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import {
  CreateValidationRuleSchema,
  RuleCheckSchema,
  UpdateValidationRuleSchema,
  ValidationRuleSchema,
} from './validation.schemas.js'
import { createValidationService } from './validation.service.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createValidationService(app.db)
  registerResourceRoutes(app, {
    service: service.rules,
    operationIds: {
      list: 'listValidationRules',
      create: 'createValidationRule',
      get: 'getValidationRule',
      update: 'updateValidationRule',
      delete: 'deleteValidationRule',
    },
    names: { one: 'validation rule', many: 'validation rules' },
    tag: 'Measurements',
    item: ValidationRuleSchema,
    create: CreateValidationRuleSchema,
    update: UpdateValidationRuleSchema,
    filters: {},
    writeRole: 'officer',
    problems: { write: { 422: ['RULE.INDICATOR'] } },
  })

  app.get('/check', {
    config: {
      access: { scope: 'partnership', role: 'viewer' },
      heavy: true,
      problems: { 400: ['PERIOD.INVALID', 'RULE.RANGE'] },
    },
    schema: {
      operationId: 'checkValidationRules',
      tags: ['Measurements'],
      summary: 'Check every validation rule over a range of periods',
      description:
        'Each rule at every area and period its figures have in the window: what holds, what is broken, and what cannot be told for a missing figure.',
      params: PartnershipParams,
      querystring: Type.Object(
        {
          from: { ...Period, description: 'The first period (or day) of the window' },
          to: { ...Period, description: 'The last period (or day) of the window' },
          areaId: Type.Optional({ ...Uuid, description: 'Only checks at this area' }),
        },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object(
          {
            items: Type.Array(RuleCheckSchema),
            holds: Type.Integer(),
            violated: Type.Integer(),
            notEvaluable: Type.Integer(),
          },
          { additionalProperties: false, description: 'The checks, by rule, period and area' },
        ),
        ...problemResponses(400, 401, 404, 429),
      },
    },
    handler: async (request) => {
      const { from, to } = dateWindow(request.query, request.partnership.financialYearStartMonth, 'RULE.RANGE')
      const items = await service.check(request.partnership.id, {
        from,
        to,
        ...(request.query.areaId === undefined ? {} : { areaId: request.query.areaId }),
      })
      const count = (o: string) => items.filter((i) => i.outcome === o).length
      return { items, holds: count('holds'), violated: count('violated'), notEvaluable: count('not_evaluable') }
    },
  })
}

export default routes
