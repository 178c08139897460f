import type { FastifyInstance } from 'fastify'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreateObjectiveSchema, ObjectiveSchema, UpdateObjectiveSchema } from './objectives.schemas.js'

/** Registered under /partnerships/:partnership/priorities/:priorityId/objectives. */
export default async function objectiveRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: {
      table: 'objective',
      type: 'objective',
      columns: ['priorityId', 'title', 'description'],
      sorts: { createdAt: 'createdAt', title: 'title', updatedAt: 'updatedAt' },
      search: 'title',
      filters: [],
      parent: { column: 'priorityId', param: 'priorityId', table: 'priority', type: 'priority' },
    },
    singular: 'Objective',
    plural: 'Objectives',
    tag: 'Priorities',
    item: ObjectiveSchema,
    create: CreateObjectiveSchema,
    update: UpdateObjectiveSchema,
    filters: {},
    writeRole: 'admin',
  })
}
