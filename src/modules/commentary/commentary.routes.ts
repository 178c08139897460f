import type { FastifyInstance } from 'fastify'
import { DomainError } from '../../domain/errors.js'
import { dateRange, parsePeriod } from '../../domain/periods.js'
import type { TableSpec } from '../resource/resource.repository.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import type { WriteHooks } from '../resource/resource.service.js'
import { CommentaryFilters, CommentarySchema, CreateCommentarySchema, UpdateCommentarySchema } from './commentary.schemas.js'

export const commentarySpec: TableSpec = {
  table: 'commentary',
  type: 'commentary',
  columns: ['indicatorId', 'areaId', 'period', 'periodStart', 'body', 'author'],
  sorts: { createdAt: 'createdAt', periodStart: 'periodStart', updatedAt: 'updatedAt' },
  search: 'body',
  filters: ['indicatorId', 'areaId', 'period', 'author'],
}

export const commentaryHooks: WriteHooks = {
  // The author is whoever the token says, never what the body claims; the period gets its canonical form.
  async beforeWrite(trx, scope, values, existing, actor) {
    if (existing !== undefined) return
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
}
