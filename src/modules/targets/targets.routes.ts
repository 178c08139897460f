import type { FastifyInstance } from 'fastify'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreateTargetSchema, TargetFilters, TargetSchema, UpdateTargetSchema } from './targets.schemas.js'
import { targetHooks, targetSpec } from './targets.service.js'

export default async function targetRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: targetSpec,
    singular: 'Target',
    plural: 'Targets',
    tag: 'Targets',
    item: TargetSchema,
    create: CreateTargetSchema,
    update: UpdateTargetSchema,
    filters: TargetFilters,
    writeRole: 'officer',
    hooks: targetHooks,
  })
}
