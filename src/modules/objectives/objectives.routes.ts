import type { FastifyInstance } from 'fastify'
import type { TableSpec } from '../resource/resource.repository.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreateObjectiveSchema, ObjectiveSchema, UpdateObjectiveSchema } from './objectives.schemas.js'

export const objectiveSpec: TableSpec = {
  table: 'objective',
  type: 'objective',
  columns: ['priorityId', 'title', 'description'],
  sorts: { createdAt: 'createdAt', title: 'title', updatedAt: 'updatedAt' },
  search: 'title',
  filters: [],
  parent: { column: 'priorityId', param: 'priorityId', table: 'priority', type: 'priority' },
}

/** Registered under /partnerships/:partnership/priorities/:priorityId/objectives. */
export default async function objectiveRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: objectiveSpec,
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
