import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply } from 'fastify'
import Type from 'typebox'
import { sendCsv } from '../../http/csv.js'
import { IfMatchOptionalHeaders, PartnershipParams, StringEnum, Uuid, page } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { actorOf } from '../resource/resource.routes.js'
import { etagOf } from '../resource/resource.service.js'
import {
  AnswerBodySchema,
  CuratedReportSchema,
  IssueRoundSchema,
  IssuedReportSchema,
  OpenRoundSchema,
  RequestBodySchema,
  ResponseBodySchema,
  RoundChangesSchema,
  RoundMissingSchema,
  RoundFilters,
  SelectionBodySchema,
  SubmitReturnSchema,
} from './rounds.schemas.js'
import { createRoundService } from './rounds.service.js'
import { createEvaluationService } from '../evaluation/evaluation.service.js'
import { REPORT_COLUMNS, reportCsv } from '../evaluation/evaluation.csv.js'
import { packHtml, packPdf } from './rounds.pack.js'

const tags = ['Rounds']
const Round = Type.Ref('Round')
const RoundParams = Type.Object({ ...PartnershipParams.properties, id: Uuid }, { additionalProperties: false })
const ReturnParams = Type.Object({ ...RoundParams.properties, groupId: Uuid }, { additionalProperties: false })
const SelectionParams = Type.Object(
  { ...RoundParams.properties, indicatorId: Uuid, areaId: Uuid },
  { additionalProperties: false },
)
const RequestParams = Type.Object({ ...RoundParams.properties, requestId: Uuid }, { additionalProperties: false })
const FollowUpParams = Type.Object({ ...RoundParams.properties, responseId: Uuid }, { additionalProperties: false })
const ReportFormat = Type.Object(
  {
    format: Type.Optional(
      StringEnum(['json', 'csv', 'pdf', 'html'] as const, {
        description: 'json by default; csv, pdf (the committee pack) or html (the pack, printable)',
      }),
    ),
  },
  { additionalProperties: false },
)

/** The format asked for: by `format`, else the first of Accept's types that this answers. */
function formatOf(format: string | undefined, accept: string | undefined): 'json' | 'csv' | 'pdf' | 'html' {
  if (format === 'csv' || format === 'pdf' || format === 'html' || format === 'json') return format
  const types: Array<[string, 'json' | 'csv' | 'pdf' | 'html']> = [
    ['application/json', 'json'],
    ['text/csv', 'csv'],
    ['application/pdf', 'pdf'],
    ['text/html', 'html'],
  ]
  const asked = (accept ?? '').split(',').map((t) => t.split(';')[0]!.trim())
  for (const type of asked) {
    const found = types.find(([t]) => t === type)
    if (found !== undefined) return found[1]
  }
  return 'json'
}

const read = { scope: 'partnership', role: 'viewer' } as const
// Who takes a round's steps is decided by their groups on the day (PMG; the theme group), not the role.
const byGroup = { scope: 'partnership', role: 'viewer', groupMembers: true } as const
const STEP = [400, 401, 403, 404, 409, 412, 422] as const
const STEP_NOTE =
  "If-Match is optional: sent, it must hold the round's current ETag (412 otherwise), so a client that read the round changes only that version."

/** Registered under /partnerships/:partnership/rounds. */
export const roundRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createRoundService(app.db, createEvaluationService(app.db))
  const sendRound = (reply: FastifyReply, round: { version: number }, status = 200) =>
    reply.status(status).header('etag', etagOf(round.version)).send(round)

  app.get('/', {
    config: { access: read },
    schema: {
      operationId: 'listRounds',
      tags,
      summary: 'List the reporting rounds, latest period first',
      description: 'A page of rounds (limit, then cursor from nextCursor), each with its returns and selections.',
      params: PartnershipParams,
      querystring: RoundFilters,
      response: { 200: page(Round, 'rounds'), ...problemResponses(400, 401, 404) },
    },
    handler: (request) => service.list(request.partnership, request.query),
  })

  app.post('/', {
    config: {
      access: byGroup,
      problems: { 403: ['ROUND.NOT_PMG'], 409: ['ROUND.DUPLICATE'], 422: ['ROUND.DATES', 'ROUND.GROUP'] },
      etag: true,
    },
    schema: {
      operationId: 'openRound',
      tags,
      summary: 'Open a reporting round for a period, with its meeting dates',
      description:
        "A member of the Performance Management Group opens the round: the theme groups' meetings (each may have its own), PMG's and the Strategic Group's, in that order and after the period ends. A return is then due from every theme group: the report reaches it sendDays before its meeting and its return is due returnDays after (seed 000: 7 and 7).",
      params: PartnershipParams,
      body: OpenRoundSchema,
      response: {
        201: Type.Unsafe({ $ref: 'Round', description: 'The round opened' }),
        ...problemResponses(400, 401, 403, 404, 409, 422),
      },
    },
    handler: async (request, reply) => {
      const round = await service.open(request.partnership, actorOf(request), request.body)
      return sendRound(
        reply.header('location', `/partnerships/${request.partnership.slug}/rounds/${round.id}`),
        round,
        201,
      )
    },
  })

  app.get('/:id', {
    config: { access: read, problems: { 404: ['ROUND.NOT_FOUND'] }, etag: true },
    schema: {
      operationId: 'getRound',
      tags,
      summary: 'Read a round: its returns (with their deadlines and status today) and selections',
      description:
        "The round with each theme group's return: when the report reaches it, when the return is due, and whether it is submitted, due or overdue today.",
      params: RoundParams,
      response: { 200: Round, ...problemResponses(400, 401, 404) },
    },
    handler: async (request, reply) => sendRound(reply, await service.get(request.partnership, request.params.id)),
  })

  app.post('/:id/returns/:groupId/submit', {
    config: {
      access: byGroup,
      problems: {
        403: ['ROUND.NOT_GROUP'],
        404: ['ROUND.NOT_FOUND', 'RETURN.NOT_FOUND'],
        409: ['ROUND.ISSUED', 'ROUND.RETURN_SUBMITTED'],
      },
      etag: true,
    },
    schema: {
      operationId: 'submitRoundReturn',
      tags,
      summary: "Submit a theme group's return, with its overall summary",
      description: `A member of the group (or an officer) submits it once; PMG may reopen it. ${STEP_NOTE}`,
      params: ReturnParams,
      headers: IfMatchOptionalHeaders,
      body: SubmitReturnSchema,
      response: { 200: Round, ...problemResponses(...STEP) },
    },
    handler: async (request, reply) =>
      sendRound(
        reply,
        await service.submitReturn(
          request.partnership,
          actorOf(request),
          request.params.id,
          request.params.groupId,
          request.headers['if-match'],
          request.body.summary,
        ),
      ),
  })

  app.post('/:id/returns/:groupId/reopen', {
    config: {
      access: byGroup,
      problems: {
        403: ['ROUND.NOT_PMG'],
        404: ['ROUND.NOT_FOUND', 'RETURN.NOT_FOUND'],
        409: ['ROUND.ISSUED', 'ROUND.RETURN_OPEN'],
      },
      etag: true,
    },
    schema: {
      operationId: 'reopenRoundReturn',
      tags,
      summary: "Reopen a theme group's submitted return (PMG), so the group can add to it",
      description: `Only a member of the Performance Management Group, before the round is issued. ${STEP_NOTE}`,
      params: ReturnParams,
      headers: IfMatchOptionalHeaders,
      response: { 200: Round, ...problemResponses(...STEP) },
    },
    handler: async (request, reply) =>
      sendRound(
        reply,
        await service.reopenReturn(
          request.partnership,
          actorOf(request),
          request.params.id,
          request.params.groupId,
          request.headers['if-match'],
        ),
      ),
  })

  app.put('/:id/selections/:indicatorId/:areaId', {
    config: {
      access: byGroup,
      heavy: true,
      problems: {
        403: ['ROUND.NOT_PMG'],
        404: ['ROUND.NOT_FOUND'],
        409: ['ROUND.ISSUED'],
        422: ['ROUND.SELECTION', 'ROUND.REFERENCE'],
      },
      etag: true,
    },
    schema: {
      operationId: 'selectRoundException',
      tags,
      summary: "PMG's decision on one indicator and area: keep, drop or add an exception",
      description: `keep: a computed exception goes up (name the action that will address it with actionId; a data issue kept is escalated after all); drop: a computed one does not (reason required); add: one the computation did not raise goes up (reason and direction required). Judged against the exceptions computed for the round's period now. ${STEP_NOTE}`,
      params: SelectionParams,
      headers: IfMatchOptionalHeaders,
      body: SelectionBodySchema,
      response: { 200: Round, ...problemResponses(...STEP, 429) },
    },
    handler: async (request, reply) => {
      const { id, indicatorId, areaId } = request.params
      return sendRound(
        reply,
        await service.select(
          request.partnership,
          actorOf(request),
          id,
          { indicatorId, areaId },
          request.headers['if-match'],
          request.body,
        ),
      )
    },
  })

  app.delete('/:id/selections/:indicatorId/:areaId', {
    config: {
      access: byGroup,
      problems: { 403: ['ROUND.NOT_PMG'], 404: ['ROUND.NOT_FOUND', 'SELECTION.NOT_FOUND'], 409: ['ROUND.ISSUED'] },
      etag: true,
    },
    schema: {
      operationId: 'unselectRoundException',
      tags,
      summary: "Take back PMG's decision on one indicator and area",
      description: `The computed exception (if any) then stands as computed. ${STEP_NOTE}`,
      params: SelectionParams,
      headers: IfMatchOptionalHeaders,
      response: { 200: Round, ...problemResponses(...STEP) },
    },
    handler: async (request, reply) => {
      const { id, indicatorId, areaId } = request.params
      return sendRound(
        reply,
        await service.unselect(
          request.partnership,
          actorOf(request),
          id,
          { indicatorId, areaId },
          request.headers['if-match'],
        ),
      )
    },
  })

  app.get('/:id/missing', {
    config: { access: read, heavy: true, problems: { 404: ['ROUND.NOT_FOUND'] } },
    schema: {
      operationId: 'roundMissing',
      tags,
      summary: "What each theme group's return still lacks: commentary on its exceptions, progress on its actions",
      description:
        "Per theme group, with its return's status: the exceptions of its priority going up that have no commentary for the round's period (how poor performance is being addressed, what contributed to good), and its actions still running with no progress update since the period began.",
      params: RoundParams,
      response: { 200: RoundMissingSchema, ...problemResponses(400, 401, 404, 429) },
    },
    handler: (request) => service.missing(request.partnership, request.params.id),
  })

  app.get('/:id/exceptions', {
    config: { access: read, heavy: true, problems: { 404: ['ROUND.NOT_FOUND'] } },
    schema: {
      operationId: 'roundExceptions',
      tags,
      summary: 'The exception report as PMG has curated it (as issued, once the round is)',
      description:
        "The computed exceptions for the round's period with PMG's selections applied: what goes up, by priority, bad before good; the data issues (no target, no figure) apart, to be chased; and what PMG dropped, with its reasons. Once issued, the frozen report's.",
      params: RoundParams,
      response: { 200: CuratedReportSchema, ...problemResponses(400, 401, 404, 429) },
    },
    handler: (request) => service.exceptions(request.partnership, request.params.id),
  })

  app.post('/:id/issue', {
    config: {
      access: byGroup,
      heavy: true,
      problems: {
        403: ['ROUND.NOT_PMG'],
        404: ['ROUND.NOT_FOUND'],
        409: ['ROUND.ISSUED', 'ROUND.RETURNS_MISSING', 'ROUND.CHANGED'],
      },
    },
    schema: {
      operationId: 'issueRound',
      tags,
      summary: 'Issue the round: the curated exception report with the performance report, frozen',
      description: `A member of PMG issues it; refused while a theme group's return is missing unless missingReturnsReason says why. The figures, flags, commentary and actions are kept as they stand, and never change after: a figure revised later leaves the issued report as it was. ${STEP_NOTE}`,
      params: RoundParams,
      headers: IfMatchOptionalHeaders,
      body: IssueRoundSchema,
      response: {
        201: Type.Unsafe({ ...IssuedReportSchema, description: 'The report as issued' }),
        ...problemResponses(...STEP, 429),
      },
    },
    handler: async (request, reply) => {
      const report = await service.issue(
        request.partnership,
        actorOf(request),
        request.params.id,
        request.headers['if-match'],
        request.body.missingReturnsReason,
      )
      return reply
        .status(201)
        .header('location', `/partnerships/${request.partnership.slug}/rounds/${request.params.id}/report`)
        .send(report)
    },
  })

  app.post('/:id/requests', {
    config: {
      access: byGroup,
      problems: {
        403: ['ROUND.NOT_PMG'],
        404: ['ROUND.NOT_FOUND', 'RETURN.NOT_FOUND'],
        409: ['ROUND.ISSUED'],
        422: ['ROUND.DATES'],
      },
      etag: true,
    },
    schema: {
      operationId: 'askRoundGroup',
      tags,
      summary: 'PMG asks a theme group for more explanation, due by a date within the round',
      description: `A member of the Performance Management Group, before issue; the group answers with answerRoundRequest. A round is not issued while a request is unanswered, unless missingReturnsReason says why. ${STEP_NOTE}`,
      params: RoundParams,
      headers: IfMatchOptionalHeaders,
      body: RequestBodySchema,
      response: { 201: Round, ...problemResponses(...STEP) },
    },
    handler: async (request, reply) =>
      sendRound(
        reply,
        await service.ask(
          request.partnership,
          actorOf(request),
          request.params.id,
          request.headers['if-match'],
          request.body,
        ),
        201,
      ),
  })

  app.post('/:id/requests/:requestId/answer', {
    config: {
      access: byGroup,
      problems: {
        403: ['ROUND.NOT_GROUP'],
        404: ['ROUND.NOT_FOUND', 'REQUEST.NOT_FOUND'],
        409: ['ROUND.ISSUED', 'ROUND.REQUEST_ANSWERED'],
      },
      etag: true,
    },
    schema: {
      operationId: 'answerRoundRequest',
      tags,
      summary: "The theme group answers PMG's request",
      description: `A member of the group asked (or an officer), once, before issue. ${STEP_NOTE}`,
      params: RequestParams,
      headers: IfMatchOptionalHeaders,
      body: AnswerBodySchema,
      response: { 200: Round, ...problemResponses(...STEP) },
    },
    handler: async (request, reply) =>
      sendRound(
        reply,
        await service.answer(
          request.partnership,
          actorOf(request),
          request.params.id,
          request.params.requestId,
          request.headers['if-match'],
          request.body.answer,
        ),
      ),
  })

  app.put('/:id/responses/:indicatorId/:areaId', {
    config: {
      access: byGroup,
      problems: {
        403: ['ROUND.NOT_STRATEGIC'],
        404: ['ROUND.NOT_FOUND'],
        409: ['ROUND.NOT_YET_ISSUED', 'ROUND.FOLLOW_UP_ANSWERED'],
        422: ['ROUND.RESPONSE'],
      },
      etag: true,
    },
    schema: {
      operationId: 'respondToRoundException',
      tags,
      summary: "The Strategic Group's response to an issued exception, with any follow-up to the PMG chair",
      description: `A member of the Strategic Group, after issue, on an exception the report issued: accepted, further support required, or raise at a county board; a follow-up request (followUp with followUpDueOn) is answered by PMG in a later round (answerRoundFollowUp). Sent again, it replaces the response until PMG answers its follow-up. ${STEP_NOTE}`,
      params: SelectionParams,
      headers: IfMatchOptionalHeaders,
      body: ResponseBodySchema,
      response: { 200: Round, ...problemResponses(...STEP) },
    },
    handler: async (request, reply) => {
      const { id, indicatorId, areaId } = request.params
      return sendRound(
        reply,
        await service.respond(
          request.partnership,
          actorOf(request),
          id,
          { indicatorId, areaId },
          request.headers['if-match'],
          request.body,
        ),
      )
    },
  })

  app.post('/:id/follow-ups/:responseId/answer', {
    config: {
      access: byGroup,
      problems: {
        403: ['ROUND.NOT_PMG'],
        404: ['ROUND.NOT_FOUND', 'FOLLOW_UP.NOT_FOUND'],
        409: ['ROUND.FOLLOW_UP_ANSWERED'],
        422: ['ROUND.FOLLOW_UP_ROUND'],
      },
      etag: true,
    },
    schema: {
      operationId: 'answerRoundFollowUp',
      tags,
      summary: 'PMG answers, in this round, a follow-up the Strategic Group asked in an earlier one',
      description: `A member of the Performance Management Group; the follow-up is listed in followUps of every later round until answered, then in the round that answered it. ${STEP_NOTE}`,
      params: FollowUpParams,
      headers: IfMatchOptionalHeaders,
      body: AnswerBodySchema,
      response: { 200: Round, ...problemResponses(...STEP) },
    },
    handler: async (request, reply) =>
      sendRound(
        reply,
        await service.answerFollowUp(
          request.partnership,
          actorOf(request),
          request.params.id,
          request.params.responseId,
          request.headers['if-match'],
          request.body.answer,
        ),
      ),
  })

  app.get('/:id/changes', {
    config: { access: read, heavy: true, problems: { 404: ['ROUND.NOT_FOUND', 'ROUND.NOT_ISSUED'] } },
    schema: {
      operationId: 'roundChangesSinceIssue',
      tags,
      summary: 'What moved since the round was issued: figures, targets, RAG and flags, with the figures written since',
      description:
        'The issued report stays as issued; this answers how the same report reads now, item by item where it differs, and which figures were written or deleted since the issue for each.',
      params: RoundParams,
      response: { 200: RoundChangesSchema, ...problemResponses(400, 401, 404, 429) },
    },
    handler: (request) => service.changes(request.partnership, request.params.id),
  })

  app.get('/:id/report', {
    config: { access: read, heavy: true, problems: { 404: ['ROUND.NOT_FOUND', 'ROUND.NOT_ISSUED'] } },
    schema: {
      operationId: 'issuedRoundReport',
      tags,
      summary: "The round's issued report, exactly as issued: JSON, CSV, or the committee pack as PDF or HTML",
      description:
        "The frozen snapshot: the exceptions as curated and the full performance report, with who issued them and when. format=csv: the issued exceptions, one row per indicator and area, in the exception report's columns. format=pdf: the committee pack on A4 (a cover with the partnership, round and meetings; the exceptions by priority, bad before good, each with its trend chart as the figures stood at issue, RAG in words and colour, flags, commentary and action; the performance report after; numbered pages). format=html: the same pack as one printable page. Also chosen by Accept (text/csv, application/pdf, text/html).",
      params: RoundParams,
      querystring: ReportFormat,
      response: {
        200: {
          description: 'The issued report, in the format asked for',
          content: {
            'application/json': { schema: IssuedReportSchema },
            'text/csv': { schema: Type.String({ description: REPORT_COLUMNS.join(',') }) },
            'application/pdf': { schema: Type.Unsafe<Buffer>(Type.String({ format: 'binary' })) },
            'text/html': { schema: Type.String() },
          },
        },
        ...problemResponses(400, 401, 404, 429),
      },
    },
    handler: async (request, reply) => {
      const format = formatOf(request.query.format, request.headers.accept)
      const { partnership } = request
      if (format === 'json') return service.report(partnership, request.params.id)
      if (format === 'csv') {
        const report = await service.report(partnership, request.params.id)
        return sendCsv(
          reply,
          `issued-exceptions-${report.period}`,
          reportCsv(report.exceptions as unknown as Parameters<typeof reportCsv>[0]),
        )
      }
      const model = await service.packModel(partnership, request.params.id)
      const name = `${partnership.slug}-${model.period}-committee-pack`
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(packHtml(model))
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${name.replace(/[^\w.-]/g, '_')}.pdf"`)
        .send(await packPdf(model))
    },
  })
}
