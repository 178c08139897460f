import { add, formatDecimal, multiply, parseDecimal, roundHalfAwayFromZero } from './decimal.js'

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
