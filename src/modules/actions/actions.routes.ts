import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { describeResource } from '../../domain/actions/index.js'
import { today } from '../../http/clock.js'
import { PartnershipParams, Uuid } from '../../http/schemas.js'
import { JsonCsvOrXlsx } from '../../http/xlsx.js'
import { sendTable, wantsTable } from '../partnerships/partnerships.sheet.js'
import { problemResponses } from '../../plugins/problem.js'
import { registerResourceRoutes, tenantScope } from '../resource/resource.routes.js'
import {
  ActionFilters,
  ActionPlanQuery,
  ActionPlanSchema,
  ActionSchema,
  CreateActionSchema,
  CreateMilestoneSchema,
  CreateProgressSchema,
  MilestoneFilters,
  MilestoneSchema,
  ProgressFilters,
  ProgressSchema,
  UpdateActionSchema,
  UpdateMilestoneSchema,
  UpdateProgressSchema,
} from './actions.schemas.js'
import { createActionService, createMilestoneService, createProgressService } from './actions.service.js'

/** Registered under /partnerships/:partnership/actions. */
export const actionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createActionService(app.db),
    operationIds: {
      list: 'listActions',
      create: 'createAction',
      get: 'getAction',
      update: 'updateAction',
      delete: 'deleteAction',
    },
    names: { one: 'action', many: 'actions' },
    tag: 'Actions',
    item: ActionSchema,
    create: CreateActionSchema,
    update: UpdateActionSchema,
    filters: ActionFilters,
    writeRole: 'officer',
    problems: {
      write: {
        400: ['PERIOD.INVALID'],
        409: ['ACTION.RETURN_SUBMITTED'],
        422: ['ACTION.OBJECTIVE', 'ACTION.LEAD', 'ACTION.RESOURCE', 'ACTION.TIMING'],
      },
      delete: { 409: ['ACTION.RETURN_SUBMITTED'] },
    },
    groupMembers: true,
  })
}

/** Registered under /partnerships/:partnership/actions/:actionId/milestones. */
export const milestoneRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createMilestoneService(app.db),
    operationIds: {
      list: 'listMilestones',
      create: 'createMilestone',
      get: 'getMilestone',
      update: 'updateMilestone',
      delete: 'deleteMilestone',
    },
    names: { one: 'milestone', many: 'milestones' },
    tag: 'Actions',
    item: MilestoneSchema,
    create: CreateMilestoneSchema,
    update: UpdateMilestoneSchema,
    filters: MilestoneFilters,
    writeRole: 'officer',
    problems: {
      write: { 400: ['PERIOD.INVALID'], 409: ['ACTION.RETURN_SUBMITTED'], 422: ['MILESTONE.TIMING'] },
      delete: { 409: ['ACTION.RETURN_SUBMITTED'] },
    },
    groupMembers: true,
  })
}

/** Registered under /partnerships/:partnership/actions/:actionId/progress. */
export const progressRoutes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createProgressService(app.db),
    operationIds: {
      list: 'listProgressUpdates',
      create: 'createProgressUpdate',
      get: 'getProgressUpdate',
      update: 'updateProgressUpdate',
      delete: 'deleteProgressUpdate',
    },
    names: { one: 'progress update', many: 'progress updates' },
    tag: 'Actions',
    item: ProgressSchema,
    create: CreateProgressSchema,
    update: UpdateProgressSchema,
    filters: ProgressFilters,
    writeRole: 'officer',
    problems: {
      write: { 403: ['PROGRESS.NOT_AUTHOR'], 409: ['ACTION.RETURN_SUBMITTED'], 422: ['DATE.RANGE'] },
      delete: { 403: ['PROGRESS.NOT_AUTHOR'], 409: ['ACTION.RETURN_SUBMITTED'] },
    },
    groupMembers: true,
  })
}

/** Seed 000's action plan columns (its "Start & End" and "PIs" too), then what the service works out. */
export const PLAN_COLUMNS = [
  'objective',
  'reference',
  'action',
  'outputs',
  'milestones',
  'start_and_end',
  'lead',
  'partners',
  'resources',
  'outcomes',
  'indicators',
  'measures',
  'status',
  'activity_rag',
  'flags',
] as const

/** Registered under /partnerships/:partnership. */
export const actionPlanRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createActionService(app.db)
  app.get('/priorities/:priorityId/action-plan', {
    config: { access: { scope: 'partnership', role: 'viewer' }, problems: { 404: ['PRIORITY.NOT_FOUND'] } },
    schema: {
      operationId: 'actionPlan',
      tags: ['Actions'],
      summary: "A priority's action plan, as JSON or as CSV in the columns of the partnership's printed plans",
      description: `CSV columns: ${PLAN_COLUMNS.join(', ')}. Lists within a cell are one per line.`,
      params: Type.Object({ ...PartnershipParams.properties, priorityId: Uuid }, { additionalProperties: false }),
      querystring: ActionPlanQuery,
      response: {
        200: JsonCsvOrXlsx('The plan: JSON, CSV with format=csv, or an Excel workbook', ActionPlanSchema, PLAN_COLUMNS),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const { asOf = today(), format } = request.query
      const plan = await service.plan(tenantScope(request), request.params.priorityId, asOf)
      if (!wantsTable(request, format)) return plan
      const rows = plan.objectives.flatMap(({ objective, actions }) =>
        actions.map(({ action, milestones, lead, partners, indicators }) => [
          objective?.title,
          action.reference,
          action.title,
          action.outputs,
          milestones.map((m) => `${m.label}: ${m.description}`),
          action.timing ??
            (action.starts === null && action.ends === null
              ? 'TBC'
              : `${action.starts ?? 'TBC'} to ${action.ends ?? 'TBC'}`),
          lead,
          partners,
          action.resources.map(describeResource),
          action.outcomes,
          indicators,
          action.measures,
          action.status.replaceAll('_', ' '),
          action.assessment.activityRag,
          action.assessment.flags.map((f) => f.flag),
        ]),
      )
      return sendTable(app.db, request, reply, format, {
        name: `action-plan-${plan.priority.code ?? plan.priority.id}-${asOf}`,
        title: 'Action plan',
        about: [
          ['Priority', `${plan.priority.code === null ? '' : `${plan.priority.code}: `}${plan.priority.name}`],
          ['As of', asOf],
        ],
        header: PLAN_COLUMNS,
        rows,
        kinds: { activity_rag: 'rag' },
      })
    },
  })
}
