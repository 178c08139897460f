import { DomainError } from '../errors.js'

/** How a mapping reads a partner's file: which columns date and place a row, and what counts into what. */
export interface FeedLayout {
  dateColumn: string
  locationColumn: string
  /** Each rule counts a row into its indicator when, for every column it names, the row holds one of its values. */
  rules: ReadonlyArray<{ indicatorId: string; where: Readonly<Record<string, readonly string[]>> }>
  /** Months outside [fromMonth, toMonth] are skipped (either end open when null). */
  fromMonth: string | null
  toMonth: string | null
}

/** A layout bound to one file's header: column positions, and the rules as sets to test a row against. */
export interface BoundLayout {
  columns: number
  date: number
  location: number
  /** The columns the rules test, each read once a row. */
  tested: readonly number[]
  indicators: readonly string[]
  rules: ReadonlyArray<{ indicator: number; where: ReadonlyArray<{ column: number; values: ReadonlySet<string> }> }>
  fromMonth: string | null
  toMonth: string | null
}

/** Cells and values compare as people read them: spaces around and letter case do not matter. */
export const normal = (text: string): string => text.trim().toLowerCase()

/**
 * Binds a layout to a file's header. A file without a column the layout reads is not in its layout: it is
 * refused whole (FEED.LAYOUT, naming the columns missing), before any row is counted.
 */
export function bindLayout(layout: FeedLayout, header: readonly string[]): BoundLayout {
  const positions = new Map(header.map((name, i) => [normal(name), i]))
  const wanted = [layout.dateColumn, layout.locationColumn, ...layout.rules.flatMap((rule) => Object.keys(rule.where))]
  const missing = [...new Set(wanted.filter((name) => !positions.has(normal(name))))]
  if (missing.length > 0)
    throw new DomainError(
      'FEED.LAYOUT',
      'unprocessable',
      `The file has no column ${missing.map((m) => `"${m}"`).join(', ')}: it is not in this mapping's layout. Its header is: ${header.join(', ')}.`,
      missing.map((m) => ({ field: 'body', message: `has no column "${m}"` })),
    )
  const indicators = [...new Set(layout.rules.map((r) => r.indicatorId))]
  return {
    columns: header.length,
    date: positions.get(normal(layout.dateColumn))!,
    location: positions.get(normal(layout.locationColumn))!,
    tested: [...new Set(layout.rules.flatMap((rule) => Object.keys(rule.where).map((c) => positions.get(normal(c))!)))],
    indicators,
    rules: layout.rules.map((rule) => ({
      indicator: indicators.indexOf(rule.indicatorId),
      where: Object.entries(rule.where).map(([column, values]) => ({
        column: positions.get(normal(column))!,
        values: new Set(values.map(normal)),
      })),
    })),
    fromMonth: layout.fromMonth,
    toMonth: layout.toMonth,
  }
}
