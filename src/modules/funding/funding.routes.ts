import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import Type from 'typebox'
import { BID_ACTIONS, type BidAction } from '../../domain/funding/index.js'
import { pounds } from '../../domain/money.js'
import { poundsNumber, spreadsheetTime } from '../../http/csv.js'
import { JsonCsvOrXlsx } from '../../http/xlsx.js'
import { sendTable, wantsTable } from '../partnerships/partnerships.sheet.js'
import { shortPage } from '../../http/paging.js'
import { IfMatchOptionalHeaders, page, PageQuery, PartnershipParams, Uuid } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { actorOf, registerResourceRoutes, tenantScope } from '../resource/resource.routes.js'
import {
  AllocationFilters,
  AllocationSchema,
  BidFilters,
  BidSchema,
  CreateAllocationSchema,
  CreateBidSchema,
  CreateEvaluationSchema,
  CreatePaymentSchema,
  CreateStreamSchema,
  DecisionsQuery,
  DecisionsReportSchema,
  EvaluationSchema,
  MainstreamingBody,
  PaymentSchema,
  StatementQuery,
  StatementSchema,
  StreamFilters,
  StreamSchema,
  TransitionBody,
  TransitionResult,
  UpdateAllocationSchema,
  UpdateBidSchema,
  UpdateEvaluationSchema,
  UpdatePaymentSchema,
  UpdateStreamSchema,
} from './funding.schemas.js'
import { createFundingService } from './funding.service.js'

type Service = ReturnType<typeof createFundingService>
const tags = ['Funding']
const ops = (one: string, many: string) => ({
  list: `list${many}`,
  create: `create${one}`,
  get: `get${one}`,
  update: `update${one}`,
  delete: `delete${one}`,
})
const money = pounds
const STATEMENT_COLUMNS = [
  'allocation',
  'contingency',
  'allocated',
  'committed',
  'spent',
  'remaining',
  'allocated_pounds',
  'committed_pounds',
  'spent_pounds',
  'remaining_pounds',
] as const

/** Under /funding-streams. */
const streamRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  registerResourceRoutes(app, {
    service: service.streams,
    operationIds: ops('FundingStream', 'FundingStreams'),
    names: { one: 'funding stream', many: 'funding streams' },
    tag: 'Funding',
    item: StreamSchema,
    create: CreateStreamSchema,
    update: UpdateStreamSchema,
    filters: StreamFilters,
    writeRole: 'admin',
    problems: { write: { 400: ['FUNDING.YEAR', 'PERIOD.INVALID'], 409: ['FUNDING.OVER_TOTAL'] } },
  })
  app.get('/:id/statement', {
    config: { access: { scope: 'partnership', role: 'viewer' }, problems: { 404: ['FUNDING_STREAM.NOT_FOUND'] } },
    schema: {
      operationId: 'fundingStreamStatement',
      tags,
      summary: 'A stream statement: allocations, bids by state, committed, spent and remaining',
      description:
        'Allocated, committed (approved bids), spent (payments) and remaining per allocation and for the stream, with the bids by state; as JSON, or CSV in pounds with format=csv, or an Excel workbook with format=xlsx (money as numbers in pounds).',
      params: Type.Object({ ...PartnershipParams.properties, id: Uuid }, { additionalProperties: false }),
      querystring: StatementQuery,
      response: {
        200: JsonCsvOrXlsx(
          'The statement: JSON, CSV (one row per allocation) with format=csv, or an Excel workbook',
          StatementSchema,
          STATEMENT_COLUMNS,
        ),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const statement = await service.statement(tenantScope(request), request.params.id)
      if (!wantsTable(request, request.query.format)) return statement
      // Each sum as the paper prints it, then as a number a spreadsheet adds up.
      const sums = (...pence: number[]) => [...pence.map(money), ...pence.map(poundsNumber)]
      const rows = statement.allocations.map((a) => [
        a.description,
        a.contingency ? 'yes' : 'no',
        ...sums(a.ledger.amountPence, a.ledger.committedPence, a.ledger.spentPence, a.ledger.remainingPence),
      ])
      const l = statement.ledger
      rows.push(['Total', '', ...sums(l.allocatedPence, l.committedPence, l.spentPence, l.remainingPence)])
      const { stream } = statement
      return sendTable(app.db, request, reply, request.query.format, {
        name: `statement-${stream.financialYear}-${stream.name}`,
        title: 'Funding statement',
        about: [
          ['Stream', stream.name],
          ['Year', stream.financialYear],
        ],
        header: STATEMENT_COLUMNS,
        rows,
        kinds: Object.fromEntries(STATEMENT_COLUMNS.slice(2).map((c) => [c, 'money' as const])),
      })
    },
  })
}

/** Under /funding-streams/:streamId/allocations. */
const allocationRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  registerResourceRoutes(app, {
    service: service.allocations,
    operationIds: ops('Allocation', 'Allocations'),
    names: { one: 'allocation', many: 'allocations' },
    tag: 'Funding',
    item: AllocationSchema,
    create: CreateAllocationSchema,
    update: UpdateAllocationSchema,
    filters: AllocationFilters,
    writeRole: 'admin',
    problems: { write: { 409: ['FUNDING.OVER_TOTAL', 'FUNDING.BELOW_COMMITTED'] } },
  })
}

const ACTION_SUMMARY: Record<BidAction, string> = {
  submit: 'Submit a draft or returned bid to its delivery group (the applicant)',
  support: 'Support a submitted bid (a member of its delivery group)',
  return: 'Return a submitted bid for revision, with a reason (a member of its delivery group)',
  reject:
    'Reject a bid, with a reason: the delivery group, one of the officers (which refers it to the Performance Group), or the Performance Group',
  approve:
    'Approve a supported or referred bid: the Performance Group over the threshold, else the designated officer, chair and vice chair (all three)',
  withdraw: 'Withdraw a bid before a final decision (the applicant)',
}

/** Under /bids. */
const bidRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  registerResourceRoutes(app, {
    service: service.bids,
    operationIds: ops('Bid', 'Bids'),
    names: { one: 'bid', many: 'bids' },
    tag: 'Funding',
    item: BidSchema,
    create: CreateBidSchema,
    update: UpdateBidSchema,
    filters: BidFilters,
    writeRole: 'officer',
    problems: {
      write: { 403: ['BID.NOT_APPLICANT'], 409: ['BID.TRANSITION'], 422: ['BID.GROUP'] },
      delete: { 403: ['BID.NOT_APPLICANT'], 409: ['BID.TRANSITION'] },
    },
  })
  const Params = Type.Object({ ...PartnershipParams.properties, id: Uuid }, { additionalProperties: false })
  for (const action of BID_ACTIONS) {
    app.post(`/:id/${action}`, {
      // Who takes a step is decided by the stage and the caller's memberships and offices, not the role.
      config: {
        access: { scope: 'partnership', role: 'viewer', groupMembers: true },
        problems: {
          403: ['BID.NOT_APPLICANT', 'BID.NOT_DECIDER', 'BID.OWN_BID'],
          404: ['BID.NOT_FOUND'],
          409: ['BID.TRANSITION', 'BID.ALREADY_DECIDED', 'FUNDING.INSUFFICIENT'],
          422: ['BID.REASON', 'DATE.RANGE'],
        },
      },
      schema: {
        operationId: `${action}Bid`,
        tags,
        summary: ACTION_SUMMARY[action],
        description:
          "A step not allowed from the bid's state is 409 BID.TRANSITION naming the state and what it allows; one the caller may not take is 403. If-Match is optional here: the state itself guards against a repeated step.",
        params: Params,
        headers: IfMatchOptionalHeaders,
        body: TransitionBody,
        response: {
          200: { ...TransitionResult, description: 'The bid after the step, the decision recorded and who to inform' },
          ...problemResponses(400, 401, 403, 404, 409, 412, 422),
        },
      },
      handler: async (request) =>
        service.transition(
          tenantScope(request),
          actorOf(request),
          request.params.id,
          action,
          request.body,
          request.headers['if-match'],
        ),
    })
  }
  app.post('/:id/mainstreaming', {
    config: {
      access: { scope: 'partnership', role: 'officer' },
      problems: { 404: ['BID.NOT_FOUND'], 409: ['BID.NOT_FUNDED'], 422: ['DATE.RANGE'] },
    },
    schema: {
      operationId: 'decideBidMainstreaming',
      tags,
      summary: 'Record the year-end mainstreaming decision on a funded project',
      description:
        'At year end an officer records whether a funded project is mainstreamed, funded again or ended (seed 002: each funded project is considered for mainstreaming).',
      params: Params,
      body: MainstreamingBody,
      response: {
        200: { ...TransitionResult, description: 'The bid with its year-end decision, and the decision recorded' },
        ...problemResponses(400, 401, 403, 404, 409, 422),
      },
    },
    handler: async (request) =>
      service.mainstreaming(tenantScope(request), actorOf(request), request.params.id, request.body),
  })
  app.get('/:id/decisions', {
    config: { access: { scope: 'partnership', role: 'viewer' }, problems: { 404: ['BID.NOT_FOUND'] } },
    schema: {
      operationId: 'listBidDecisions',
      tags,
      summary: "A bid's history: every step, who took it, in which office, when and why",
      description:
        "Every step the bid has taken: who took it, in which office and group, when, why and for how much. Nothing here is ever changed: it is the bid's record.",
      params: Params,
      querystring: PageQuery,
      response: {
        200: page(Type.Ref('FundingDecision'), "the bid's decisions, oldest first"),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request) =>
      shortPage(
        `bid-decisions:${request.params.id}`,
        (await service.decisions(tenantScope(request), request.params.id)).items,
        (d) => d.id,
        request.query,
      ),
  })
}

/** Under /bids/:bidId/evaluations. */
const evaluationRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  registerResourceRoutes(app, {
    service: service.evaluations,
    operationIds: ops('BidEvaluation', 'BidEvaluations'),
    names: { one: 'evaluation', many: 'evaluations' },
    tag: 'Funding',
    item: EvaluationSchema,
    create: CreateEvaluationSchema,
    update: UpdateEvaluationSchema,
    filters: { indicatorId: Uuid },
    writeRole: 'officer',
    problems: {
      write: { 403: ['EVALUATION.NOT_AUTHOR'], 409: ['BID.NOT_FUNDED'] },
      delete: { 403: ['EVALUATION.NOT_AUTHOR'] },
    },
  })
}

/** Under /bids/:bidId/payments. */
const paymentRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  registerResourceRoutes(app, {
    service: service.payments,
    operationIds: ops('BidPayment', 'BidPayments'),
    names: { one: 'payment', many: 'payments' },
    tag: 'Funding',
    item: PaymentSchema,
    create: CreatePaymentSchema,
    update: UpdatePaymentSchema,
    filters: {},
    writeRole: 'officer',
    problems: { write: { 409: ['BID.NOT_FUNDED', 'FUNDING.OVERPAID'], 422: ['DATE.RANGE'] } },
  })
}

const DECISION_COLUMNS = [
  'decided_on',
  'recorded_at_utc',
  'bid',
  'bid_id',
  'stage',
  'decision',
  'from',
  'to',
  'by',
  'offices',
  'group',
  'amount',
  'amount_pounds',
  'reason',
] as const

/** Under the partnership. */
const reportRoutes: FastifyPluginAsyncTypebox<{ service: Service }> = async (app, { service }) => {
  app.get('/reports/funding-decisions', {
    config: { access: { scope: 'partnership', role: 'viewer' }, problems: { 400: ['REPORT.RANGE'] } },
    schema: {
      operationId: 'fundingDecisionsReport',
      tags,
      summary: 'The stage 4 report: every funding decision in a date range, with who, office, when, amount and reason',
      description:
        'Stage 4 of the funding process: every decision taken between from and to (by the day it was taken, decidedOn, not the day it was entered), with who, office, date, amount and reason; JSON, or CSV with format=csv, or an Excel workbook with format=xlsx.',
      params: PartnershipParams,
      querystring: DecisionsQuery,
      response: {
        200: JsonCsvOrXlsx(
          'The report: JSON, CSV with format=csv, or an Excel workbook',
          DecisionsReportSchema,
          DECISION_COLUMNS,
        ),
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const { from, to, format } = request.query
      const report = await service.decisionsReport(tenantScope(request), from, to)
      if (!wantsTable(request, format)) return report
      const rows = report.items.map(({ decision: d, bidTitle, groupName }) => [
        d.decidedOn,
        spreadsheetTime(d.recordedAt),
        bidTitle,
        d.bidId,
        d.stage.replaceAll('_', ' '),
        d.action,
        d.fromState,
        d.toState,
        d.actor,
        d.offices.map((o) => o.replaceAll('_', ' ')),
        groupName,
        money(d.amountPence),
        poundsNumber(d.amountPence),
        d.reason,
      ])
      return sendTable(app.db, request, reply, format, {
        name: `funding-decisions-${from}-${to}`,
        title: 'Funding decisions',
        about: [
          ['From', from],
          ['To', to],
        ],
        header: DECISION_COLUMNS,
        rows,
        kinds: { decided_on: 'date', recorded_at_utc: 'timestamp', amount: 'money', amount_pounds: 'money' },
      })
    },
  })
}

/** Registered under /partnerships/:partnership: streams, allocations, bids, their evaluations and payments, the report. */
export const fundingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createFundingService(app.db)
  await app.register(streamRoutes, { prefix: '/funding-streams', service })
  await app.register(allocationRoutes, { prefix: '/funding-streams/:streamId/allocations', service })
  await app.register(bidRoutes, { prefix: '/bids', service })
  await app.register(evaluationRoutes, { prefix: '/bids/:bidId/evaluations', service })
  await app.register(paymentRoutes, { prefix: '/bids/:bidId/payments', service })
  await app.register(reportRoutes, { service })
}
