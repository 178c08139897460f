import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreateTargetSchema, TargetFilters, TargetSchema, UpdateTargetSchema } from './targets.schemas.js'
import { createTargetService } from './targets.service.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createTargetService(app.db),
    operationIds: {
      list: 'listTargets',
      create: 'createTarget',
      get: 'getTarget',
      update: 'updateTarget',
      delete: 'deleteTarget',
    },
    names: { one: 'target', many: 'targets' },
    tag: 'Targets',
    item: TargetSchema,
    create: CreateTargetSchema,
    update: UpdateTargetSchema,
    filters: TargetFilters,
    writeRole: 'officer',
  })
}

export default routes
