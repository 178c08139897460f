import type { FastifyInstance } from 'fastify'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { AgencyFilters, AgencySchema, CreateAgencySchema, UpdateAgencySchema } from './agencies.schemas.js'

export default async function agencyRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: {
      table: 'agency',
      type: 'agency',
      columns: ['name', 'role', 'contactName', 'contactEmail', 'contactPhone', 'dataSupplied'],
      sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
      search: 'name',
      filters: ['role'],
    },
    singular: 'Agency',
    plural: 'Agencies',
    tag: 'Agencies',
    item: AgencySchema,
    create: CreateAgencySchema,
    update: UpdateAgencySchema,
    filters: AgencyFilters,
    writeRole: 'admin',
  })
}
