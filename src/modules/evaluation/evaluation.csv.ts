import { spreadsheetCsv } from '../../http/csv.js'
import type { CellKind } from '../../http/xlsx.js'
import type { createEvaluationService } from './evaluation.service.js'

export type Report = Awaited<ReturnType<ReturnType<typeof createEvaluationService>['exceptionReport']>>

export const REPORT_COLUMNS = [
  'priority_code',
  'priority_name',
  'direction',
  'indicator',
  'indicator_name',
  'area',
  'area_code',
  'period',
  'evaluated_period',
  'judged_on',
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
  'warnings',
]

/** How a workbook writes the report's columns: the figures as numbers, the RAG coloured. */
export const REPORT_KINDS: Record<string, CellKind> = {
  ...Object.fromEntries(
    [
      'actual',
      'target',
      'variance',
      'relative_variance_percent',
      'forecast',
      'year_target',
      'required_change_percent',
      'year_to_date',
      'target_for_period',
      'previous_value',
    ].map((c) => [c, 'number' as const]),
  ),
  rag: 'rag',
}

type Rows = Pick<Report, 'priorities'> & { warnings?: string[] }

/**
 * One row per indicator and area, the figures a committee paper tabulates; lists one item per line. What
 * the JSON warns of (a period that could have meant a year) is on every row, so no copy loses it.
 */
export const reportCsv = (report: Rows): string => spreadsheetCsv(REPORT_COLUMNS, reportRows(report))

export function reportRows(report: Rows): unknown[][] {
  return report.priorities.flatMap((group) =>
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
        e.comparison.basis,
        n(e.comparison.actual),
        n(e.comparison.target),
        n(e.comparison.variance),
        pct(e.comparison.relativeVariancePercent),
        e.rag,
        e.flags.map((f) => f.flag),
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
        item.actions.map((a) => `${a.reference ?? a.title}: ${a.activityRag}`),
        report.warnings ?? [],
      ].map((v) => v ?? '')
    }),
  )
}
