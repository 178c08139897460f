import {
  EXACT_DIGITS,
  formatDecimal,
  numberText,
  parseDecimal,
  roundHalfAwayFromZero,
  type Decimal,
} from './decimal.js'
import { DomainError, type FieldError } from './errors.js'
import { checkPeriodFits, unitFactor, type Frequency, type IndicatorShape } from './indicators.js'
import { dateRange, parsePeriod, type Period } from './periods.js'

export const MEASUREMENT_STATUSES = ['provisional', 'validated', 'published'] as const
export type MeasurementStatus = (typeof MEASUREMENT_STATUSES)[number]

export interface IndicatorForMeasurement extends IndicatorShape {
  frequency: Frequency
}

/** A value as sent: JSON numbers are accepted alongside decimal strings; CSV gives strings. */
export type SentNumber = string | number | null | undefined

export interface MeasurementInput {
  period: string
  value?: SentNumber
  numerator?: SentNumber
  denominator?: SentNumber
}

export interface MeasurementValues {
  period: Period
  value: string
  numerator: string | null
  denominator: string | null
}

const VALUE_PLACES = 6

function decimal(sent: SentNumber, field: string, errors: FieldError[]): Decimal | null {
  if (sent === null || sent === undefined || sent === '') return null
  const text = typeof sent === 'number' ? numberText(sent) : sent
  if (text === null) {
    errors.push({
      field,
      message: `has more than ${EXACT_DIGITS} significant digits, more than a JSON number carries exactly: send it as a string`,
    })
    return null
  }
  try {
    return parseDecimal(text, field)
  } catch {
    errors.push({ field, message: 'is not a decimal number' })
    return null
  }
}

const isNegative = (d: Decimal) => d.units < 0n
const sameDecimal = (a: Decimal, b: Decimal) => {
  const scale = Math.max(a.scale, b.scale)
  return a.units * 10n ** BigInt(scale - a.scale) === b.units * 10n ** BigInt(scale - b.scale)
}
const isWhole = (d: Decimal) => d.scale === 0 || d.units % 10n ** BigInt(d.scale) === 0n
const isZero = (d: Decimal) => d.units === 0n

/**
 * A count as sent (a JSON number, or its text with spaces around): its whole value, or null when it is not
 * a whole number, 0 or more.
 */
export function wholeCount(sent: unknown): bigint | null {
  if (typeof sent !== 'number' && typeof sent !== 'string') return null
  const d = decimal(typeof sent === 'string' ? sent.trim() : sent, 'value', [])
  if (d === null || isNegative(d) || !isWhole(d)) return null
  return d.units / 10n ** BigInt(d.scale)
}

/** numerator x factor / denominator, rounded half away from zero to `places`. */
function quotient(numerator: Decimal, denominator: Decimal, factor: bigint, places: number): Decimal {
  // Bring both to one scale, then divide with two extra digits for rounding.
  const scale = Math.max(numerator.scale, denominator.scale)
  const n = numerator.units * 10n ** BigInt(scale - numerator.scale) * factor
  const d = denominator.units * 10n ** BigInt(scale - denominator.scale)
  const units = (n * 10n ** BigInt(places + 2)) / d
  return roundHalfAwayFromZero({ units, scale: places + 2 }, places)
}

/**
 * Checks one measurement against its indicator and settles its stored figures: counts are whole and
 * non-negative; percentages lie in 0-100; ratios, rates and percentages aggregated as ratio of sums come
 * as numerator and denominator, the value derived from them. Field names are prefixed by `at`.
 */
export function checkMeasurement(
  indicator: IndicatorForMeasurement,
  input: MeasurementInput,
  fyStartMonth: number,
  at = '',
): MeasurementValues {
  const errors: FieldError[] = []
  let period: Period | undefined
  let periodRefusal: DomainError | undefined
  try {
    period = parsePeriod(input.period, fyStartMonth, `${at}period`)
    checkPeriodFits(period, indicator.frequency, `${at}period`)
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    periodRefusal = err
    errors.push(...(err.errors ?? [{ field: `${at}period`, message: err.message }]))
  }
  const value = decimal(input.value, `${at}value`, errors)
  const numerator = decimal(input.numerator, `${at}numerator`, errors)
  const denominator = decimal(input.denominator, `${at}denominator`, errors)
  let settled: Decimal | null = value
  if (errors.length === 0) {
    const pair = numerator !== null || denominator !== null
    // A rate of the population is sent as its count: the population divides it when it is evaluated.
    if (indicator.unit === 'count' || indicator.rateDenominator === 'population') {
      if (pair) errors.push({ field: `${at}numerator`, message: 'a count has a value only' })
      else if (value === null) errors.push({ field: `${at}value`, message: 'is required' })
      else if (isNegative(value) || !isWhole(value))
        errors.push({ field: `${at}value`, message: 'a count must be a whole number, 0 or more' })
    } else if (pair || indicator.aggregation === 'ratio_of_sums') {
      if (numerator === null || denominator === null) {
        errors.push({
          field: `${at}${numerator === null ? 'numerator' : 'denominator'}`,
          message: `a ${indicator.unit} aggregated as ratio_of_sums needs numerator and denominator`,
        })
      } else if (isNegative(numerator)) errors.push({ field: `${at}numerator`, message: 'must be 0 or more' })
      else if (isNegative(denominator) || isZero(denominator))
        errors.push({ field: `${at}denominator`, message: 'must be more than 0' })
      else {
        const factor = BigInt(unitFactor(indicator))
        settled = quotient(numerator, denominator, factor, VALUE_PLACES)
        // A value sent alongside (an exported row coming back) must be the one they give.
        if (value !== null && !sameDecimal(value, settled)) {
          errors.push({
            field: `${at}value`,
            message: `does not match numerator/denominator, which give ${formatDecimal(settled)}`,
          })
        }
      }
    } else if (value === null) errors.push({ field: `${at}value`, message: 'is required' })
    if (errors.length === 0 && settled !== null && indicator.unit === 'percentage') {
      const hundred = { units: 100n * 10n ** BigInt(settled.scale), scale: settled.scale }
      if (isNegative(settled) || settled.units > hundred.units)
        errors.push({ field: `${at}value`, message: 'a percentage lies between 0 and 100' })
    }
    if (errors.length === 0 && settled !== null && isNegative(settled))
      errors.push({ field: `${at}value`, message: 'must be 0 or more' })
  }
  // The period alone was wrong: its own refusal (PERIOD.MISMATCH, with the form expected) says it best.
  if (periodRefusal !== undefined && errors.length === (periodRefusal.errors?.length ?? 1)) throw periodRefusal
  if (errors.length > 0 || period === undefined || settled === null) {
    throw new DomainError(
      'MEASUREMENT.INVALID',
      'validation',
      errors.map((e) => `${e.field} ${e.message}`).join('; '),
      errors,
    )
  }
  return {
    period,
    value: formatDecimal(settled),
    numerator: numerator === null ? null : formatDecimal(numerator),
    denominator: denominator === null ? null : formatDecimal(denominator),
  }
}

/**
 * An actual is a count of what happened, so its period must be over: a month ends on its last day and
 * can be reported from the next (2026-11 from 1 December 2026). A figure for a period still running is a
 * typo of the year or a forecast sent as an actual, and would otherwise be judged as the latest one.
 */
export function checkPeriodEnded(period: Period, today: string, field: string): void {
  const { end } = dateRange(period)
  if (end < today) return
  throw new DomainError(
    'MEASUREMENT.PERIOD_NOT_ENDED',
    'unprocessable',
    `${period.key} has not ended yet (it ends on ${end}): an actual is sent once its period is over.`,
    [{ field, message: `has not ended yet: it ends on ${end}, and today is ${today}` }],
  )
}

const ORDER: Record<MeasurementStatus, number> = { provisional: 0, validated: 1, published: 2 }

/** Whether a figure of status `status` is at least as settled as `minimum`. */
export const settledAtLeast = (status: MeasurementStatus, minimum: MeasurementStatus): boolean =>
  ORDER[status] >= ORDER[minimum]

/** The more settled of two statuses: a reader's floor raised to the partnership's. */
export const moreSettled = (a: MeasurementStatus, b: MeasurementStatus): MeasurementStatus =>
  ORDER[a] >= ORDER[b] ? a : b

/** Status moves forward only (provisional -> validated -> published); a new value starts provisional again. */
export function checkStatusMove(from: MeasurementStatus, to: MeasurementStatus): void {
  if (ORDER[to] < ORDER[from]) {
    throw new DomainError(
      'MEASUREMENT.STATUS',
      'unprocessable',
      `A ${from} measurement cannot go back to ${to}; send a corrected value instead.`,
      [{ field: 'body.status', message: `must not go back from ${from}` }],
    )
  }
}
