import { DomainError, type FieldError } from './errors.js'

export const UNITS = ['count', 'percentage', 'rate', 'ratio'] as const
export const POLARITIES = ['lower_better', 'higher_better', 'monitor_only'] as const
export const FREQUENCIES = ['monthly', 'quarterly', 'annual', 'biennial'] as const
export const AGGREGATIONS = ['sum', 'ratio_of_sums', 'latest'] as const

export interface IndicatorShape {
  unit: (typeof UNITS)[number]
  aggregation: (typeof AGGREGATIONS)[number]
  ratePer: number | null
}

/**
 * How an indicator may aggregate follows from its unit (DOMAIN.md rule 2): counts sum; percentages,
 * rates and ratios are sum(numerator)/sum(denominator), never a mean of percentages; any of them may be
 * a survey that takes the latest value. A rate says per how many people.
 */
export function checkIndicatorShape(indicator: IndicatorShape): void {
  const errors: FieldError[] = []
  if (indicator.unit === 'count' && indicator.aggregation === 'ratio_of_sums') {
    errors.push({ field: 'body.aggregation', message: 'a count aggregates by sum (or latest for surveys), not ratio_of_sums' })
  }
  if (indicator.unit !== 'count' && indicator.aggregation === 'sum') {
    errors.push({ field: 'body.aggregation', message: `a ${indicator.unit} aggregates as ratio_of_sums (or latest), never by summing or averaging values` })
  }
  if (indicator.unit === 'rate' && indicator.ratePer === null) errors.push({ field: 'body.ratePer', message: 'a rate needs ratePer (e.g. 1000)' })
  if (indicator.unit !== 'rate' && indicator.ratePer !== null) errors.push({ field: 'body.ratePer', message: 'only a rate has ratePer' })
  if (errors.length > 0) throw new DomainError('INDICATOR.SHAPE', 'unprocessable', 'The unit, aggregation and ratePer do not fit together.', errors)
}
