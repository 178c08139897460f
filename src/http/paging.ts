import { createHash } from 'node:crypto'
import { DomainError } from '../domain/errors.js'

export const badCursor = () =>
  new DomainError('PAGE.CURSOR', 'validation', 'The cursor is not valid for this list, sort and filters.', [
    { field: 'querystring.cursor', message: 'is not a cursor this list gave out with the same sort and filters' },
  ])

/**
 * The one paging codec: a cursor carries the keyset values of the last row of a page, and a fingerprint
 * of the list, sort and filters it was made for, so it is refused (400 PAGE.CURSOR) anywhere else. Its
 * values are checked by `valid` before any SQL sees them.
 */
export function pageCursor<T extends unknown[]>(
  made: { list: string; sort?: string; filters?: Record<string, unknown> },
  valid: (values: unknown[]) => boolean,
) {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([made.list, made.sort ?? '', made.filters ?? {}]))
    .digest('base64url')
    .slice(0, 12)
  return {
    encode: (values: T): string => Buffer.from(JSON.stringify({ f: fingerprint, v: values })).toString('base64url'),
    decode(cursor: string): T {
      let parsed: { f?: unknown; v?: unknown }
      try {
        parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { f?: unknown; v?: unknown }
      } catch {
        throw badCursor()
      }
      if (parsed?.f !== fingerprint || !Array.isArray(parsed.v) || !valid(parsed.v)) throw badCursor()
      return parsed.v as T
    },
  }
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A cursor over rows in period order (then id): the measurements' lists. */
const periodCursor = (list: string, filters: Record<string, unknown>) =>
  pageCursor<[string, string]>(
    { list, filters },
    ([start, id]) =>
      typeof start === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(start) && typeof id === 'string' && UUID_PATTERN.test(id),
  )

/**
 * One page of a list in period order (then id), through its cursor: `fetch` reads one row past the limit
 * after the cursor's row, so the page knows whether another follows.
 */
export async function periodPage<R extends { periodStart: string; id: string }>(
  list: string,
  filters: Record<string, unknown>,
  page: { cursor?: string | undefined; limit: number },
  fetch: (keyset: { limit: number; after?: { periodStart: string; id: string } }) => Promise<R[]>,
): Promise<{ items: R[]; nextCursor: string | null }> {
  const cursors = periodCursor(list, filters)
  const after = page.cursor === undefined ? undefined : cursors.decode(page.cursor)
  const rows = await fetch({
    limit: page.limit + 1,
    ...(after ? { after: { periodStart: after[0], id: after[1] } } : {}),
  })
  const items = rows.slice(0, page.limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > page.limit && last ? cursors.encode([last.periodStart, last.id]) : null }
}

/**
 * One page of a short list read whole in its one order (a bid's decisions, a measurement's revisions, the
 * feed presets): the cursor names the last item's key, so a page is the same list's next items.
 */
export function shortPage<T>(
  list: string,
  all: readonly T[],
  keyOf: (item: T) => string,
  page: { cursor?: string | undefined; limit?: number | undefined },
): { items: T[]; nextCursor: string | null } {
  const cursors = pageCursor<[string]>({ list }, ([key]) => typeof key === 'string')
  const limit = page.limit ?? 50
  let start = 0
  if (page.cursor !== undefined) {
    const [key] = cursors.decode(page.cursor)
    start = all.findIndex((item) => keyOf(item) === key) + 1
    if (start === 0) throw badCursor()
  }
  const items = all.slice(start, start + limit)
  const last = items[items.length - 1]
  return { items, nextCursor: start + limit < all.length && last ? cursors.encode([keyOf(last)]) : null }
}
