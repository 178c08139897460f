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
    problems: {
      write: {
        400: ['DECIMAL.INVALID', 'PERIOD.INVALID', 'TARGET.PERIOD', 'TARGET.FIXED'],
        409: ['TARGET.OVERLAP'],
        422: ['TARGET.AMBIGUOUS', 'TARGET.NO_BASELINE', 'TARGET.NO_VALUE', 'TARGET.PROFILE'],
      },
    },
  })
}

export default routes
