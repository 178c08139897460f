import type { FastifyInstance } from 'fastify'
import { DomainError } from '../../domain/errors.js'
import type { TableSpec } from '../resource/resource.repository.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { AreaFilters, AreaSchema, CreateAreaSchema, UpdateAreaSchema } from './areas.schemas.js'
import { isSelfOrAncestor, lockAreaTree } from './areas.repository.js'

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
    hooks: {
      async beforeWrite(trx, scope, values, existing) {
        const parentId = values.parentId
        if (existing === undefined || typeof parentId !== 'string' || parentId === existing.parentId) return
        await lockAreaTree(trx, scope.partnershipId)
        // The new parent may not be the area itself or one of its descendants.
        if (await isSelfOrAncestor(trx, scope.partnershipId, parentId, existing.id)) {
          throw new DomainError('AREA.CYCLE', 'unprocessable', 'An area cannot sit below itself or one of its own sub-areas.', [
            { field: 'body.parentId', message: 'is this area or one of its descendants' },
          ])
        }
      },
    },
  })
}
