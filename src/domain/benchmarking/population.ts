import type { Period } from '../periods.js'

/**
 * The population a period's figures are a rate of: the mid-year estimate of the calendar year its middle
 * month falls in (FY2009-10 takes mid-2009; a month, its own year's). With none for that year, the latest
 * earlier year's; with none earlier either, there is none, and no rate.
 */
export function populationFor(
  period: Period,
  byYear: ReadonlyMap<number, number>,
): { year: number; population: number } | null {
  const wanted = Math.floor((period.firstMonth + Math.floor((period.length - 1) / 2)) / 12)
  let year: number | undefined
  for (const y of byYear.keys()) if (y <= wanted && (year === undefined || y > year)) year = y
  return year === undefined ? null : { year, population: byYear.get(year)! }
}

/** A period's exposure in person-years: its population times its months over twelve, so rates are yearly. */
export const exposureOf = (period: Period, population: number): number => (population * period.length) / 12
