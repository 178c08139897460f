import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreatePrioritySchema, PriorityFilters, PrioritySchema, UpdatePrioritySchema } from './priorities.schemas.js'
import { createPriorityService } from './priorities.service.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createPriorityService(app.db),
    operationIds: {
      list: 'listPriorities',
      create: 'createPriority',
      get: 'getPriority',
      update: 'updatePriority',
      delete: 'deletePriority',
    },
    names: { one: 'priority', many: 'priorities' },
    tag: 'Priorities',
    item: PrioritySchema,
    create: CreatePrioritySchema,
    update: UpdatePrioritySchema,
    filters: PriorityFilters,
    writeRole: 'admin',
  })
}

export default routes
