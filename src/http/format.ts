/**
 * Figures and periods for an English reader, as charts and printed pages show them (2,436; 47.3%;
 * Apr 2009). One place for the rule, so a trend chart, a heat map and a funnel plot read alike.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

const formats = new Map<number, Intl.NumberFormat>()

/** A number with thousands separators, to exactly `places` decimal places: 2,436 or 47.3. */
export function figure(n: number, places = 0): string {
  let format = formats.get(places)
  if (format === undefined) {
    format = new Intl.NumberFormat('en-GB', { minimumFractionDigits: places, maximumFractionDigits: places })
    formats.set(places, format)
  }
  return format.format(n)
}

/** A figure with its unit: 47.3% for a percentage; counts, rates and ratios as the number alone. */
export function measure(n: number, unit: string, places = 0): string {
  return unit === 'percentage' ? `${figure(n, places)}%` : figure(n, places)
}

/** What a rate is per, in words: "per 1,000 people". */
export const ratePer = (per: number | null): string => (per === null ? '' : `per ${figure(per)} people`)

/**
 * A period as a heading would write it: 2009-04 is Apr 2009, 2010-Q2 is Apr-Jun 2010, FY2010-11 is 2010/11,
 * a year is itself. Anything else is returned as it came.
 */
export function periodLabel(key: string): string {
  const month = /^(\d{4})-(\d{2})$/.exec(key)
  if (month !== null) return `${MONTHS[Number(month[2]) - 1]} ${month[1]}`
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key)
  if (quarter !== null) {
    const first = (Number(quarter[2]) - 1) * 3
    return `${MONTHS[first]}-${MONTHS[first + 2]} ${quarter[1]}`
  }
  const year = /^FY(\d{4})-(\d{2})$/.exec(key)
  if (year !== null) return `${year[1]}/${year[2]}`
  return key.startsWith('FY') ? key.slice(2) : key
}
