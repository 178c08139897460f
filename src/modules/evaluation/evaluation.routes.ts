import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import type { MeasurementStatus } from '../../domain/measurements.js'
import Type from 'typebox'
import { problemResponses } from '../../plugins/problem.js'
import { asTenant } from '../../db/tenancy.js'
import { DomainError } from '../../domain/errors.js'
import { today } from '../../http/clock.js'
import { periodLabel } from '../../http/format.js'
import { PartnershipParams } from '../../http/schemas.js'
import { JsonCsvOrXlsx } from '../../http/xlsx.js'
import { sendTable, wantsTable } from '../partnerships/partnerships.sheet.js'
import { ambiguousMonth, printedPeriod } from '../../domain/periods.js'
import { seriesChart } from './evaluation.chart.js'
import {
  EvaluationQuery,
  MAX_OVERVIEW_PARTNERSHIPS,
  OverviewQuery,
  OverviewSchema,
  PartnershipEvaluationSchema,
  ReportQuery,
  ReportSchema,
  SeriesParams,
  SeriesQuery,
  SeriesSchema,
} from './evaluation.schemas.js'

import { closingDay, createEvaluationService, inBrief, type Tenant } from './evaluation.service.js'
import { REPORT_COLUMNS, REPORT_KINDS, reportRows } from './evaluation.csv.js'

const tags = ['Evaluation']

/** A knownAt as the time it names: a date stands for the end of that day. */
const knownAtTime = (knownAt: string | undefined) =>
  knownAt === undefined
    ? undefined
    : new Date(/^\d{4}-\d{2}-\d{2}$/.test(knownAt) ? `${knownAt}T23:59:59.999Z` : knownAt)

/** An answer for a period that could have meant a year says how it was read (periods.ts, ambiguousMonth). */
function withWarning<T extends object>(answer: T, period: string, fyStartMonth: number): T & { warnings?: string[] } {
  const warning = ambiguousMonth(period, fyStartMonth)
  return warning === null ? answer : { ...answer, warnings: [warning] }
}

/** The partnership as this caller reads it: a viewer never below the partnership's floor (evaluation.service). */
const readAs = (request: FastifyRequest, minimumStatus: MeasurementStatus | undefined): Tenant => ({
  ...request.partnership,
  reading: {
    asViewer: request.membership?.role === 'viewer',
    ...(minimumStatus === undefined ? {} : { minimumStatus }),
  },
})

const csvOrJson = {
  200: JsonCsvOrXlsx('The report: JSON, CSV with format=csv, or an Excel workbook', ReportSchema, REPORT_COLUMNS),
  ...problemResponses(400, 401, 404),
}

const evaluationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createEvaluationService(app.db)
  const read = { scope: 'partnership', role: 'viewer' } as const

  app.get('/evaluation', {
    config: { access: read, heavy: true },
    // Thousands of evaluations built field by field to the schema: the native serializer is faster here.
    serializerCompiler: () => (data) => JSON.stringify(data),
    schema: {
      operationId: 'evaluatePartnership',
      tags,
      summary: 'Evaluate every indicator and area for a reporting period',
      description:
        'Filter by priority, area, indicator, RAG or flag. A monthly indicator asked for a quarter or year is evaluated at its last month.',
      params: PartnershipParams,
      querystring: EvaluationQuery,
      response: { 200: PartnershipEvaluationSchema, ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const {
        period,
        asOf = closingDay(period, request.partnership.financialYearStartMonth),
        knownAt,
        minimumStatus,
        ...filter
      } = request.query
      return withWarning(
        await service.evaluatePartnership(readAs(request, minimumStatus), period, asOf, filter, knownAtTime(knownAt)),
        period,
        request.partnership.financialYearStartMonth,
      )
    },
  })

  app.get('/indicators/:id/evaluation', {
    config: { access: read, problems: { 400: ['SERIES.RANGE'], 404: ['INDICATOR.NOT_FOUND', 'AREA.NOT_FOUND'] } },
    schema: {
      operationId: 'evaluateIndicatorSeries',
      tags,
      summary: 'Evaluate one indicator for one area over a range of periods (a trend series)',
      description:
        'Defaults to the twelve periods up to the current one. An area with no figures of its own is rolled up from its children.',
      params: SeriesParams,
      querystring: SeriesQuery,
      response: { 200: SeriesSchema, ...problemResponses(400, 401, 404) },
    },
    handler: async (request) => {
      const { areaId, asOf = today(), minimumStatus, ...range } = request.query
      return service.series(readAs(request, minimumStatus), request.params.id, areaId, range, asOf)
    },
  })

  app.get('/indicators/:id/chart.svg', {
    config: { access: read, problems: { 400: ['SERIES.RANGE'], 404: ['INDICATOR.NOT_FOUND', 'AREA.NOT_FOUND'] } },
    schema: {
      operationId: 'indicatorTrendChart',
      tags,
      summary:
        'A trend chart (SVG) of one indicator for one area: actuals, target trajectory, tolerance band, RAG of the latest point',
      description:
        'An SVG line chart for a committee paper: the judged figure solid, the target dashed, the tolerance band hatched, the latest point labelled with its RAG in words; numbers and months formatted for an English reader.',
      params: SeriesParams,
      querystring: SeriesQuery,
      response: {
        200: { description: 'SVG image', content: { 'image/svg+xml': { schema: Type.String() } } },
        ...problemResponses(400, 401, 404),
      },
    },
    handler: async (request, reply) => {
      const { areaId, asOf = today(), minimumStatus, ...range } = request.query
      const series = await service.series(readAs(request, minimumStatus), request.params.id, areaId, range, asOf)
      return reply.type('image/svg+xml; charset=utf-8').send(seriesChart(series))
    },
  })

  // The two reports differ only in what they select; both answer JSON or CSV alike.
  const reports = [
    {
      name: 'exceptions',
      operationId: 'exceptionReport',
      summary:
        'Exception report for a period (DOMAIN.md rule 12): every flagged indicator and area by priority, bad before good',
      description:
        'What the Performance Management Group sends on: every flagged indicator and area by priority, bad before good, with figures, flags, the latest commentary and the linked actions. JSON, or CSV with format=csv or Accept: text/csv, or an Excel workbook with format=xlsx or its Accept.',
      build: service.exceptionReport,
    },
    {
      name: 'performance',
      operationId: 'performanceReport',
      summary:
        'Performance report for a period (usually a quarter): every indicator of every priority with its evaluation and commentary',
      description:
        'Every evaluated indicator and area by priority with its figures and commentary (seed 000 Appendix 1, stage 1). JSON, or CSV with format=csv or Accept: text/csv, or an Excel workbook with format=xlsx or its Accept.',
      build: service.performanceReport,
    },
  ] as const
  for (const { name, operationId, summary, description, build } of reports) {
    app.get(`/reports/${name}`, {
      config: { access: read, heavy: true },
      schema: {
        operationId,
        tags,
        summary,
        description,
        params: PartnershipParams,
        querystring: ReportQuery,
        response: csvOrJson,
      },
      handler: async (request, reply) => {
        const {
          period,
          asOf = closingDay(period, request.partnership.financialYearStartMonth),
          knownAt,
          format,
          minimumStatus,
          ...cut
        } = request.query
        const report = withWarning(
          await build(readAs(request, minimumStatus), period, asOf, knownAtTime(knownAt), cut),
          period,
          request.partnership.financialYearStartMonth,
        )
        if (!wantsTable(request, format)) return report
        return sendTable(app.db, request, reply, format, {
          name: `${name}-${report.period}`,
          title: name === 'exceptions' ? 'Exception report' : 'Performance report',
          about: [
            ['Period', `${report.period} (${periodLabel(report.period)})`],
            ['As of', asOf],
            ['Figures', `${minimumStatus ?? 'provisional'} and above`],
            // "2010-11 is November": what the JSON warns of, the workbook says too.
            ...(report.warnings ?? []).map((warning): [string, string] => ['Warning', warning]),
          ],
          header: REPORT_COLUMNS,
          rows: reportRows(report),
          kinds: REPORT_KINDS,
        })
      },
    })
  }
}

/**
 * Several partnerships side by side (a police authority overseeing its CDRPs, seed 004; a county
 * partnership and its districts, seed 001): for one period, each one's RAG counts and flagged indicators,
 * each read as the caller reads it there (a viewer at the partnership's floor) and under its own tenancy.
 */
export const overviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const service = createEvaluationService(app.db)
  app.get('/', {
    config: {
      access: { scope: 'authenticated' },
      heavy: true,
      problems: { 404: ['PARTNERSHIP.NOT_FOUND'], 422: ['OVERVIEW.TOO_MANY'] },
    },
    schema: {
      operationId: 'partnershipsOverview',
      tags,
      summary: 'Several partnerships side by side for one period',
      description: `For each partnership named (the caller must be a member of each; one it is not a member of answers 404, as one that does not exist), its RAG counts and its flagged indicators and areas for the period, judged as its own evaluation judges them. At most ${MAX_OVERVIEW_PARTNERSHIPS} partnerships a request.`,
      querystring: OverviewQuery,
      response: { 200: OverviewSchema, ...problemResponses(400, 401, 404, 422) },
    },
    handler: async (request) => {
      const { period, asOf, minimumStatus } = request.query
      const slugs = [...new Set(request.query.partnerships.split(','))]
      if (slugs.length > MAX_OVERVIEW_PARTNERSHIPS)
        throw new DomainError(
          'OVERVIEW.TOO_MANY',
          'unprocessable',
          `${slugs.length} partnerships were named; one request reads at most ${MAX_OVERVIEW_PARTNERSHIPS}.`,
          [{ field: 'querystring.partnerships', message: `at most ${MAX_OVERVIEW_PARTNERSHIPS} slugs` }],
          { facts: { limit: MAX_OVERVIEW_PARTNERSHIPS } },
        )
      const readable = []
      for (const slug of slugs) {
        const found = await app.readablePartnership(request, slug)
        if (found === undefined) throw new DomainError('PARTNERSHIP.NOT_FOUND', 'not-found', `No partnership ${slug}.`)
        readable.push(found)
      }
      const partnerships = []
      // One after another: each is a whole evaluation, and the pool serves other requests meanwhile.
      for (const { scope, membership } of readable) {
        const tenant: Tenant = {
          ...scope,
          reading: {
            asViewer: membership.role === 'viewer',
            ...(minimumStatus === undefined ? {} : { minimumStatus }),
          },
        }
        const evaluated = await asTenant(scope.id, () =>
          service.evaluatePartnership(tenant, period, asOf ?? closingDay(period, scope.financialYearStartMonth)),
        )
        partnerships.push({
          slug: scope.slug,
          // Each in its own year's notation (plugins/period-notation.ts prints a single partnership's answers).
          period: printedPeriod(evaluated.period, scope.financialYearStartMonth),
          asOf: evaluated.asOf,
          ...inBrief(evaluated.items),
        })
      }
      return { period, partnerships }
    },
  })
}

export default evaluationRoutes
