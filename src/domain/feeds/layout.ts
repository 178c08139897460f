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
  /**
   * Whose rows the file must hold: a row none of whose `columns` names `name` (in the sense of
   * sameForce) is another's, counted as otherForce. Absent: any row counts.
   */
  owner?: { columns: readonly string[]; name: string } | null
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
  /** The owner's columns found in the header (none: no check), and its name as sameForce compares it. */
  owner: { columns: readonly number[]; name: string } | null
}

/** A file's first line as a message may quote it: text as it is (cut short), anything else said in words. */
function headerShown(header: readonly string[]): string {
  const text = header.join(', ')
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text))
    return 'Its first line is not text: is the file compressed (send it with Content-Encoding: gzip) or not a CSV?'
  return `Its header is: ${text.length > 300 ? `${text.slice(0, 300)}...` : text}.`
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
      `The file has no column ${missing.map((m) => `"${m}"`).join(', ')}: it is not in this mapping's layout. ${headerShown(header)}`,
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
    owner: ownerOf(layout.owner ?? null, positions),
  }
}

function ownerOf(owner: FeedLayout['owner'], positions: ReadonlyMap<string, number>): BoundLayout['owner'] {
  if (owner === null || owner === undefined) return null
  const columns = owner.columns.map((c) => positions.get(normal(c))).filter((i) => i !== undefined)
  return columns.length === 0 ? null : { columns, name: forceName(owner.name) }
}

/**
 * A police force's name as two writers may spell it: "Lincolnshire Police", "Lincolnshire Police Force"
 * and "lincolnshire constabulary" are one force; "City of London Police" and "Metropolitan Police
 * Service" are two.
 */
export const forceName = (text: string): string =>
  normal(text)
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter((w) => w !== '' && !['police', 'service', 'constabulary', 'force', 'the'].includes(w))
    .join(' ')

/** Whether an agency's name is a police force's: its rows in a police.uk file are then checked. */
export const isPoliceForce = (name: string): boolean => /\b(police|constabulary)\b/i.test(name)
