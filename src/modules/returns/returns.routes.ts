import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import Type from 'typebox'
import { DomainError } from '../../domain/errors.js'
import { daysOf, monthIndex, periodContaining, dateRange } from '../../domain/periods.js'
import { today } from '../../http/clock.js'
import { sendCsv, spreadsheetCsv, wantsCsv } from '../../http/csv.js'
import { AsOf, JsonOrCsv, Nullable, PartnershipParams, StringEnum, Uuid } from '../../http/schemas.js'
import { problemResponses } from '../../plugins/problem.js'
import { createReturnsService, type ReturnsQuery } from './returns.service.js'

const tags = ['Measurements']

const Query = Type.Object(
  {
    asOf: Type.Optional({ ...AsOf, description: 'Returns due before this day (default today)' }),
    from: Type.Optional(
      Type.String({
        minLength: 4,
        maxLength: 12,
        description:
          'The first period looked at, as a day or a period (default: the start of the financial year asOf falls in)',
      }),
    ),
    agencyId: Type.Optional({
      ...Uuid,
      description: "Only this agency's indicators (an agency's own token reads its own)",
    }),
    format: Type.Optional(StringEnum(['json', 'csv'] as const, { description: 'json (default) or csv' })),
  },
  { additionalProperties: false },
)

const OVERDUE_COLUMNS = [
  'agency',
  'indicator',
  'indicator_name',
  'area',
  'area_code',
  'period',
  'due_on',
  'days_late',
] as const
const COMPLETENESS_COLUMNS = [
  'agency',
  'period',
  'expected',
  'received',
  'on_time',
  'late',
  'overdue',
  'complete_percent',
  'on_time_percent',
] as const

const Overdue = Type.Object(
  {
    agencyId: Nullable(Uuid),
    agencyName: Nullable(Type.String({ description: 'The supplying agency; null where the indicator names none' })),
    indicatorId: Uuid,
    reference: Type.String(),
    indicatorName: Type.String(),
    areaId: Uuid,
    areaName: Type.String(),
    areaCode: Nullable(Type.String()),
    period: Type.String(),
    dueOn: Type.String({ format: 'date', description: "The period's last day plus the indicator's data lag" }),
    daysLate: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
)

const CompletenessRow = Type.Object(
  {
    agencyId: Nullable(Uuid),
    agencyName: Nullable(Type.String()),
    period: Type.String(),
    expected: Type.Integer({ description: 'Returns due before asOf' }),
    received: Type.Integer(),
    onTime: Type.Integer({ description: 'First received on or before the due day' }),
    late: Type.Integer(),
    overdue: Type.Integer({ description: 'Not received yet' }),
    completenessPercent: Type.Number({ description: 'Received of expected, in percent' }),
    timelinessPercent: Type.Number({ description: 'On time of expected, in percent' }),
  },
  { additionalProperties: false },
)

const answer = <T extends ReturnType<typeof Type.Object>>(item: T, description: string) =>
  Type.Object(
    { asOf: Type.String({ format: 'date' }), from: Type.String({ format: 'date' }), items: Type.Array(item) },
    { additionalProperties: false, description },
  )

const returnsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createReturnsService(app.db)

  /** The window asked for; an agency's own token reads its own agency's returns only. */
  function queryOf(request: FastifyRequest, asked: { asOf?: string; from?: string; agencyId?: string }): ReturnsQuery {
    const yearStart = request.partnership.financialYearStartMonth
    const asOf = asked.asOf ?? today()
    const from =
      asked.from === undefined
        ? dateRange(periodContaining('financial_year', monthIndex(asOf), yearStart)).start
        : daysOf(asked.from, yearStart, 'querystring.from').start
    if (from > asOf)
      throw new DomainError('RETURNS.RANGE', 'validation', `from (${from}) is after asOf (${asOf}).`, [
        { field: 'querystring.from', message: 'must be on or before asOf' },
      ])
    const own = request.membership?.agency
    if (own !== undefined && asked.agencyId !== undefined && asked.agencyId !== own)
      throw new DomainError('RETURNS.OTHER_AGENCY', 'forbidden', "An agency's token reads its own agency's returns.")
    const agencyId = own ?? asked.agencyId
    return { asOf, from, ...(agencyId === undefined ? {} : { agencyId }) }
  }

  const config = {
    access: { scope: 'partnership', role: 'viewer' },
    heavy: true,
    problems: { 400: ['RETURNS.RANGE', 'PERIOD.INVALID'], 403: ['RETURNS.OTHER_AGENCY'] },
  } as const

  app.get('/returns/overdue', {
    config,
    schema: {
      operationId: 'overdueReturns',
      tags,
      summary: 'Returns not in by their due day, per agency: what to chase',
      description: `Each indicator expects a figure per area and period, due by the period's last day plus its data lag. Listed: those due before asOf and not received, longest overdue first; an indicator with no figure or target yet (a monitored count) is expected for the partnership's top areas. CSV columns: ${OVERDUE_COLUMNS.join(', ')}.`,
      params: PartnershipParams,
      querystring: Query,
      response: {
        200: JsonOrCsv(
          'Overdue returns: JSON, or CSV with format=csv',
          answer(Overdue, 'Overdue returns'),
          OVERDUE_COLUMNS,
        ),
        ...problemResponses(400, 401, 403, 404, 429),
      },
    },
    handler: async (request, reply) => {
      const query = queryOf(request, request.query)
      const rows = await service.overdue(request.partnership.id, request.partnership.financialYearStartMonth, query)
      const items = rows.map(({ receivedOn: _r, state: _s, ...row }) => row)
      if (!wantsCsv(request, request.query.format)) return { asOf: query.asOf, from: query.from, items }
      const lines = items.map((r) => [
        r.agencyName ?? '',
        r.reference,
        r.indicatorName,
        r.areaName,
        r.areaCode,
        r.period,
        r.dueOn,
        r.daysLate,
      ])
      return sendCsv(reply, `overdue-returns-${query.asOf}`, spreadsheetCsv(OVERDUE_COLUMNS, lines))
    },
  })

  app.get('/returns/completeness', {
    config,
    schema: {
      operationId: 'returnsCompleteness',
      tags,
      summary: 'Completeness and timeliness of returns, per agency and period',
      description: `For each agency and period: returns expected (due before asOf), received, on time (first received by the due day), late, and still overdue. CSV columns: ${COMPLETENESS_COLUMNS.join(', ')}.`,
      params: PartnershipParams,
      querystring: Query,
      response: {
        200: JsonOrCsv(
          'Completeness: JSON, or CSV with format=csv',
          answer(CompletenessRow, 'Completeness per agency and period'),
          COMPLETENESS_COLUMNS,
        ),
        ...problemResponses(400, 401, 403, 404, 429),
      },
    },
    handler: async (request, reply) => {
      const query = queryOf(request, request.query)
      const items = await service.completeness(
        request.partnership.id,
        request.partnership.financialYearStartMonth,
        query,
      )
      if (!wantsCsv(request, request.query.format)) return { asOf: query.asOf, from: query.from, items }
      const lines = items.map((r) => [
        r.agencyName ?? '',
        r.period,
        r.expected,
        r.received,
        r.onTime,
        r.late,
        r.overdue,
        r.completenessPercent,
        r.timelinessPercent,
      ])
      return sendCsv(reply, `returns-completeness-${query.asOf}`, spreadsheetCsv(COMPLETENESS_COLUMNS, lines))
    },
  })
}

export default returnsRoutes
