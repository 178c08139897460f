import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import {
  CreateInvitationSchema,
  CreatePartnershipMemberSchema,
  InvitationFilters,
  InvitationSchema,
  PartnershipMemberFilters,
  PartnershipMemberSchema,
  UpdateInvitationSchema,
  UpdatePartnershipMemberSchema,
} from './members.schemas.js'
import { createMemberServices } from './members.service.js'

/** Registered under /partnerships/:partnership/members. */
export const partnershipMemberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createMemberServices(app.db, app.forgetMembers).members,
    operationIds: {
      list: 'listMembers',
      create: 'createMember',
      get: 'getMember',
      update: 'updateMember',
      delete: 'deleteMember',
    },
    names: { one: 'member', many: 'members' },
    tag: 'Members',
    item: PartnershipMemberSchema,
    create: CreatePartnershipMemberSchema,
    update: UpdatePartnershipMemberSchema,
    filters: PartnershipMemberFilters,
    writeRole: 'admin',
    keepsHistory: true,
    problems: {
      write: { 409: ['MEMBER.OVERLAP', 'MEMBER.LAST_ADMIN'], 422: ['MEMBER.DATES', 'MEMBER.CLIENT_AGENCY'] },
    },
  })
}

/** Registered under /partnerships/:partnership/invitations. */
export const invitationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createMemberServices(app.db, app.forgetMembers).invitations,
    operationIds: {
      list: 'listInvitations',
      create: 'createInvitation',
      get: 'getInvitation',
      update: 'updateInvitation',
      delete: 'deleteInvitation',
    },
    names: { one: 'invitation', many: 'invitations' },
    tag: 'Members',
    item: InvitationSchema,
    create: CreateInvitationSchema,
    update: UpdateInvitationSchema,
    filters: InvitationFilters,
    readRole: 'admin',
    writeRole: 'admin',
    keepsHistory: true,
    problems: { write: { 409: ['INVITATION.OPEN', 'INVITATION.ACCEPTED'], 422: ['INVITATION.EXPIRY'] } },
  })
}
