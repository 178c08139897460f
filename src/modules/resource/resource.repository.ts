import { sql, type CompiledQuery, type Kysely, type SelectQueryBuilder } from 'kysely'
import { prepareOnce } from '../../db/tenancy.js'
import type { Db } from '../../db/client.js'
import { DomainError } from '../../domain/errors.js'

/**
 * How one tenant-scoped table is read and written. The generic functions below work on any table
 * described this way, so each reference-data module only states its columns, sorts and filters.
 */
export interface TableSpec {
  table: 'area' | 'agency' | 'priority' | 'objective' | 'theme' | 'indicator' | 'target' | 'commentary'
  /** Singular name used in audit events and messages. */
  type: string
  /** Columns shown to clients beyond id, archived, version and timestamps (camelCase). */
  columns: readonly string[]
  /** API sort key to column; the first is the default. Columns must be NOT NULL for keyset paging. */
  sorts: Readonly<Record<string, string>>
  /** Column searched by `q`. */
  search: string
  /** Query parameters that filter by equality on the column of the same name. */
  filters: readonly string[]
  /** A nested resource's parent, e.g. objectives under /priorities/{priorityId}. */
  parent?: { column: string; param: string; table: TableSpec['table']; type: string }
  /**
   * A many-to-many link shown as an array of ids (an indicator's priorityIds), kept in a link table
   * (owner column -> this row, column -> the other row) and filterable by one id.
   */
  links?: { field: string; table: string; owner: string; column: string; target: TableSpec['table']; filter: string }
}

export type Row = Record<string, unknown> & { id: string; version: number }

export interface Scope {
  partnershipId: string
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

const BASE_COLUMNS = ['id', 'archived', 'version', 'createdAt', 'updatedAt'] as const

// The generic layer addresses tables by name, which Kysely's static types cannot follow; every
// value still goes through bound parameters.
const anyDb = (db: Db) => db as unknown as Kysely<any>

export function selection(spec: TableSpec): string[] {
  return [...BASE_COLUMNS, ...spec.columns]
}

function selectRow(spec: TableSpec) {
  const columns = selection(spec).map((c) => `${spec.table}.${c}`)
  const link = spec.links
  if (link === undefined) return () => columns
  return () => [
    ...columns,
    sql<string[]>`array(select ${sql.ref(link.column)} from ${sql.table(link.table)} where ${sql.ref(`${link.table}.${link.owner}`)} = ${sql.ref(`${spec.table}.id`)} order by 1)`.as(link.field),
  ]
}

/** Separates a link field (ids kept in a link table) from the row's own columns. */
export function splitLinks(spec: TableSpec, values: Record<string, unknown>): { own: Record<string, unknown>; linked?: string[] } {
  if (spec.links === undefined || !(spec.links.field in values)) return { own: values }
  const { [spec.links.field]: linked, ...own } = values
  return { own, linked: linked as string[] }
}

/** Replaces a row's links; every id must name a row of the target table in the same partnership. */
export async function replaceLinks(db: Db, spec: TableSpec, scope: Scope, id: string, ids: string[]): Promise<boolean> {
  const link = spec.links!
  const unique = [...new Set(ids)]
  if (unique.length > 0) {
    const found = await anyDb(db).selectFrom(link.target).select('id').where('partnershipId', '=', scope.partnershipId).where('id', 'in', unique).execute()
    if (found.length !== unique.length) return false
  }
  await anyDb(db).deleteFrom(link.table).where(link.owner, '=', id).execute()
  if (unique.length > 0) {
    await anyDb(db).insertInto(link.table).values(unique.map((other) => ({ partnershipId: scope.partnershipId, [link.owner]: id, [link.column]: other }))).execute()
  }
  return true
}

function scoped(db: Db, spec: TableSpec, scope: Scope) {
  let query = anyDb(db).selectFrom(spec.table).where(`${spec.table}.partnershipId`, '=', scope.partnershipId)
  if (spec.parent !== undefined) query = query.where(`${spec.table}.${spec.parent.column}`, '=', scope.parentId)
  return query
}

interface Cursor {
  s: string
  v: unknown
  id: string
}

export const badCursor = () =>
  new DomainError('PAGE.CURSOR', 'validation', 'The cursor is not valid for this list and sort.', [
    { field: 'querystring.cursor', message: 'is not a cursor this list gave out with the same sort' },
  ])

function decodeCursor(cursor: string, sort: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor
    if (parsed.s !== sort || typeof parsed.id !== 'string' || !/^[0-9a-f-]{36}$/.test(parsed.id)) throw badCursor()
    if (typeof parsed.v !== 'string' && typeof parsed.v !== 'number' && typeof parsed.v !== 'boolean') throw badCursor()
    return parsed
  } catch {
    throw badCursor()
  }
}

function encodeCursor(sort: string, value: unknown, id: string): string {
  const v = value instanceof Date ? value.toISOString() : value
  return Buffer.from(JSON.stringify({ s: sort, v, id })).toString('base64url')
}

/** Keyset pagination on (sort column, id): stable under concurrent inserts, no OFFSET scans. */
export async function listRecords(db: Db, spec: TableSpec, scope: Scope, request: PageRequest) {
  const sortKeys = Object.keys(spec.sorts)
  const sort = request.sort ?? sortKeys[0]!
  const descending = sort.startsWith('-')
  const column = spec.sorts[descending ? sort.slice(1) : sort]
  if (column === undefined) throw new DomainError('PAGE.SORT', 'validation', `Unknown sort ${sort}.`)
  const limit = request.limit ?? 50

  let query = scoped(db, spec, scope).select(selectRow(spec)) as SelectQueryBuilder<any, any, Row>
  if (request.includeArchived !== true) query = query.where(`${spec.table}.archived`, '=', false)
  if (request.q !== undefined) {
    query = query.where(sql<boolean>`strpos(lower(${sql.ref(`${spec.table}.${spec.search}`)}), lower(${request.q})) > 0`)
  }
  for (const filter of spec.filters) {
    if (request[filter] !== undefined) query = query.where(`${spec.table}.${filter}`, '=', request[filter])
  }
  const link = spec.links
  if (link !== undefined && request[link.filter] !== undefined) {
    query = query.where((eb) =>
      eb.exists(eb.selectFrom(link.table).select(sql.lit(1).as('one')).whereRef(`${link.table}.${link.owner}`, '=', `${spec.table}.id`).where(`${link.table}.${link.column}`, '=', request[link.filter])),
    )
  }
  if (request.cursor !== undefined) {
    const cursor = decodeCursor(request.cursor, sort)
    query = query.where((eb) => eb(eb.refTuple(`${spec.table}.${column}`, `${spec.table}.id`), descending ? '<' : '>', eb.tuple(cursor.v, cursor.id)))
  }
  const direction = descending ? 'desc' : 'asc'
  const rows = await query.orderBy(`${spec.table}.${column}`, direction).orderBy(`${spec.table}.id`, direction).limit(limit + 1).execute()
  const items = rows.slice(0, limit)
  const last = items[items.length - 1]
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(sort, last[column], last.id) : null }
}

const findQuery = (db: Db, spec: TableSpec, scope: Scope, id: string) => scoped(db, spec, scope).select(selectRow(spec)).where(`${spec.table}.id`, '=', id)
const compiledFinds = new Map<string, CompiledQuery>()
const SENTINEL = { partnership: '\u0000partnership', parent: '\u0000parent', id: '\u0000id' }

/**
 * Reading one record is the hottest query there is; building it with Kysely cost more than running it
 * (measured), so its shape is compiled once per table and only the bound values change.
 */
export async function findRecord(db: Db, spec: TableSpec, scope: Scope, id: string, lock = false): Promise<Row | undefined> {
  if (lock) return (await findQuery(db, spec, scope, id).forUpdate(spec.table).executeTakeFirst()) as Row | undefined
  const shape = `${spec.table}:${scope.parentId === undefined ? '' : 'parent'}`
  let compiled = compiledFinds.get(shape)
  if (compiled === undefined) {
    compiled = findQuery(db, spec, { partnershipId: SENTINEL.partnership, ...(scope.parentId === undefined ? {} : { parentId: SENTINEL.parent }) }, SENTINEL.id).compile()
    compiledFinds.set(shape, compiled)
    prepareOnce(compiled.sql)
  }
  const values: Record<string, unknown> = { [SENTINEL.partnership]: scope.partnershipId, [SENTINEL.parent]: scope.parentId, [SENTINEL.id]: id }
  const parameters = compiled.parameters.map((p) => (typeof p === 'string' && p in values ? values[p] : p))
  return (await db.executeQuery<Row>({ ...compiled, parameters })).rows[0]
}

/** The row whose columns equal the given values (a natural key). */
export async function findRecordBy(db: Db, spec: TableSpec, scope: Scope, key: Record<string, unknown>): Promise<Row | undefined> {
  let query = scoped(db, spec, scope).select(selectRow(spec))
  for (const [column, value] of Object.entries(key)) query = query.where(`${spec.table}.${column}`, '=', value)
  return (await query.executeTakeFirst()) as Row | undefined
}

export async function insertRecord(db: Db, spec: TableSpec, scope: Scope, values: Record<string, unknown>): Promise<Row> {
  const parent = spec.parent === undefined ? {} : { [spec.parent.column]: scope.parentId }
  return (await anyDb(db)
    .insertInto(spec.table)
    .values({ ...values, ...parent, partnershipId: scope.partnershipId })
    .returning(selection(spec))
    .executeTakeFirstOrThrow()) as Row
}

export async function updateRecord(db: Db, spec: TableSpec, scope: Scope, id: string, values: Record<string, unknown>): Promise<Row> {
  return (await anyDb(db)
    .updateTable(spec.table)
    .set({ ...values, version: sql`version + 1`, updatedAt: sql`now()` })
    .where('partnershipId', '=', scope.partnershipId)
    .where('id', '=', id)
    .returning(selection(spec))
    .executeTakeFirstOrThrow()) as Row
}

export async function deleteRecord(db: Db, spec: TableSpec, scope: Scope, id: string): Promise<void> {
  await anyDb(db).deleteFrom(spec.table).where('partnershipId', '=', scope.partnershipId).where('id', '=', id).execute()
}

export async function parentExists(db: Db, spec: TableSpec, scope: Scope): Promise<boolean> {
  if (spec.parent === undefined) return true
  const row = await anyDb(db)
    .selectFrom(spec.parent.table)
    .select('id')
    .where('partnershipId', '=', scope.partnershipId)
    .where('id', '=', scope.parentId)
    .executeTakeFirst()
  return row !== undefined
}
