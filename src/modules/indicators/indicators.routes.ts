import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import {
  CreateIndicatorSchema,
  IndicatorFilters,
  IndicatorSchema,
  UpdateIndicatorSchema,
} from './indicators.schemas.js'
import { createIndicatorService } from './indicators.service.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createIndicatorService(app.db),
    operationIds: {
      list: 'listIndicators',
      create: 'createIndicator',
      get: 'getIndicator',
      update: 'updateIndicator',
      delete: 'deleteIndicator',
    },
    names: { one: 'indicator', many: 'indicators' },
    tag: 'Indicators',
    item: IndicatorSchema,
    create: CreateIndicatorSchema,
    update: UpdateIndicatorSchema,
    filters: IndicatorFilters,
    writeRole: 'officer',
    problems: { write: { 400: ['DECIMAL.INVALID'], 422: ['INDICATOR.SHAPE', 'INDICATOR.CYCLE'] } },
  })
}

export default routes
