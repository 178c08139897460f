import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { AgencyFilters, AgencySchema, CreateAgencySchema, UpdateAgencySchema } from './agencies.schemas.js'
import { createAgencyService } from './agencies.service.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createAgencyService(app.db),
    operationIds: {
      list: 'listAgencies',
      create: 'createAgency',
      get: 'getAgency',
      update: 'updateAgency',
      delete: 'deleteAgency',
    },
    names: { one: 'agency', many: 'agencies' },
    tag: 'Agencies',
    item: AgencySchema,
    create: CreateAgencySchema,
    update: UpdateAgencySchema,
    filters: AgencyFilters,
    writeRole: 'admin',
  })
}

export default routes
