import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import Type, { type TObject, type TProperties } from 'typebox'
import type { Actor, Role } from '../../domain/access.js'
import { mergeCodes, type ProblemCodes } from '../../plugins/contract.js'
import { problemResponses } from '../../plugins/problem.js'
import { codePrefix } from '../../domain/errors.js'
import type { ResourceTable, Row, Scope, Values } from './resource.repository.js'
import { etagOf, type ResourceService } from './resource.service.js'

type FastifyTypebox = Parameters<FastifyPluginAsyncTypebox>[0]
import {
  IfMatchHeaders,
  IfNoneMatchHeaders,
  isNotModified,
  NoContent,
  Slug,
  Uuid,
  listQuery,
  page,
} from '../../http/schemas.js'

export interface ResourceRoutes<T extends ResourceTable> {
  service: ResourceService<T>
  /** Each operation's id, written out so that a developer can find a route by it. */
  operationIds: { list: string; create: string; get: string; update: string; delete: string }
  /** The resource in words, singular and plural (area, areas). */
  names: { one: string; many: string }
  tag: string
  item: TObject
  create: TObject
  update: TObject
  /** The list's filters: each one an equality on the column of its name (or the link's filter). */
  filters: TProperties
  writeRole: Role
  /** Who may read; default viewer. */
  readRole?: Role
  /** Records are ended or revoked by a change, never deleted, so their history stays: no DELETE. */
  keepsHistory?: boolean
  /** Members of the group that owns a record may write it without `writeRole` (the service checks which). */
  groupMembers?: boolean
  /** Records are never changed or deleted once written (a correction is a new record): no PATCH or DELETE. */
  appendOnly?: boolean
  /** Problem codes the service's own rules answer: on a create or an update, and on a delete. */
  problems?: { write?: ProblemCodes; delete?: ProblemCodes }
}

const READ_PROBLEMS = [400, 401, 404]
const WRITE_PROBLEMS = [400, 401, 403, 404, 409, 422]

/** The partnership a request acts in, as the services take it (and, for a nested resource, its parent). */
export const tenantScope = (
  request: { partnership: { id: string; financialYearStartMonth: number } },
  parentId?: string,
): Scope => ({
  partnershipId: request.partnership.id,
  yearStartMonth: request.partnership.financialYearStartMonth,
  ...(parentId === undefined ? {} : { parentId }),
})

export const actorOf = (request: FastifyRequest): Actor => {
  const role = request.membership?.role
  return {
    subject: request.principal.subject,
    issuer: request.principal.issuer,
    requestId: request.id,
    ...(request.correlationId === undefined ? {} : { correlationId: request.correlationId }),
    ...(role === undefined ? {} : { role }),
  }
}

const words = (list: readonly string[]) =>
  list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`

/** What a kit list does, in words, from its spec: the same for every resource, so written once. */
function listDescription(many: string, sorts: string[], filters: string[], search: readonly string[]): string {
  return (
    `A page of ${many} (limit, then cursor from nextCursor), sorted by ${words(sorts)} (default ${sorts[0]}; ` +
    `-${sorts[0]} for descending)${filters.length > 0 ? `, filtered by ${words(filters)}` : ''}; q finds text ` +
    `in the ${words(search)}. Archived records are left out unless includeArchived=true.`
  )
}

/**
 * Registers list, create, read, update and delete for one tenant-scoped resource. The module is
 * registered with its prefix (e.g. /partnerships/:partnership/areas).
 */
export function registerResourceRoutes<T extends ResourceTable>(app: FastifyTypebox, def: ResourceRoutes<T>): void {
  const { service, tag, names, operationIds } = def
  const spec = service.spec
  const a = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`
  const linkFilters = new Set((spec.links ?? []).map((l) => l.filter))
  const filterColumns = Object.keys(def.filters).filter((f) => !linkFilters.has(f))
  const parentParam = spec.parent?.param
  const scopeParams = { partnership: Slug, ...(parentParam === undefined ? {} : { [parentParam]: Uuid }) }
  const ListParams = Type.Object(scopeParams, { additionalProperties: false })
  const ItemParams = Type.Object({ ...scopeParams, id: Uuid }, { additionalProperties: false })
  // Item schemas are registered once at the root (app.ts) and referenced, so OpenAPI names them.
  const itemId = (def.item as { $id?: string }).$id as string
  const Item = Type.Ref(itemId)
  const described = (description: string) => Type.Unsafe({ $ref: itemId, description })
  const read = { scope: 'partnership', role: def.readRole ?? 'viewer' } as const
  const readProblems = def.readRole === undefined ? READ_PROBLEMS : [...READ_PROBLEMS, 403]
  const write = {
    scope: 'partnership',
    role: def.writeRole,
    ...(def.groupMembers ? { groupMembers: true } : {}),
  } as const
  const readNote = def.readRole === undefined ? '' : `Needs the ${def.readRole} role. `
  const roleNote = `Needs the ${def.writeRole} role${def.groupMembers ? ', or membership of the owning group' : ''}.`
  // The kit's own refusals, named by the resource: its parent or itself absent, a duplicate, a reference to
  // nothing, a record still in use.
  const type = codePrefix(spec.type)
  const parentAbsent = { 404: spec.parent === undefined ? [] : [`${codePrefix(spec.parent.type)}.NOT_FOUND`] }
  const absent = { 404: [`${type}.NOT_FOUND`] }
  const written = mergeCodes({ 409: [`${type}.DUPLICATE`], 422: [`${type}.REFERENCE`] }, def.problems?.write)
  const problems = {
    list: parentAbsent,
    create: mergeCodes(parentAbsent, written),
    get: mergeCodes(parentAbsent, absent),
    update: mergeCodes(parentAbsent, absent, written),
    delete: mergeCodes(parentAbsent, absent, { 409: [`${type}.IN_USE`] }, def.problems?.delete),
  }

  const scopeOf = (request: { partnership: { id: string; financialYearStartMonth: number }; params: unknown }) =>
    tenantScope(
      request,
      parentParam === undefined ? undefined : (request.params as Record<string, string>)[parentParam],
    )
  const sendRow = (reply: FastifyReply, row: Row<T>, status = 200) =>
    reply.status(status).header('etag', etagOf(row.version)).send(row)

  app.get('/', {
    config: { access: read, problems: problems.list },
    schema: {
      operationId: operationIds.list,
      tags: [tag],
      summary: `List ${names.many}`,
      description:
        readNote + listDescription(names.many, Object.keys(spec.sorts), Object.keys(def.filters), [spec.search].flat()),
      params: ListParams,
      querystring: listQuery(Object.keys(spec.sorts), def.filters),
      response: { 200: page(Item, names.many), ...problemResponses(...readProblems) },
    },
    handler: (request) => service.list(scopeOf(request), request.query, filterColumns),
  })

  app.post('/', {
    config: { access: write, problems: problems.create, etag: true },
    schema: {
      operationId: operationIds.create,
      tags: [tag],
      summary: `Create ${a(names.one)}`,
      description: `${roleNote} Answers with the record, its ETag and its Location.`,
      params: ListParams,
      body: def.create,
      response: { 201: described(`The new ${names.one}`), ...problemResponses(...WRITE_PROBLEMS) },
    },
    handler: async (request, reply) => {
      const row = await service.create(scopeOf(request), actorOf(request), request.body as Values<T>)
      return sendRow(reply.header('location', `${request.url.split('?')[0]!.replace(/\/$/, '')}/${row.id}`), row, 201)
    },
  })

  app.get('/:id', {
    config: { access: read, problems: problems.get, etag: true },
    schema: {
      operationId: operationIds.get,
      tags: [tag],
      summary: `Read ${a(names.one)}`,
      description: `${readNote}Answers with the record and its ETag; with If-None-Match holding that ETag, 304 and no body.`,
      params: ItemParams,
      headers: IfNoneMatchHeaders,
      response: {
        200: described(`The ${names.one}`),
        304: NoContent('Not modified: the ETag sent is current'),
        ...problemResponses(...readProblems),
      },
    },
    handler: async (request, reply) => {
      const row = await service.get(scopeOf(request), request.params.id)
      if (isNotModified(request.headers['if-none-match'], etagOf(row.version)))
        return reply.status(304).header('etag', etagOf(row.version)).send()
      return sendRow(reply, row)
    },
  })

  if (def.appendOnly === true) return

  app.patch('/:id', {
    config: { access: write, problems: problems.update, etag: true },
    schema: {
      operationId: operationIds.update,
      tags: [tag],
      summary: `Change ${a(names.one)}`,
      description: `${roleNote} Send only the fields to change (null clears an optional one), with If-Match.`,
      params: ItemParams,
      headers: IfMatchHeaders,
      body: def.update,
      response: { 200: described(`The ${names.one} as changed`), ...problemResponses(...WRITE_PROBLEMS, 412, 428) },
    },
    handler: async (request, reply) => {
      const row = await service.update(
        scopeOf(request),
        actorOf(request),
        request.params.id,
        request.headers['if-match'],
        request.body as Values<T>,
      )
      return sendRow(reply, row)
    },
  })

  if (def.keepsHistory === true) return

  app.delete('/:id', {
    config: { access: write, problems: problems.delete },
    schema: {
      operationId: operationIds.delete,
      tags: [tag],
      summary: `Delete ${a(names.one)}`,
      description: `${roleNote} Refused with 409 while other records point at it: archive it instead.`,
      params: ItemParams,
      headers: IfMatchHeaders,
      response: { 204: NoContent('Deleted'), ...problemResponses(...WRITE_PROBLEMS, 412, 428) },
    },
    handler: async (request, reply) => {
      await service.remove(scopeOf(request), actorOf(request), request.params.id, request.headers['if-match'])
      return reply.status(204).send()
    },
  })
}
