import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreateObjectiveSchema, ObjectiveSchema, UpdateObjectiveSchema } from './objectives.schemas.js'
import { createObjectiveService } from './objectives.service.js'

/** Registered under /partnerships/:partnership/priorities/:priorityId/objectives. */
const routes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createObjectiveService(app.db),
    operationIds: {
      list: 'listObjectives',
      create: 'createObjective',
      get: 'getObjective',
      update: 'updateObjective',
      delete: 'deleteObjective',
    },
    names: { one: 'objective', many: 'objectives' },
    tag: 'Priorities',
    item: ObjectiveSchema,
    create: CreateObjectiveSchema,
    update: UpdateObjectiveSchema,
    filters: {},
    writeRole: 'admin',
  })
}

export default routes
