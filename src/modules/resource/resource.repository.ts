import { sql, type Insertable, type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder } from 'kysely'
import type { Db } from '../../db/client.js'
import { preparedQuery } from '../../db/prepared.js'
import type { Database } from '../../db/types.js'
import { DomainError } from '../../domain/errors.js'
import { pageCursor, UUID_PATTERN } from '../../http/paging.js'

export type ResourceTable =
  | 'area'
  | 'agency'
  | 'priority'
  | 'objective'
  | 'theme'
  | 'validationRule'
  | 'webhookSubscription'
  | 'indicator'
  | 'target'
  | 'commentary'
  | 'partnershipGroup'
  | 'groupMember'
  | 'member'
  | 'invitation'
  | 'apiKey'
  | 'actionItem'
  | 'actionMilestone'
  | 'actionProgress'
  | 'fundingStream'
  | 'fundingAllocation'
  | 'fundingBid'
  | 'fundingEvaluation'
  | 'fundingPayment'
  | 'risk'
  | 'riskAssessment'
  | 'feedMapping'
  | 'population'
  | 'peerGroup'
  | 'peerMember'
  | 'peerFigure'
export type LinkTable =
  'indicatorPriority' | 'actionItemPartner' | 'actionItemIndicator' | 'fundingEvaluationIndicator' | 'riskAction'
export type Column<T extends ResourceTable> = keyof Database[T] & string

const BASE_COLUMNS = ['id', 'archived', 'version', 'createdAt', 'updatedAt'] as const
type BaseColumn = (typeof BASE_COLUMNS)[number]

/**
 * How one tenant-scoped table is read and written. The generic functions below work on any table
 * described this way, so each reference-data module only states its columns, sorts and links.
 */
export interface TableSpec<T extends ResourceTable> {
  table: T
  /** Singular name used in audit events and messages. */
  type: string
  /** Columns shown to clients beyond id, archived, version and timestamps: all but partnershipId. */
  columns: ReadonlyArray<Exclude<Column<T>, BaseColumn | 'partnershipId'>>
  /**
   * API sort key to column; the first is the default. Keyset paging needs a value in every row: a column
   * that may be null is named in `blankSorts` too, and sorts as empty text (before any code).
   */
  sorts: Readonly<Record<string, Column<T>>>
  blankSorts?: readonly Column<T>[]
  /** Columns searched by `q` (any of them containing it, case-insensitively). */
  search: Column<T> | readonly Column<T>[]
  /** A nested resource's parent, e.g. objectives under /priorities/{priorityId}. */
  parent?: { column: Column<T>; param: string; table: ResourceTable; type: string }
  /**
   * Many-to-many links, each shown as an array of ids (an indicator's priorityIds), kept in a link table
   * (owner column -> this row, column -> the other row) and filterable by one id.
   */
  links?: readonly Link[]
  /**
   * List filters that are not an equality on their column (an office held, a date a membership covers):
   * each turns the value sent into a condition on the table.
   */
  conditions?: Readonly<Record<string, (table: string, value: unknown) => RawBuilder<boolean>>>
}

export interface Link {
  field: string
  table: LinkTable
  owner: string
  column: string
  target: ResourceTable
  filter: string
}

/** A record as the API shows it: every column but the partnership, and its links. */
export type Row<T extends ResourceTable> = Omit<Selectable<Database[T]>, 'partnershipId'> & {
  id: string
  version: number
  [link: string]: unknown
}
/** What a create or update writes: the columns sent (or set by a hook), and links. */
export type Values<T extends ResourceTable> = Partial<Omit<Insertable<Database[T]>, 'partnershipId'>> &
  Record<string, unknown>

export interface Scope {
  partnershipId: string
  /** The partnership's year-start month, which reading a financial year (FY2010-11) needs. */
  yearStartMonth: number
  parentId?: string
}

export interface PageRequest {
  limit?: number
  cursor?: string
  sort?: string
  q?: string
  includeArchived?: boolean
  [filter: string]: unknown
}

// The generic layer addresses tables by name, which Kysely's static types cannot follow; every value still
// goes through bound parameters, and every name comes from a spec in code.
const anyDb = (db: Db) => db as unknown as Kysely<any>

export function selection<T extends ResourceTable>(spec: TableSpec<T>): string[] {
  return [...BASE_COLUMNS, ...spec.columns]
}

function selectRow<T extends ResourceTable>(spec: TableSpec<T>) {
  const columns = selection(spec).map((c) => `${spec.table}.${c}`)
  const links = spec.links ?? []
  if (links.length === 0) return () => columns
  return () => [
    ...columns,
    ...links.map((link) =>
      sql<
        string[]
      >`array(select ${sql.ref(link.column)} from ${sql.table(link.table)} where ${sql.ref(`${link.table}.${link.owner}`)} = ${sql.ref(`${spec.table}.id`)} order by 1)`.as(
        link.field,
      ),
    ),
  ]
}

/** Separates the link fields (ids kept in link tables) from the row's own columns. */
export function splitLinks<T extends ResourceTable>(
  spec: TableSpec<T>,
  values: Values<T>,
): { own: Values<T>; linked: Array<{ link: Link; ids: string[] }> } {
  const own: Record<string, unknown> = { ...values }
  const linked: Array<{ link: Link; ids: string[] }> = []
  for (const link of spec.links ?? []) {
    if (!(link.field in own)) continue
    linked.push({ link, ids: own[link.field] as string[] })
    delete own[link.field]
  }
  return { own: own as Values<T>, linked }
}

/** Replaces a row's links of one kind; every id must name a row of the target table in the same partnership. */
export async function replaceLinks(db: Db, link: Link, scope: Scope, id: string, ids: string[]): Promise<boolean> {
  const unique = [...new Set(ids)]
  if (unique.length > 0) {
    const found = await anyDb(db)
      .selectFrom(link.target)
      .select('id')
      .where('partnershipId', '=', scope.partnershipId)
      .where('id', 'in', unique)
      .execute()
    if (found.length !== unique.length) return false
  }
  await anyDb(db).deleteFrom(link.table).where(link.owner, '=', id).execute()
  if (unique.length > 0) {
    await anyDb(db)
      .insertInto(link.table)
      .values(unique.map((other) => ({ partnershipId: scope.partnershipId, [link.owner]: id, [link.column]: other })))
      .execute()
  }
  return true
}

function scoped<T extends ResourceTable>(db: Db, spec: TableSpec<T>, scope: Pick<Scope, 'partnershipId' | 'parentId'>) {
  const table: string = spec.table
  let query = anyDb(db).selectFrom(table).where(`${table}.partnershipId`, '=', scope.partnershipId)
  if (spec.parent !== undefined)
    query = query.where(`${table}.${spec.parent.column as string}`, '=', scope.parentId ?? null)
  return query
}

const isKeyValue = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/**
 * Keyset pagination on (sort column, id): stable under concurrent inserts, no OFFSET scans. `filters`
 * are the list's equality filters by column (the link filter apart), from the route's filter schema.
 */
export async function listRecords<T extends ResourceTable>(
  db: Db,
  spec: TableSpec<T>,
  scope: Scope,
  request: PageRequest,
  filters: readonly string[],
) {
  const sortKeys = Object.keys(spec.sorts)
  const sort = request.sort ?? sortKeys[0]!
  const descending = sort.startsWith('-')
  const column = spec.sorts[descending ? sort.slice(1) : sort]
  if (column === undefined) throw new DomainError('PAGE.SORT', 'validation', `Unknown sort ${sort}.`)
  const limit = request.limit ?? 50
  const links = spec.links ?? []
  const filtering = Object.fromEntries(
    [...filters, ...links.map((l) => l.filter), 'q', 'includeArchived'].map((f) => [f, request[f]]),
  )
  const cursors = pageCursor<[unknown, string]>(
    { list: `${spec.table}:${scope.parentId ?? ''}`, sort, filters: filtering },
    ([value, id]) => isKeyValue(value) && typeof id === 'string' && UUID_PATTERN.test(id),
  )

  const table: string = spec.table
  let query = scoped(db, spec, scope).select(selectRow(spec)) as SelectQueryBuilder<any, any, Row<T>>
  if (request.includeArchived !== true) query = query.where(`${table}.archived`, '=', false)
  if (request.q !== undefined) {
    const q = request.q
    query = query.where((eb) =>
      eb.or(
        [spec.search]
          .flat()
          .map((c) => sql<boolean>`coalesce(strpos(lower(${sql.ref(`${table}.${c}`)}), lower(${q})), 0) > 0`),
      ),
    )
  }
  for (const filter of filters) {
    const value = request[filter]
    if (value === undefined) continue
    const condition = spec.conditions?.[filter]
    query =
      condition === undefined ? query.where(`${table}.${filter}`, '=', value) : query.where(condition(table, value))
  }
  for (const link of links) {
    if (request[link.filter] === undefined) continue
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom(link.table)
          .select(sql.lit(1).as('one'))
          .whereRef(`${link.table}.${link.owner}`, '=', `${table}.id`)
          .where(`${link.table}.${link.column}`, '=', request[link.filter]),
      ),
    )
  }
  const blank = spec.blankSorts?.includes(column) === true
  const sortKey = blank
    ? sql<string>`coalesce(${sql.ref(`${table}.${column as string}`)}, '')`
    : sql.ref(`${table}.${column as string}`)
  if (request.cursor !== undefined) {
    const [value, id] = cursors.decode(request.cursor)
    const after = descending ? sql`<` : sql`>`
    query = query.where(sql<boolean>`(${sortKey}, ${sql.ref(`${table}.id`)}) ${after} (${value}, ${id})`)
  }
  const direction = descending ? 'desc' : 'asc'
  const rows = await query
    .orderBy(sortKey, direction)
    .orderBy(`${table}.id`, direction)
    .limit(limit + 1)
    .execute()
  const items = rows.slice(0, limit)
  const last = items[items.length - 1] as Record<string, unknown> | undefined
  const key = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null && blank ? '' : v)
  return {
    items,
    nextCursor:
      rows.length > limit && last !== undefined ? cursors.encode([key(last[column]), last.id as string]) : null,
  }
}

type Find = (db: Db, partnershipId: string, parentId: string | undefined, id: string) => Promise<unknown[]>
const finds = new Map<string, Find>()

/** Reading one record is the hottest query there is: its text is built once per table shape and prepared. */
export async function findRecord<T extends ResourceTable>(
  db: Db,
  spec: TableSpec<T>,
  scope: Scope,
  id: string,
  lock = false,
): Promise<Row<T> | undefined> {
  const table: string = spec.table
  const build = (partnershipId: string, parentId: string | undefined, recordId: string) =>
    scoped(db, spec, { partnershipId, ...(parentId === undefined ? {} : { parentId }) })
      .select(selectRow(spec))
      .where(`${table}.id`, '=', recordId)
  if (lock)
    return (await build(scope.partnershipId, scope.parentId, id).forUpdate(table).executeTakeFirst()) as
      Row<T> | undefined
  const shape = `${table}:${scope.parentId === undefined ? '' : 'parent'}`
  let find = finds.get(shape)
  if (find === undefined) {
    const nested = scope.parentId !== undefined
    find = preparedQuery((p: string, parent: string | undefined, i: string) =>
      build(p, nested ? parent : undefined, i),
    ) as Find
    finds.set(shape, find)
  }
  return (await find(db, scope.partnershipId, scope.parentId, id))[0] as Row<T> | undefined
}

/** The row whose columns equal the given values (a natural key). */
export async function findRecordBy<T extends ResourceTable>(
  db: Db,
  spec: TableSpec<T>,
  scope: Scope,
  key: Partial<Record<Column<T>, unknown>>,
): Promise<Row<T> | undefined> {
  let query = scoped(db, spec, scope).select(selectRow(spec))
  for (const [column, value] of Object.entries(key))
    query = query.where(`${spec.table as string}.${column}`, '=', value as string)
  return (await query.executeTakeFirst()) as Row<T> | undefined
}

export async function insertRecord<T extends ResourceTable>(
  db: Db,
  spec: TableSpec<T>,
  scope: Scope,
  values: Values<T>,
): Promise<Row<T>> {
  const parent = spec.parent === undefined ? {} : { [spec.parent.column]: scope.parentId }
  const table: string = spec.table
  return (await anyDb(db)
    .insertInto(table)
    .values({ ...(values as Record<string, unknown>), ...parent, partnershipId: scope.partnershipId })
    .returning(selection(spec))
    .executeTakeFirstOrThrow()) as Row<T>
}

export async function updateRecord<T extends ResourceTable>(
  db: Db,
  spec: TableSpec<T>,
  scope: Scope,
  id: string,
  values: Values<T>,
): Promise<Row<T>> {
  const table: string = spec.table
  return (await anyDb(db)
    .updateTable(table)
    .set({ ...(values as Record<string, unknown>), version: sql`version + 1`, updatedAt: sql`now()` })
    .where('partnershipId', '=', scope.partnershipId)
    .where('id', '=', id)
    .returning(selection(spec))
    .executeTakeFirstOrThrow()) as Row<T>
}

export async function deleteRecord<T extends ResourceTable>(
  db: Db,
  spec: TableSpec<T>,
  scope: Scope,
  id: string,
): Promise<void> {
  const table: string = spec.table
  await anyDb(db).deleteFrom(table).where('partnershipId', '=', scope.partnershipId).where('id', '=', id).execute()
}

export async function parentExists<T extends ResourceTable>(
  db: Db,
  spec: TableSpec<T>,
  scope: Pick<Scope, 'partnershipId' | 'parentId'>,
): Promise<boolean> {
  if (spec.parent === undefined) return true
  const row = await anyDb(db)
    .selectFrom(spec.parent.table)
    .select('id')
    .where('partnershipId', '=', scope.partnershipId)
    .where('id', '=', scope.parentId)
    .executeTakeFirst()
  return row !== undefined
}

/** A record whose dates (startsOn, endsOn, null for open) cover a day: a membership held then. */
export const covers = (table: string, date: string) =>
  sql<boolean>`(${sql.ref(`${table}.startsOn`)} <= ${date} and (${sql.ref(`${table}.endsOn`)} is null or ${sql.ref(`${table}.endsOn`)} >= ${date}))`

/**
 * The records of a table sharing `key` (a subject in a group, a code in a peer group) whose dates overlap
 * the span given, after a lock that serialises writes for that key, so two overlapping creates cannot both
 * pass: one subject holds one membership at a time, and a peer is in its group once on any day.
 */
export async function overlappingSpans(
  trx: Db,
  table: 'groupMember' | 'peerMember' | 'member',
  key: Record<string, string>,
  span: { startsOn: string; endsOn: string | null; except?: string },
) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`${table}:${JSON.stringify(key)}`}, 0))`.execute(trx)
  let query = anyDb(trx)
    .selectFrom(table)
    .select(['id', 'startsOn', 'endsOn'])
    .where((eb) => eb.or([eb('endsOn', 'is', null), eb('endsOn', '>=', span.startsOn)]))
  for (const [column, value] of Object.entries(key)) query = query.where(column, '=', value)
  if (span.endsOn !== null) query = query.where('startsOn', '<=', span.endsOn)
  if (span.except !== undefined) query = query.where('id', '<>', span.except)
  return (await query.orderBy('startsOn').execute()) as Array<{ id: string; startsOn: string; endsOn: string | null }>
}
