import { bindLayout, forceName, normal, type FeedLayout } from './layout.js'
import { monthOf } from './months.js'

/** Why a row of a file counted into nothing, in the order the reasons are tested. */
export const SKIP_REASONS = [
  'malformed',
  'outsideRange',
  'otherForce',
  'noLocation',
  'outsidePartnership',
  'notMapped',
] as const
export type SkipReason = (typeof SKIP_REASONS)[number]

/** Malformed rows listed by line; the rest are counted, not listed. */
export const MAX_LISTED = 1000

export interface Tally {
  rowsRead: number
  /** Rows that counted into at least one indicator. */
  rowsCounted: number
  skipped: Record<SkipReason, number>
  malformed: Array<{ line: number; problem: string }>
  malformedTruncated: boolean
  /** Months the file covers (rows dated within the mapping's range), in order. */
  months: string[]
  /** Rows placed in one of the partnership's areas, counted or not. */
  rowsInside: number
  /** The other forces named by rows counted as otherForce (the first few, as written). */
  otherForces: string[]
  /**
   * One count for every indicator of the mapping, area of its lookup and month covered, zeros included
   * (a corrected file that drops an incident must bring its month down); none when no row of the file
   * lay in the partnership (another force's file writes nothing).
   */
  counts: Array<{ indicatorId: string; areaId: string; month: string; value: number }>
}

/**
 * Counts a partner's file into indicator, area and month, row by row, holding only the counts: the file
 * streams through, so memory does not grow with it. `locations` maps a location code (an LSOA, a ward, a
 * station ground) to the partnership's area; codes compare without regard to spaces or case.
 */
export function startTally(layout: FeedLayout, header: readonly string[], locations: ReadonlyMap<string, string>) {
  const bound = bindLayout(layout, header)
  const places = new Map([...locations].map(([code, area]) => [normal(code), area]))
  const areas = [...new Set(places.values())]
  const counts = new Map<string, number>()
  const covered = new Set<string>()
  const skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>
  const malformed: Tally['malformed'] = []
  let rowsRead = 0
  let rowsCounted = 0
  let rowsInside = 0
  const skip = (reason: SkipReason) => {
    skipped[reason] += 1
  }
  const matched = new Set<number>()
  // Each tested cell is read once a row, whatever the number of rules that test its column.
  const cells: string[] = new Array<string>(bound.columns).fill('')
  // A file has few distinct dates (police.uk one, an incident file a few hundred): each is read once.
  const months = new Map<string, string | null>()
  const monthOfCell = (cell: string) => {
    let month = months.get(cell)
    if (month === undefined) {
      month = monthOf(cell)
      if (months.size < 10_000) months.set(cell, month)
    }
    return month
  }
  const owner = bound.owner
  const otherForces = new Set<string>()
  // A file names a few forces over and over: each spelling is judged once.
  const judged = new Map<string, boolean>()
  const isOwner = (cell: string) => {
    let own = judged.get(cell)
    if (own === undefined) {
      own = forceName(cell) === owner!.name
      if (judged.size < 1000) judged.set(cell, own)
    }
    return own
  }
  const ownRow = (record: readonly string[]) => {
    if (owner === null) return true
    if (owner.columns.some((c) => isOwner(record[c]!))) return true
    if (otherForces.size < 5) otherForces.add(record[owner.columns[0]!]!.trim())
    return false
  }
  const refuse = (line: number, problem: string) => {
    skip('malformed')
    if (malformed.length < MAX_LISTED) malformed.push({ line, problem })
  }

  return {
    /** A row the CSV reader could not read at all (a stray quote): counted and listed as malformed. */
    unreadable(line: number, problem: string): void {
      rowsRead += 1
      refuse(line, problem)
    },

    add(record: readonly string[], line: number): void {
      rowsRead += 1
      if (record.length !== bound.columns)
        return refuse(line, `has ${record.length} fields where the header has ${bound.columns}`)
      const month = monthOfCell(record[bound.date]!)
      if (month === null) return refuse(line, `its date "${record[bound.date]!.slice(0, 40)}" is not a date`)
      if ((bound.fromMonth !== null && month < bound.fromMonth) || (bound.toMonth !== null && month > bound.toMonth))
        return skip('outsideRange')
      if (!ownRow(record)) return skip('otherForce')
      covered.add(month)
      const code = normal(record[bound.location]!)
      if (code === '' || code === 'no location') return skip('noLocation')
      const area = places.get(code)
      if (area === undefined) return skip('outsidePartnership')
      rowsInside += 1
      matched.clear()
      for (const column of bound.tested) cells[column] = normal(record[column]!)
      for (const rule of bound.rules)
        if (rule.where.every((w) => w.values.has(cells[w.column]!))) matched.add(rule.indicator)
      if (matched.size === 0) return skip('notMapped')
      rowsCounted += 1
      // One row counts once into each indicator it matches, however many of that indicator's rules it meets.
      for (const indicator of matched) {
        const key = `${indicator}|${area}|${month}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
      }
    },

    finish(): Tally {
      const months = [...covered].sort()
      return {
        rowsRead,
        rowsCounted,
        skipped,
        // The reader reports a row it cannot read as soon as it meets it, before rows it has read ahead.
        malformed: [...malformed].sort((a, b) => a.line - b.line),
        malformedTruncated: skipped.malformed > malformed.length,
        months,
        rowsInside,
        otherForces: [...otherForces],
        counts:
          rowsInside === 0
            ? []
            : bound.indicators.flatMap((indicatorId, indicator) =>
                areas.flatMap((areaId) =>
                  months.map((month) => ({
                    indicatorId,
                    areaId,
                    month,
                    value: counts.get(`${indicator}|${areaId}|${month}`) ?? 0,
                  })),
                ),
              ),
      }
    },
  }
}
