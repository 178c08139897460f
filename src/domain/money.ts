/** £6,000 or £3,500.50: money for an English reader, from integer pence. */
export function pounds(pence: number): string {
  const sign = pence < 0 ? '-' : ''
  const whole = Math.floor(Math.abs(pence) / 100)
  const rest = Math.abs(pence) % 100
  return `${sign}£${whole.toLocaleString('en-GB')}${rest === 0 ? '' : `.${String(rest).padStart(2, '0')}`}`
}
