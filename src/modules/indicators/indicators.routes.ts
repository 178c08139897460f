import type { FastifyInstance } from 'fastify'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreateIndicatorSchema, IndicatorFilters, IndicatorSchema, UpdateIndicatorSchema } from './indicators.schemas.js'
import { indicatorHooks, indicatorSpec } from './indicators.service.js'

export default async function indicatorRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: indicatorSpec,
    singular: 'Indicator',
    plural: 'Indicators',
    tag: 'Indicators',
    item: IndicatorSchema,
    create: CreateIndicatorSchema,
    update: UpdateIndicatorSchema,
    filters: IndicatorFilters,
    writeRole: 'officer',
    hooks: indicatorHooks,
  })
}
