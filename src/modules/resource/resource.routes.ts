import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import Type, { type TObject, type TSchema } from 'typebox'
import type { Actor, Role } from '../../domain/access.js'
import { problemResponses } from '../../plugins/problem.js'
import type { Row, Scope, TableSpec } from './resource.repository.js'
import { createResourceService, etagOf, type WriteHooks } from './resource.service.js'
import { IfMatchHeaders, Slug, Uuid, listQuery, page } from './resource.schemas.js'

export interface ResourceRoutes {
  spec: TableSpec
  /** Names for operationIds and docs, e.g. Area / Areas. */
  singular: string
  plural: string
  tag: string
  item: TObject
  create: TObject
  update: TObject
  filters: Record<string, TSchema>
  writeRole: Role
  hooks?: WriteHooks
}

const READ_PROBLEMS = [400, 401, 404]
const WRITE_PROBLEMS = [400, 401, 403, 404, 409, 422]

export const actorOf = (request: FastifyRequest): Actor => {
  const role = request.partnership === null ? undefined : request.principal.memberships.get(request.partnership.slug)?.role
  return {
    subject: request.principal.subject,
    requestId: request.id,
    ...(request.correlationId === undefined ? {} : { correlationId: request.correlationId }),
    ...(role === undefined ? {} : { role }),
  }
}

/**
 * Registers list, create, read, update and delete for one tenant-scoped resource. The module is
 * registered with its prefix (e.g. /partnerships/:partnership/areas).
 */
export function registerResourceRoutes(app: FastifyInstance, def: ResourceRoutes): void {
  const { spec, singular, plural, tag } = def
  const service = createResourceService(app.db, spec, def.hooks)
  const parentParam = spec.parent?.param
  const scopeParams = { partnership: Slug, ...(parentParam === undefined ? {} : { [parentParam]: Uuid }) }
  const ListParams = Type.Object(scopeParams, { additionalProperties: false })
  const ItemParams = Type.Object({ ...scopeParams, id: Uuid }, { additionalProperties: false })
  // Item schemas are registered once at the root (app.ts) and referenced, so OpenAPI names them.
  const itemId = (def.item as { $id?: string }).$id as string
  const Item = Type.Ref(itemId)
  const described = (description: string) => Type.Unsafe({ $ref: itemId, description })
  const read = { scope: 'partnership', role: 'viewer' } as const
  const write = { scope: 'partnership', role: def.writeRole } as const
  const roleNote = `Needs the ${def.writeRole} role.`

  const scopeOf = (request: FastifyRequest): Scope => ({
    partnershipId: request.partnership.id,
    ...(parentParam === undefined ? {} : { parentId: (request.params as Record<string, string>)[parentParam] }),
  })
  const sendRow = (reply: FastifyReply, row: Row, status = 200) => reply.status(status).header('etag', etagOf(row.version)).send(row)

  app.get('/', {
    config: { access: read },
    schema: {
      operationId: `list${plural}`,
      tags: [tag],
      summary: `List ${plural.toLowerCase()}`,
      params: ListParams,
      querystring: listQuery(Object.keys(spec.sorts), def.filters),
      response: { 200: page(Item, plural.toLowerCase()), ...problemResponses(...READ_PROBLEMS) },
    },
    handler: (request) => service.list(scopeOf(request), request.query as Record<string, unknown>),
  })

  app.post('/', {
    config: { access: write },
    schema: {
      operationId: `create${singular}`,
      tags: [tag],
      summary: `Create a ${singular.toLowerCase()}`,
      description: `${roleNote} Answers with the record, its ETag and its Location.`,
      params: ListParams,
      body: def.create,
      response: { 201: described(`The new ${singular.toLowerCase()}`), ...problemResponses(...WRITE_PROBLEMS) },
    },
    handler: async (request, reply) => {
      const row = await service.create(scopeOf(request), actorOf(request), request.body as Record<string, unknown>)
      return sendRow(reply.header('location', `${request.url.split('?')[0]!.replace(/\/$/, '')}/${row.id}`), row, 201)
    },
  })

  app.get('/:id', {
    config: { access: read },
    schema: {
      operationId: `get${singular}`,
      tags: [tag],
      summary: `Read a ${singular.toLowerCase()}`,
      params: ItemParams,
      response: { 200: described(`The ${singular.toLowerCase()}`), ...problemResponses(...READ_PROBLEMS) },
    },
    handler: async (request, reply) => sendRow(reply, await service.get(scopeOf(request), (request.params as { id: string }).id)),
  })

  app.patch('/:id', {
    config: { access: write },
    schema: {
      operationId: `update${singular}`,
      tags: [tag],
      summary: `Change a ${singular.toLowerCase()}`,
      description: `${roleNote} Send only the fields to change (null clears an optional one), with If-Match.`,
      params: ItemParams,
      headers: IfMatchHeaders,
      body: def.update,
      response: { 200: described(`The ${singular.toLowerCase()} as changed`), ...problemResponses(...WRITE_PROBLEMS, 412, 428) },
    },
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      const row = await service.update(scopeOf(request), actorOf(request), id, request.headers['if-match'], request.body as Record<string, unknown>)
      return sendRow(reply, row)
    },
  })

  app.delete('/:id', {
    config: { access: write },
    schema: {
      operationId: `delete${singular}`,
      tags: [tag],
      summary: `Delete a ${singular.toLowerCase()}`,
      description: `${roleNote} Refused with 409 while other records point at it: archive it instead.`,
      params: ItemParams,
      headers: IfMatchHeaders,
      response: { 204: Type.Null({ description: 'Deleted' }), ...problemResponses(...WRITE_PROBLEMS, 412, 428) },
    },
    handler: async (request, reply) => {
      const { id } = request.params as { id: string }
      await service.remove(scopeOf(request), actorOf(request), id, request.headers['if-match'])
      return reply.status(204).send()
    },
  })
}
