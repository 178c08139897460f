import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { AreaFilters, AreaSchema, CreateAreaSchema, UpdateAreaSchema } from './areas.schemas.js'
import { createAreaService } from './areas.service.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createAreaService(app.db),
    operationIds: {
      list: 'listAreas',
      create: 'createArea',
      get: 'getArea',
      update: 'updateArea',
      delete: 'deleteArea',
    },
    names: { one: 'area', many: 'areas' },
    tag: 'Areas',
    item: AreaSchema,
    create: CreateAreaSchema,
    update: UpdateAreaSchema,
    filters: AreaFilters,
    writeRole: 'admin',
    problems: { write: { 422: ['AREA.CYCLE'] } },
  })
}

export default routes
