import { DomainError } from './errors.js'

/**
 * Exact decimal arithmetic for figures that are printed and compared (targets, baselines): binary floating
 * point turns 937 x 0.96 into 899.5199999... and rounds the wrong way at .5 boundaries.
 */
export interface Decimal {
  units: bigint
  scale: number
}

const PATTERN = /^(-)?(\d{1,15})(?:\.(\d{1,10}))?$/

export function parseDecimal(text: string, field = 'value'): Decimal {
  const match = PATTERN.exec(text.trim())
  if (match === null)
    throw new DomainError('DECIMAL.INVALID', 'validation', `${field} must be a decimal number like 12.5`, [
      { field, message: 'is not a decimal number' },
    ])
  const [, sign, whole, fraction = ''] = match
  const units = BigInt(`${whole}${fraction}`) * (sign === '-' ? -1n : 1n)
  return { units, scale: fraction.length }
}

const pow10 = (n: number): bigint => 10n ** BigInt(n)

/** Rounds half away from zero to `places` decimal places. */
export function roundHalfAwayFromZero(value: Decimal, places: number): Decimal {
  if (value.scale <= places) return { units: value.units * pow10(places - value.scale), scale: places }
  const divisor = pow10(value.scale - places)
  const negative = value.units < 0n
  const magnitude = negative ? -value.units : value.units
  const rounded = (magnitude * 2n + divisor) / (divisor * 2n)
  return { units: negative ? -rounded : rounded, scale: places }
}

export function multiply(a: Decimal, b: Decimal): Decimal {
  return { units: a.units * b.units, scale: a.scale + b.scale }
}

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale)
  return { units: a.units * pow10(scale - a.scale) + b.units * pow10(scale - b.scale), scale }
}

export function formatDecimal(value: Decimal): string {
  const negative = value.units < 0n
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0')
  const whole = digits.slice(0, digits.length - value.scale)
  const fraction = digits.slice(digits.length - value.scale)
  return `${negative ? '-' : ''}${whole}${value.scale > 0 ? `.${fraction}` : ''}`
}

/** A double holds 15 significant digits exactly; a JSON number with more may already have changed. */
export const EXACT_DIGITS = 15

/**
 * A JSON number as the decimal text it stands for, in plain notation ("0.0000001", never "1e-7"); null
 * when it is not finite or has more significant digits than a double carries exactly.
 */
export function numberText(n: number): string | null {
  if (!Number.isFinite(n) || Number(n.toPrecision(EXACT_DIGITS)) !== n) return null
  const text = String(n)
  const e = text.indexOf('e')
  if (e === -1) return text
  const negative = text.startsWith('-')
  const mantissa = text.slice(negative ? 1 : 0, e)
  const point = mantissa.indexOf('.')
  const digits = mantissa.replace('.', '')
  const at = (point === -1 ? mantissa.length : point) + Number(text.slice(e + 1))
  const plain =
    at <= 0
      ? `0.${'0'.repeat(-at)}${digits}`
      : at >= digits.length
        ? digits + '0'.repeat(at - digits.length)
        : `${digits.slice(0, at)}.${digits.slice(at)}`
  return `${negative ? '-' : ''}${plain}`
}
