import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { IfMatchOptionalHeaders, Slug, Uuid } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { actorOf, registerResourceRoutes, tenantScope } from '../resource/resource.routes.js'
import { etagOf } from '../resource/resource.service.js'
import {
  ApiKeyFilters,
  ApiKeySchema,
  CreateApiKeySchema,
  RotateApiKeySchema,
  UpdateApiKeySchema,
} from './keys.schemas.js'
import { createApiKeyService } from './keys.service.js'

/** Registered under /partnerships/:partnership/api-keys. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createApiKeyService(app.db, app.forgetMembers)
  registerResourceRoutes(app, {
    service,
    operationIds: {
      list: 'listApiKeys',
      create: 'createApiKey',
      get: 'getApiKey',
      update: 'updateApiKey',
      delete: 'deleteApiKey',
    },
    names: { one: 'API key', many: 'API keys' },
    tag: 'Members',
    item: ApiKeySchema,
    create: CreateApiKeySchema,
    update: UpdateApiKeySchema,
    filters: ApiKeyFilters,
    readRole: 'admin',
    writeRole: 'admin',
    keepsHistory: true,
    problems: { write: { 422: ['API_KEY.EXPIRY'] } },
  })

  app.post('/:id/rotate', {
    config: {
      access: { scope: 'partnership', role: 'admin' },
      problems: { 404: ['API_KEY.NOT_FOUND'], 409: ['API_KEY.INACTIVE'] },
      etag: true,
    },
    schema: {
      operationId: 'rotateApiKey',
      tags: ['Members'],
      summary: 'Rotate an API key: a new key now, the old one still working for an overlap',
      description:
        "Needs the admin role. Answers with the new key (its secret shown this once); the old key keeps working for overlapHours (default 24) or until it expires, whichever is sooner. If-Match is optional: sent, it must hold the old key's ETag.",
      params: Type.Object({ partnership: Slug, id: Uuid }, { additionalProperties: false }),
      headers: IfMatchOptionalHeaders,
      body: RotateApiKeySchema,
      response: {
        201: Type.Unsafe({ $ref: 'ApiKey', description: 'The new key, with its secret' }),
        ...problemResponses(400, 401, 403, 404, 409, 412, 422),
      },
    },
    handler: async (request, reply) => {
      const row = await service.rotate(
        tenantScope(request),
        actorOf(request),
        request.params.id,
        request.headers['if-match'],
        request.body.overlapHours ?? 24,
      )
      return reply
        .status(201)
        .header('location', `/partnerships/${request.partnership.slug}/api-keys/${row.id}`)
        .header('etag', etagOf(row.version))
        .send(row)
    },
  })
}
