import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sendCsv, spreadsheetCsv, wantsCsv } from '../../http/csv.js'
import Type from 'typebox'
import { problemResponses } from '../../plugins/problem.js'
import { today } from '../../http/clock.js'
import { periodLabel } from '../../http/format.js'
import { JsonOrCsv, PartnershipParams } from '../../http/schemas.js'
import { ambiguousMonth, dateRange, parsePeriod } from '../../domain/periods.js'
import { trendChart } from './evaluation.chart.js'
import {
  EvaluationQuery,
  PartnershipEvaluationSchema,
  ReportQuery,
  ReportSchema,
  SeriesParams,
  SeriesQuery,
  SeriesSchema,
} from './evaluation.schemas.js'

/** A knownAt as the time it names: a date stands for the end of that day. */
const knownAtTime = (knownAt: string | undefined) =>
  knownAt === undefined
    ? undefined
    : new Date(/^\d{4}-\d{2}-\d{2}$/.test(knownAt) ? `${knownAt}T23:59:59.999Z` : knownAt)
import { createEvaluationService } from './evaluation.service.js'

const tags = ['Evaluation']
type Report = Awaited<ReturnType<ReturnType<typeof createEvaluationService>['exceptionReport']>>

const REPORT_COLUMNS = [
  'priority_code',
  'priority_name',
  'direction',
  'indicator',
  'indicator_name',
  'area',
  'area_code',
  'period',
  'evaluated_period',
  'actual',
  'target',
  'variance',
  'relative_variance_percent',
  'rag',
  'flags',
  'forecast',
  'year_target',
  'required_change_percent',
  'already_met',
  'year_to_date',
  'target_for_period',
  'previous_value',
  'travel_previous_period',
  'travel_same_period_last_year',
  'commentary',
  'commentary_author',
  'actions',
]

/** One row per indicator and area, the figures a committee paper tabulates. */
function reportCsv(report: Report): string {
  const rows = report.priorities.flatMap((group) =>
    group.items.map((item) => {
      const e = item.evaluation
      // Figures to the indicator's decimal places, percentages to one: never 1651.000000 or 37.037037.
      const n = (v: number | null | undefined) => (v === null || v === undefined ? '' : v.toFixed(places))
      const pct = (v: number | null | undefined) => (v === null || v === undefined ? '' : v.toFixed(1))
      const places = item.indicator.decimalPlaces
      return [
        group.priority.code,
        group.priority.name,
        e.flags.length === 0 ? '' : item.direction,
        item.indicator.reference,
        item.indicator.name,
        item.area.name,
        item.area.code,
        e.period,
        e.evaluatedPeriod,
        n(e.comparison.actual),
        n(e.comparison.target),
        n(e.comparison.variance),
        pct(e.comparison.relativeVariancePercent),
        e.rag,
        e.flags.map((f) => f.flag).join(';'),
        n(e.forecast?.value),
        n(e.target.year),
        pct(e.requiredChange?.percent),
        e.requiredChange === null ? '' : e.requiredChange.alreadyMet ? 'yes' : 'no',
        n(e.actual.ytd),
        n(e.target.period),
        n(e.travel.previousPeriod.previous),
        e.travel.previousPeriod.direction,
        e.travel.sameLastYear.direction,
        item.commentary?.body,
        item.commentary?.author,
        item.actions.map((a) => `${a.reference ?? a.title}: ${a.activityRag}`).join('; '),
      ].map((v) => v ?? '')
    }),
  )
  return spreadsheetCsv(REPORT_COLUMNS, rows)
}

/** The default as-of date of a reporting period: today, or its last day once that has passed. */
function closingDay(period: string, fyStartMonth: number): string {
  const end = dateRange(parsePeriod(period, fyStartMonth, 'querystring.period')).end
  const now = today()
  return end < now ? end : now
}

/** An answer for a period that could have meant a year says how it was read (periods.ts, ambiguousMonth). */
function withWarning<T extends object>(answer: T, period: string, fyStartMonth: number): T & { warnings?: string[] } {
  const warning = ambiguousMonth(period, fyStartMonth)
  return warning === null ? answer : { ...answer, warnings: [warning] }
}

const csvOrJson = {
  200: JsonOrCsv('The report: JSON, or CSV with format=csv', ReportSchema, REPORT_COLUMNS),
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
        ...filter
      } = request.query
      return withWarning(
        await service.evaluatePartnership(request.partnership, period, asOf, filter, knownAtTime(knownAt)),
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
      const { areaId, asOf = today(), ...range } = request.query
      return service.series(request.partnership, request.params.id, areaId, range, asOf)
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
      const { areaId, asOf = today(), ...range } = request.query
      const series = await service.series(request.partnership, request.params.id, areaId, range, asOf)
      const first = series.items[0]!
      const last = series.items[series.items.length - 1]!
      const svg = trendChart({
        title: `${series.indicator.reference}: ${series.indicator.name}`,
        subtitle: `${series.area.name}${series.rolledUp ? ' (rolled up from its areas)' : ''}, ${periodLabel(first.evaluatedPeriod)} to ${periodLabel(last.evaluatedPeriod)}; ${series.indicator.polarity.replace('_', ' ')}`,
        polarity: series.indicator.polarity,
        unit: series.indicator.unit,
        decimalPlaces: series.indicator.decimalPlaces,
        items: series.items,
      })
      return reply.type('image/svg+xml; charset=utf-8').send(svg)
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
        'What the Performance Management Group sends on: every flagged indicator and area by priority, bad before good, with figures, flags, the latest commentary and the linked actions. JSON, or CSV with format=csv or Accept: text/csv.',
      build: service.exceptionReport,
    },
    {
      name: 'performance',
      operationId: 'performanceReport',
      summary:
        'Performance report for a period (usually a quarter): every indicator of every priority with its evaluation and commentary',
      description:
        'Every evaluated indicator and area by priority with its figures and commentary (seed 000 Appendix 1, stage 1). JSON, or CSV with format=csv or Accept: text/csv.',
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
        } = request.query
        const report = withWarning(
          await build(request.partnership, period, asOf, knownAtTime(knownAt)),
          period,
          request.partnership.financialYearStartMonth,
        )
        if (wantsCsv(request, format)) return sendCsv(reply, `${name}-${report.period}`, reportCsv(report))
        return report
      },
    })
  }
}

export default evaluationRoutes
