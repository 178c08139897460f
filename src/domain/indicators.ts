import { DomainError, type FieldError } from './errors.js'
import type { Period, PeriodKind } from './periods.js'

// What an indicator is, stated once: the API's schemas, the database types and the engine all use these.
export const UNITS = ['count', 'percentage', 'rate', 'ratio'] as const
export const POLARITIES = ['lower_better', 'higher_better', 'monitor_only'] as const
export const FREQUENCIES = ['monthly', 'quarterly', 'annual', 'biennial'] as const
export const AGGREGATIONS = ['sum', 'ratio_of_sums', 'latest'] as const
/** Where a rate's denominator comes from: sent with each figure, or the area's population (issue 18). */
export const RATE_DENOMINATORS = ['sent', 'population'] as const
export type Unit = (typeof UNITS)[number]
export type Polarity = (typeof POLARITIES)[number]
export type Frequency = (typeof FREQUENCIES)[number]
export type Aggregation = (typeof AGGREGATIONS)[number]
export type RateDenominator = (typeof RATE_DENOMINATORS)[number]

export interface IndicatorShape {
  unit: Unit
  aggregation: Aggregation
  ratePer: number | null
  /** A rate of the area's population is sent as counts; the service divides by the population. */
  rateDenominator?: RateDenominator
}

/** What a ratio of numerator to denominator is multiplied by: 100 for a percentage, ratePer for a rate. */
export function unitFactor(indicator: Pick<IndicatorShape, 'unit' | 'ratePer'>): number {
  return indicator.unit === 'percentage' ? 100 : indicator.unit === 'rate' ? (indicator.ratePer ?? 1) : 1
}

/** Months from one of an indicator's periods to the next. */
export function periodStep(frequency: Frequency): 1 | 3 | 12 {
  return frequency === 'monthly' ? 1 : frequency === 'quarterly' ? 3 : 12
}

/** The kind of period an indicator's series runs by (a survey's by financial year). */
export function seriesKind(frequency: Frequency): PeriodKind {
  return frequency === 'monthly' ? 'month' : frequency === 'quarterly' ? 'quarter' : 'financial_year'
}

/** Which kinds of period an indicator of this frequency is measured over. */
export function kindsFor(frequency: Frequency): PeriodKind[] {
  return frequency === 'monthly'
    ? ['month']
    : frequency === 'quarterly'
      ? ['quarter']
      : ['financial_year', 'calendar_year']
}

/** Refuses a period that does not fit the indicator (a quarterly value sent for a monthly indicator). */
export function checkPeriodFits(period: Period, frequency: Frequency, field = 'period'): void {
  const kinds = kindsFor(frequency)
  if (!kinds.includes(period.kind)) {
    throw new DomainError(
      'PERIOD.MISMATCH',
      'validation',
      `A ${frequency} indicator is measured by ${kinds.join(' or ').replace(/_/g, ' ')}, not by ${period.kind.replace(/_/g, ' ')} (${period.key}).`,
      [{ field, message: `must be a ${kinds.join(' or ').replace(/_/g, ' ')}` }],
    )
  }
}

/**
 * How an indicator may aggregate follows from its unit (DOMAIN.md rule 2): counts sum; percentages,
 * rates and ratios are sum(numerator)/sum(denominator), never a mean of percentages; any of them may be
 * a survey that takes the latest value. A rate says per how many people.
 */
export function checkIndicatorShape(indicator: IndicatorShape): void {
  const errors: FieldError[] = []
  if (indicator.unit === 'count' && indicator.aggregation === 'ratio_of_sums') {
    errors.push({
      field: 'body.aggregation',
      message: 'a count aggregates by sum (or latest for surveys), not ratio_of_sums',
    })
  }
  if (indicator.unit !== 'count' && indicator.aggregation === 'sum') {
    errors.push({
      field: 'body.aggregation',
      message: `a ${indicator.unit} aggregates as ratio_of_sums (or latest), never by summing or averaging values`,
    })
  }
  if (indicator.unit === 'rate' && indicator.ratePer === null)
    errors.push({ field: 'body.ratePer', message: 'a rate needs ratePer (e.g. 1000)' })
  if (indicator.unit !== 'rate' && indicator.ratePer !== null)
    errors.push({ field: 'body.ratePer', message: 'only a rate has ratePer' })
  if (
    indicator.rateDenominator === 'population' &&
    (indicator.unit !== 'rate' || indicator.aggregation !== 'ratio_of_sums')
  )
    errors.push({
      field: 'body.rateDenominator',
      message: 'only a rate aggregated as ratio_of_sums takes its denominator from the population',
    })
  if (errors.length > 0)
    throw new DomainError(
      'INDICATOR.SHAPE',
      'unprocessable',
      'The unit, aggregation and ratePer do not fit together.',
      errors,
    )
}
