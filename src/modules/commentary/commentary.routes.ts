import type { FastifyInstance } from 'fastify'
import Type from 'typebox'
import { DomainError, notFound } from '../../domain/errors.js'
import { problemResponses } from '../../plugins/problem.js'
import { IdParams } from '../resource/resource.schemas.js'
import { commentaryHistory } from './commentary.repository.js'
import { dateRange, parsePeriod } from '../../domain/periods.js'
import type { Actor } from '../../domain/access.js'
import type { Row, TableSpec } from '../resource/resource.repository.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import type { WriteHooks } from '../resource/resource.service.js'
import { CommentaryFilters, CommentaryRevisionSchema, CommentarySchema, CreateCommentarySchema, UpdateCommentarySchema } from './commentary.schemas.js'

export const commentarySpec: TableSpec = {
  table: 'commentary',
  type: 'commentary',
  columns: ['indicatorId', 'areaId', 'period', 'periodStart', 'body', 'author', 'editedBy'],
  sorts: { createdAt: 'createdAt', periodStart: 'periodStart', updatedAt: 'updatedAt' },
  search: 'body',
  filters: ['indicatorId', 'areaId', 'period', 'author'],
}

/** A comment is its author's: only they, or an admin (recorded as the editor), change or delete it. */
function checkAuthor(existing: Row, actor: Actor, action: 'change' | 'delete'): void {
  if (existing.author === actor.subject || actor.role === 'admin') return
  throw new DomainError('COMMENTARY.NOT_AUTHOR', 'forbidden', `Only the comment's author or an admin may ${action} it.`)
}

export const commentaryHooks: WriteHooks = {
  // The author is whoever the token says, never what the body claims; the period gets its canonical form.
  async beforeWrite(trx, scope, values, existing, actor) {
    if (existing !== undefined) {
      checkAuthor(existing, actor, 'change')
      values.editedBy = actor.subject
      return
    }
    const partnership = await trx.selectFrom('partnership').select('financialYearStartMonth').where('id', '=', scope.partnershipId).executeTakeFirstOrThrow()
    const period = parsePeriod(values.period as string, partnership.financialYearStartMonth, 'body.period')
    const [indicator, area] = await Promise.all([
      trx.selectFrom('indicator').select('id').where('partnershipId', '=', scope.partnershipId).where('id', '=', values.indicatorId as string).executeTakeFirst(),
      trx.selectFrom('area').select('id').where('partnershipId', '=', scope.partnershipId).where('id', '=', values.areaId as string).executeTakeFirst(),
    ])
    const missing = [indicator ? null : 'indicatorId', area ? null : 'areaId'].filter((f) => f !== null)
    if (missing.length > 0) {
      throw new DomainError('COMMENTARY.REFERENCE', 'unprocessable', 'The comment must name an indicator and an area of this partnership.', missing.map((f) => ({ field: `body.${f}`, message: 'does not exist in this partnership' })))
    }
    Object.assign(values, { period: period.key, periodStart: dateRange(period).start, author: actor.subject })
  },
  async beforeDelete(_trx, _scope, existing, actor) {
    checkAuthor(existing, actor, 'delete')
  },
}

export default async function commentaryRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: commentarySpec,
    singular: 'Comment',
    plural: 'Comments',
    tag: 'Commentary',
    item: CommentarySchema,
    create: CreateCommentarySchema,
    update: UpdateCommentarySchema,
    filters: CommentaryFilters,
    writeRole: 'officer',
    hooks: commentaryHooks,
  })

  app.get('/:id/revisions', {
    config: { access: { scope: 'partnership', role: 'viewer' } },
    schema: {
      operationId: 'listCommentRevisions',
      tags: ['Commentary'],
      summary: 'A comment\'s text now and every text an edit replaced, newest first, with who wrote each',
      params: IdParams,
      response: { 200: Type.Object({ items: Type.Array(CommentaryRevisionSchema) }, { additionalProperties: false, description: 'The comment\'s texts' }), ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const { id } = request.params as { id: string }
      const items = await commentaryHistory(app.db, request.partnership.id, id)
      if (items.length === 0) throw notFound('commentary')
      return { items }
    },
  })
}
