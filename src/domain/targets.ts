import { add, formatDecimal, multiply, parseDecimal, roundHalfAwayFromZero } from './decimal.js'
import { DomainError } from './errors.js'
import { contains, parsePeriod, type Period } from './periods.js'

/**
 * What a target is judged on: the year to date (the default), the rolling twelve months ending with the
 * period (seed 003's MARAC repeat rate and NI 20), or the period's own figure.
 */
export const JUDGED_ON = ['year_to_date', 'rolling_12_months', 'period'] as const
export type JudgedOn = (typeof JUDGED_ON)[number]

export interface DerivedTarget {
  /** The target value, rounded to the indicator's decimal places. */
  value: string
  /** The value before rounding, so a reader can see why it rounded the way it did. */
  exact: string
  /** The rule in words, shown beside the figure. */
  rule: string
}

/**
 * DOMAIN.md rule 1: a change-from-baseline target is baseline x (1 + change/100), rounded half away
 * from zero to the indicator's decimal places. Baseline and change are decimal strings (as stored in
 * NUMERIC columns), so the result is exact.
 */
export function deriveTarget(baseline: string, changePercent: string, decimalPlaces: number): DerivedTarget {
  const base = parseDecimal(baseline, 'baseline')
  const change = parseDecimal(changePercent, 'changePercent')
  // 1 + change/100, written as (100 + change) / 100 to stay in integers.
  const factor = add({ units: 100n * 10n ** BigInt(change.scale), scale: change.scale }, change)
  const exact = multiply(base, { units: factor.units, scale: factor.scale + 2 })
  const value = formatDecimal(roundHalfAwayFromZero(exact, decimalPlaces))
  const direction = change.units < 0n ? 'reduction' : 'increase'
  const magnitude = formatDecimal({ units: change.units < 0n ? -change.units : change.units, scale: change.scale })
  return {
    value,
    exact: trimZeros(formatDecimal(exact)),
    rule: `${magnitude}% ${direction} on a baseline of ${baseline}: ${baseline} x (1 ${change.units < 0n ? '-' : '+'} ${magnitude}/100) = ${trimZeros(formatDecimal(exact))}, rounded to ${decimalPlaces} decimal place${decimalPlaces === 1 ? '' : 's'}: ${value}`,
  }
}

const trimZeros = (text: string): string => (text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text)

export interface TargetInput {
  status: 'set' | 'tbc'
  baselineValue: string | null
  changePercent: string | null
  targetValue: string | null
}

export interface TargetValues {
  changePercent: string | null
  targetValue: string | null
  derivation: string | null
}

/**
 * Settles a target's figures: a TBC target may have none; otherwise it has a value, given outright or
 * derived from the baseline by a percentage change (then the value is always the derived one).
 * `explicitValue` says the client sent targetValue in this request, which replaces a percentage rule.
 */
export function settleTarget(input: TargetInput, decimalPlaces: number, explicitValue: boolean): TargetValues {
  const changePercent = explicitValue ? null : input.changePercent
  if (changePercent !== null) {
    if (input.baselineValue === null) {
      throw new DomainError('TARGET.NO_BASELINE', 'unprocessable', 'A change from baseline needs the baseline value.', [
        { field: 'body.baselineValue', message: 'is required with changePercent' },
      ])
    }
    const derived = deriveTarget(input.baselineValue, changePercent, decimalPlaces)
    return { changePercent, targetValue: derived.value, derivation: derived.rule }
  }
  if (input.status === 'set' && input.targetValue === null) {
    throw new DomainError(
      'TARGET.NO_VALUE',
      'unprocessable',
      'A target that is not TBC needs targetValue or changePercent.',
      [{ field: 'body.targetValue', message: 'is required unless changePercent is given or status is tbc' }],
    )
  }
  return { changePercent: null, targetValue: input.targetValue, derivation: null }
}

export interface Profile {
  cumulative: boolean
  values: Array<{ period: string; value: string }>
}

/**
 * A profile gives the target month by month or quarter by quarter (seed 003's cumulative KSI profile):
 * one kind of period throughout, each inside the target period, each once, in order.
 */
export function checkProfile(profile: Profile, targetPeriod: Period, fyStartMonth: number): Profile {
  const parsed = profile.values.map((entry, i) => ({
    entry,
    period: parsePeriod(entry.period, fyStartMonth, `body.profile.values.${i}.period`),
  }))
  const kinds = new Set(parsed.map((p) => p.period.kind))
  const fail = (message: string) =>
    new DomainError('TARGET.PROFILE', 'unprocessable', `The profile is not valid: ${message}.`, [
      { field: 'body.profile', message },
    ])
  if ([...kinds].some((k) => k !== 'month' && k !== 'quarter') || kinds.size > 1)
    throw fail('use months or quarters, one kind throughout')
  const seen = new Set<string>()
  for (const { entry, period } of parsed) {
    if (!contains(targetPeriod, period)) throw fail(`${period.key} lies outside ${targetPeriod.key}`)
    if (seen.has(period.key)) throw fail(`${period.key} appears twice`)
    seen.add(period.key)
    parseDecimal(entry.value, 'body.profile.values.value')
  }
  const values = parsed
    .sort((a, b) => a.period.firstMonth - b.period.firstMonth)
    .map(({ entry, period }) => ({ period: period.key, value: entry.value }))
  return { cumulative: profile.cumulative, values }
}

/** Targets are set for a year: financial by default, calendar where the indicator is (NI 47). */
export function targetPeriod(text: string, fyStartMonth: number): Period {
  const period = parsePeriod(text, fyStartMonth, 'body.period')
  if (period.kind !== 'financial_year' && period.kind !== 'calendar_year') {
    throw new DomainError(
      'TARGET.PERIOD',
      'validation',
      'A target period is a financial year (FY2010-11) or a calendar year (2010).',
      [{ field: 'body.period', message: 'must be a financial or calendar year' }],
    )
  }
  return period
}
