import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { IdParams } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import {
  CommentaryFilters,
  CommentaryRevisionSchema,
  CommentarySchema,
  CreateCommentarySchema,
  UpdateCommentarySchema,
} from './commentary.schemas.js'
import { createCommentaryService } from './commentary.service.js'
const commentaryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createCommentaryService(app.db)
  registerResourceRoutes(app, {
    service,
    operationIds: {
      list: 'listComments',
      create: 'createComment',
      get: 'getComment',
      update: 'updateComment',
      delete: 'deleteComment',
    },
    names: { one: 'comment', many: 'comments' },
    tag: 'Commentary',
    item: CommentarySchema,
    create: CreateCommentarySchema,
    update: UpdateCommentarySchema,
    filters: CommentaryFilters,
    writeRole: 'officer',
    problems: {
      write: {
        400: ['PERIOD.INVALID'],
        403: ['COMMENTARY.NOT_AUTHOR', 'COMMENTARY.PUBLISH'],
        409: ['COMMENTARY.RETURN_SUBMITTED'],
      },
      delete: { 403: ['COMMENTARY.NOT_AUTHOR'], 409: ['COMMENTARY.RETURN_SUBMITTED'] },
    },
    groupMembers: true,
  })

  app.get('/:id/revisions', {
    config: { access: { scope: 'partnership', role: 'viewer' }, problems: { 404: ['COMMENTARY.NOT_FOUND'] } },
    schema: {
      operationId: 'listCommentRevisions',
      tags: ['Commentary'],
      summary: "A comment's text now and every text an edit replaced, newest first, with who wrote each",
      description:
        "Every text the comment has had, newest first, with who wrote each (an admin's edit of another's comment shows as editedBy).",
      params: IdParams,
      response: {
        200: Type.Object(
          { items: Type.Array(CommentaryRevisionSchema) },
          { additionalProperties: false, description: "The comment's texts" },
        ),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request) => ({ items: await service.history(request.partnership.id, request.params.id) }),
  })
}

export default commentaryRoutes
