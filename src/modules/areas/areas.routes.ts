import type { FastifyInstance } from 'fastify'
import type { TableSpec } from '../resource/resource.repository.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { AreaFilters, AreaSchema, CreateAreaSchema, UpdateAreaSchema } from './areas.schemas.js'
import { refuseCycles } from '../resource/hierarchy.repository.js'

export const areaSpec: TableSpec = {
  table: 'area',
  type: 'area',
  columns: ['name', 'type', 'code', 'parentId'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
  filters: ['type', 'parentId', 'code'],
}

export default async function areaRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: areaSpec,
    singular: 'Area',
    plural: 'Areas',
    tag: 'Areas',
    item: AreaSchema,
    create: CreateAreaSchema,
    update: UpdateAreaSchema,
    filters: AreaFilters,
    writeRole: 'admin',
    hooks: { beforeWrite: refuseCycles(areaSpec) },
  })
}
