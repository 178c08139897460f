import type { FastifyInstance } from 'fastify'
import type { TableSpec } from '../resource/resource.repository.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { AgencyFilters, AgencySchema, CreateAgencySchema, UpdateAgencySchema } from './agencies.schemas.js'

export const agencySpec: TableSpec = {
  table: 'agency',
  type: 'agency',
  columns: ['name', 'role', 'contactName', 'contactEmail', 'contactPhone', 'dataSupplied'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
  filters: ['role'],
}

export default async function agencyRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: agencySpec,
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
