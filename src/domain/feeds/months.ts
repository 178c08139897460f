/**
 * The month a date cell of a partner's file falls in, as YYYY-MM. Files come as their publishers write
 * them: police.uk's Month (2023-01), ISO dates and date-times (2023-01-17, 2023-01-17T09:30:00), British
 * dates (17/01/2023), spelt months (17 Jan 2023, 17-Jan-23, as the London Fire Brigade and Excel write
 * them) and a month alone as Excel shows one once it has opened and saved a police.uk file (Apr-17,
 * April 2017). null when the cell is none of these, or names no real day.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

const ISO = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?)?$/
const BRITISH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: [\d:.]+)?$/
const SPELT = /^(\d{1,2})[ -]([A-Za-z]{3})[a-z]*[ -](\d{2}|\d{4})(?: [\d:.]+)?$/
const MONTH_ALONE = /^([A-Za-z]{3})[a-z]*[ -](\d{2}|\d{4})$/

/** A two-digit year as Excel reads one: 00-29 this century, 30-99 the last. */
const fullYear = (text: string) => (text.length === 4 ? Number(text) : Number(text) + (Number(text) < 30 ? 2000 : 1900))

function month(year: number, monthNumber: number, day: number | undefined): string | null {
  if (year < 1900 || year > 2200 || monthNumber < 1 || monthNumber > 12) return null
  if (day !== undefined && (day < 1 || day > new Date(Date.UTC(year, monthNumber, 0)).getUTCDate())) return null
  return `${year}-${String(monthNumber).padStart(2, '0')}`
}

export function monthOf(cell: string): string | null {
  const text = cell.trim()
  const iso = ISO.exec(text)
  if (iso !== null) return month(Number(iso[1]), Number(iso[2]), iso[3] === undefined ? undefined : Number(iso[3]))
  const british = BRITISH.exec(text)
  if (british !== null) return month(Number(british[3]), Number(british[2]), Number(british[1]))
  const spelt = SPELT.exec(text)
  if (spelt !== null) {
    const index = MONTHS.indexOf(spelt[2]!.toLowerCase())
    return index === -1 ? null : month(fullYear(spelt[3]!), index + 1, Number(spelt[1]))
  }
  const alone = MONTH_ALONE.exec(text)
  if (alone !== null) {
    const index = MONTHS.indexOf(alone[1]!.toLowerCase())
    return index === -1 ? null : month(fullYear(alone[2]!), index + 1, undefined)
  }
  return null
}
