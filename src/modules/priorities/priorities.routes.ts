import type { FastifyInstance } from 'fastify'
import type { TableSpec } from '../resource/resource.repository.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreatePrioritySchema, PriorityFilters, PrioritySchema, UpdatePrioritySchema } from './priorities.schemas.js'

export const prioritySpec: TableSpec = {
  table: 'priority',
  type: 'priority',
  columns: ['name', 'code', 'description'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
  filters: ['code'],
}

export default async function priorityRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: prioritySpec,
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
