import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { today } from '../../http/clock.js'
import { PartnershipParams } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import {
  CreateGroupSchema,
  CreateMemberSchema,
  GroupFilters,
  GroupSchema,
  MeSchema,
  MemberFilters,
  MemberSchema,
  UpdateGroupSchema,
  UpdateMemberSchema,
} from './groups.schemas.js'
import { createGroupService, createMemberService, whoAmI } from './groups.service.js'

/** Registered under /partnerships/:partnership/groups. */
export const groupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createGroupService(app.db),
    operationIds: {
      list: 'listGroups',
      create: 'createGroup',
      get: 'getGroup',
      update: 'updateGroup',
      delete: 'deleteGroup',
    },
    names: { one: 'group', many: 'groups' },
    tag: 'Groups',
    item: GroupSchema,
    create: CreateGroupSchema,
    update: UpdateGroupSchema,
    filters: GroupFilters,
    writeRole: 'admin',
  })
}

/** Registered under /partnerships/:partnership/groups/:groupId/members. */
export const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createMemberService(app.db),
    operationIds: {
      list: 'listGroupMembers',
      create: 'createGroupMember',
      get: 'getGroupMember',
      update: 'updateGroupMember',
      delete: 'deleteGroupMember',
    },
    names: { one: 'membership', many: 'memberships' },
    tag: 'Groups',
    item: MemberSchema,
    create: CreateMemberSchema,
    update: UpdateMemberSchema,
    filters: MemberFilters,
    writeRole: 'admin',
    problems: { write: { 409: ['MEMBERSHIP.OVERLAP', 'MEMBERSHIP.OFFICE_TAKEN'], 422: ['MEMBERSHIP.DATES'] } },
  })
}

/** Registered under /partnerships/:partnership. */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/me', {
    config: { access: { scope: 'partnership', role: 'viewer' } },
    schema: {
      operationId: 'whoAmI',
      tags: ['Groups'],
      summary: "The caller's role and agency in the partnership, and the groups they sit on with their offices",
      description:
        'What the service knows of the caller in this partnership: role and agency (as the service holds them, or as the token claims them where that is trusted) and the groups they sit on with their offices on a date (asOf=, default today).',
      params: PartnershipParams,
      querystring: Type.Object(
        {
          asOf: Type.Optional(Type.String({ format: 'date', description: 'Memberships on this date (default today)' })),
          on: Type.Optional(
            Type.String({ format: 'date', description: 'The same as asOf, its earlier name (deprecated)' }),
          ),
        },
        { additionalProperties: false },
      ),
      response: { 200: MeSchema, ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const membership = request.membership!
      return whoAmI(
        app.db,
        request.partnership.id,
        { subject: request.principal.subject, role: membership.role, agencyId: membership.agency ?? null },
        request.query.asOf ?? request.query.on ?? today(),
      )
    },
  })
}
