import type { FastifyInstance } from 'fastify'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreatePrioritySchema, PriorityFilters, PrioritySchema, UpdatePrioritySchema } from './priorities.schemas.js'

export default async function priorityRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: {
      table: 'priority',
      type: 'priority',
      columns: ['name', 'code', 'description'],
      sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
      search: 'name',
      filters: ['code'],
    },
    singular: 'Priority',
    plural: 'Priorities',
    tag: 'Priorities',
    item: PrioritySchema,
    create: CreatePrioritySchema,
    update: UpdatePrioritySchema,
    filters: PriorityFilters,
    writeRole: 'admin',
  })
}
