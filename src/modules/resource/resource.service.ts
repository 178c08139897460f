import type { Db } from '../../db/client.js'
import type { Actor } from '../../domain/access.js'
import { codePrefix, DomainError, notFound } from '../../domain/errors.js'
import { today } from '../../http/clock.js'
import { recordAudit } from '../audit/audit.repository.js'
import {
  deleteRecord,
  findRecord,
  findRecordBy,
  insertRecord,
  listRecords,
  parentExists,
  replaceLinks,
  overlappingSpans,
  splitLinks,
  updateRecord,
  type Column,
  type PageRequest,
  type ResourceTable,
  type Row,
  type Scope,
  type TableSpec,
  type Values,
} from './resource.repository.js'

export interface WriteHooks<T extends ResourceTable> {
  /**
   * Runs inside the write's transaction before the row is written, and answers what to write (the values
   * sent, settled: a derived target, a canonical period, the author); throws a DomainError to refuse.
   */
  beforeWrite?: (
    trx: Db,
    scope: Scope,
    values: Values<T>,
    existing: Row<T> | undefined,
    actor: Actor,
  ) => Promise<Values<T>>
  /** Runs inside the delete's transaction; throws a DomainError to refuse. */
  beforeDelete?: (trx: Db, scope: Scope, existing: Row<T>, actor: Actor) => Promise<void>
  /** Runs inside every write's transaction once the row is written or deleted: keeps what derives from it. */
  afterWrite?: (trx: Db, scope: Scope, actor: Actor) => Promise<void>
}

export const etagOf = (version: number): string => `"${version}"`

/**
 * If-Match is required on every change: a client must prove it saw the version it is changing.
 * Weak validators never match (RFC 9110 strong comparison).
 */
export function checkIfMatch(ifMatch: string | undefined, version: number): void {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    throw new DomainError(
      'PRECONDITION.REQUIRED',
      'precondition-required',
      'Send If-Match with the ETag of the version you are changing.',
    )
  }
  if (ifMatch.trim() === '*') return
  const tags = ifMatch.split(',').map((t) => t.trim())
  if (!tags.includes(etagOf(version))) {
    throw new DomainError(
      'PRECONDITION.FAILED',
      'precondition-failed',
      'The resource has changed since that ETag; read it again.',
    )
  }
}

/** Where If-Match is optional (a state machine's steps guard repeats themselves): checked only when sent. */
export function checkIfMatchWhenSent(ifMatch: string | undefined, version: number): void {
  if (ifMatch !== undefined && ifMatch.trim() !== '') checkIfMatch(ifMatch, version)
}

interface PgError {
  code?: string
  constraint?: string
}

/**
 * The body fields a constraint is on, from Postgres's name for it: target_partnership_id_indicator_id_area_id_period_key
 * is on indicatorId, areaId and period (each "_id" closes a field name).
 */
function constraintFields(constraint: string, table: string): string[] {
  const snake = table.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
  const words = constraint
    .replace(new RegExp(`^${snake}_(partnership_id_)?`), '')
    .replace(/_(key|fkey)$/, '')
    .split('_')
  const fields: string[][] = [[]]
  for (const word of words) {
    fields[fields.length - 1]!.push(word)
    if (word === 'id') fields.push([])
  }
  return fields
    .filter((f) => f.length > 0)
    .map((f) => f.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join(''))
    .filter((f) => f !== 'partnershipId')
}

/** A field or table name in words: priorityId is "priority", actionItem "action item". */
const inWords = (name: string) =>
  name
    .replace(/Id$/, '')
    .replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)
    .trim()

/** "a priority", "an action item". */
const withArticle = (words: string) => `${/^[aeiou]/.test(words) ? 'an' : 'a'} ${words}`

/** Turns a unique or foreign-key violation into a message about the field the client sent. */
export function constraintProblem(
  err: unknown,
  table: string,
  type: string,
  action: 'write' | 'delete',
): DomainError | undefined {
  const { code, constraint } = err as PgError
  if (code === '23503' && action === 'delete') {
    return new DomainError(
      `${codePrefix(type)}.IN_USE`,
      'resource-in-use',
      `This ${type} is referred to by other records; archive it instead (PATCH archived: true).`,
    )
  }
  const fields = constraintFields(constraint ?? '', table)
  const field = fields.join('')
  if (code === '23505') {
    const words = fields.map(inWords)
    const named = words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
    return new DomainError(
      `${codePrefix(type)}.DUPLICATE`,
      'conflict',
      `Another ${type} already has this ${named}.`,
      fields.map((f) => ({ field: `body.${f}`, message: 'is already used in this partnership' })),
    )
  }
  if (code === '23503') {
    // A composite key (partnership, priority) names its last field: the one the client sent.
    const sent = fields.at(-1) ?? field
    return new DomainError(
      `${codePrefix(type)}.REFERENCE`,
      'unprocessable',
      `The ${sent} sent names no ${inWords(sent)} of this partnership.`,
      [{ field: `body.${sent}`, message: 'does not exist in this partnership' }],
    )
  }
  return undefined
}

async function translating<T>(
  spec: { table: string; type: string },
  action: 'write' | 'delete',
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work()
  } catch (err) {
    throw constraintProblem(err, spec.table, spec.type, action) ?? err
  }
}

/**
 * List, read, create, update and delete for one tenant-scoped table, each write in a transaction with
 * its audit event. `filters` are the columns its list filters by equality (from the route's schema).
 */
/**
 * A dated membership of a group: it cannot end before it starts, and whoever `key` names holds one
 * membership of the group on any day, so "who was in it on a date" has one answer. Problems are
 * `<prefix>.DATES` and `<prefix>.OVERLAP`.
 */
export async function checkMembershipSpan(
  trx: Db,
  table: 'groupMember' | 'peerMember' | 'member',
  prefix: string,
  key: { partnershipId: string } & Record<string, string>,
  merged: { startsOn: string; endsOn?: string | null },
  existing: { id: string } | undefined,
): Promise<void> {
  if (merged.endsOn !== null && merged.endsOn !== undefined && merged.endsOn < merged.startsOn)
    throw new DomainError(`${prefix}.DATES`, 'unprocessable', 'A membership cannot end before it starts.', [
      { field: 'body.endsOn', message: `is before startsOn (${merged.startsOn})` },
    ])
  const clash = (
    await overlappingSpans(trx, table, key, {
      startsOn: merged.startsOn,
      endsOn: merged.endsOn ?? null,
      ...(existing === undefined ? {} : { except: existing.id }),
    })
  )[0]
  if (clash === undefined) return
  const [column, value] = Object.entries(key).findLast(([k]) => k !== 'partnershipId' && k !== 'groupId')!
  throw new DomainError(
    `${prefix}.OVERLAP`,
    'conflict',
    `${value} is already a member of this ${table === 'member' ? 'partnership' : 'group'} from ${clash.startsOn}${clash.endsOn === null ? '' : ` to ${clash.endsOn}`} (${clash.id}): change that membership, or end it first.`,
    [{ field: 'body.startsOn', message: `overlaps another membership of the same ${column}` }],
    { facts: { conflictingId: clash.id } },
  )
}

export function createResourceService<T extends ResourceTable>(db: Db, spec: TableSpec<T>, hooks: WriteHooks<T> = {}) {
  const audit = (
    trx: Db,
    scope: Scope,
    actor: Actor,
    action: 'create' | 'update' | 'delete',
    id: string,
    before: Row<T> | null,
    after: Row<T> | null,
  ) =>
    recordAudit(trx, actor, {
      partnershipId: scope.partnershipId,
      action,
      resourceType: spec.type,
      resourceId: id,
      before,
      after,
    })

  /** Writes a row's links, if the body sent them, and reads the row back with them. */
  async function withLinks(trx: Db, scope: Scope, row: Row<T>, linked: ReturnType<typeof splitLinks>['linked']) {
    if (spec.links === undefined) return row
    for (const { link, ids } of linked) {
      if (!(await replaceLinks(trx, link, scope, row.id, ids))) {
        throw new DomainError(
          `${codePrefix(spec.type)}.REFERENCE`,
          'unprocessable',
          `Not every id in ${link.field} names ${withArticle(inWords(link.target))} of this partnership.`,
          [{ field: `body.${link.field}`, message: `must name ${inWords(link.target)} records of this partnership` }],
        )
      }
    }
    return (await findRecord(trx, spec, scope, row.id))!
  }

  async function requireParent(trx: Db, scope: Scope): Promise<void> {
    if (spec.parent !== undefined && !(await parentExists(trx, spec, scope))) throw notFound(spec.parent.type)
  }

  const settle = (trx: Db, scope: Scope, values: Values<T>, existing: Row<T> | undefined, actor: Actor) =>
    hooks.beforeWrite === undefined ? Promise.resolve(values) : hooks.beforeWrite(trx, scope, values, existing, actor)

  return {
    spec,

    async list(scope: Scope, request: PageRequest, filters: readonly string[]) {
      await requireParent(db, scope)
      return listRecords(db, spec, scope, request, filters)
    },

    async get(scope: Scope, id: string): Promise<Row<T>> {
      const row = await findRecord(db, spec, scope, id)
      if (row === undefined) throw notFound(spec.type)
      return row
    },

    create(scope: Scope, actor: Actor, values: Values<T>): Promise<Row<T>> {
      return translating(spec, 'write', () =>
        db.transaction().execute(async (trx) => {
          await requireParent(trx, scope)
          const { own, linked } = splitLinks(spec, await settle(trx, scope, values, undefined, actor))
          const row = await withLinks(trx, scope, await insertRecord(trx, spec, scope, own), linked)
          await audit(trx, scope, actor, 'create', row.id, null, row)
          await hooks.afterWrite?.(trx, scope, actor)
          return row
        }),
      )
    },

    /** The record whose `keys` columns equal those in `values`, created from `values` when there is none. */
    async ensure(scope: Scope, actor: Actor, keys: Column<T> | Column<T>[], values: Values<T>): Promise<Row<T>> {
      const key = Object.fromEntries([keys].flat().map((k) => [k, values[k]])) as Partial<Record<Column<T>, unknown>>
      return (await findRecordBy(db, spec, scope, key)) ?? this.create(scope, actor, values)
    },

    update(scope: Scope, actor: Actor, id: string, ifMatch: string | undefined, values: Values<T>): Promise<Row<T>> {
      return translating(spec, 'write', () =>
        db.transaction().execute(async (trx) => {
          const existing = await findRecord(trx, spec, scope, id, true)
          if (existing === undefined) throw notFound(spec.type)
          checkIfMatch(ifMatch, existing.version)
          const { own, linked } = splitLinks(spec, await settle(trx, scope, values, existing, actor))
          const row = await withLinks(trx, scope, await updateRecord(trx, spec, scope, id, own), linked)
          await audit(trx, scope, actor, 'update', id, existing, row)
          await hooks.afterWrite?.(trx, scope, actor)
          return row
        }),
      )
    },

    remove(scope: Scope, actor: Actor, id: string, ifMatch: string | undefined): Promise<void> {
      return translating(spec, 'delete', () =>
        db.transaction().execute(async (trx) => {
          const existing = await findRecord(trx, spec, scope, id, true)
          if (existing === undefined) throw notFound(spec.type)
          checkIfMatch(ifMatch, existing.version)
          await hooks.beforeDelete?.(trx, scope, existing, actor)
          await deleteRecord(trx, spec, scope, id)
          await audit(trx, scope, actor, 'delete', id, existing, null)
          await hooks.afterWrite?.(trx, scope, actor)
        }),
      )
    },
  }
}

export type ResourceService<T extends ResourceTable> = ReturnType<typeof createResourceService<T>>

/**
 * A resource whose records are answered with what is worked out of them on a date (an action's flags, a
 * bid's route, a risk's exposure): a read or a write as of today; the list as of its `asOf`, filtered by
 * `filters.keys` (query parameters that are not columns) on what was worked out. The list reads on
 * through the table, a page's worth of rows still wanted at a time, until the page is full: so the cursor
 * stays the table's, and no row is lost or repeated between pages.
 */
export function withView<T extends ResourceTable, V>(
  base: ResourceService<T>,
  view: (scope: Scope, rows: Row<T>[], asOf: string) => Promise<V[]>,
  filters: { keys: readonly string[]; wanted: (row: V, request: PageRequest) => boolean },
) {
  const one = async (scope: Scope, row: Promise<Row<T>>) => (await view(scope, [await row], today()))[0]!
  const viewKeys = new Set(['asOf', ...filters.keys])
  return {
    ...base,
    get: (scope: Scope, id: string) => one(scope, base.get(scope, id)),
    create: (scope: Scope, actor: Actor, values: Values<T>) => one(scope, base.create(scope, actor, values)),
    update: (...args: Parameters<ResourceService<T>['update']>) => one(args[0], base.update(...args)),
    async list(scope: Scope, request: PageRequest, columns: readonly string[]) {
      const asOf = (request.asOf as string | undefined) ?? today()
      const limit = request.limit ?? 50
      const rest = Object.fromEntries(Object.entries(request).filter(([key]) => !viewKeys.has(key))) as PageRequest
      const items: V[] = []
      let cursor = request.cursor
      for (;;) {
        const page = await base.list(
          scope,
          { ...rest, cursor, limit: limit - items.length },
          columns.filter((c) => !viewKeys.has(c)),
        )
        items.push(...(await view(scope, page.items as Row<T>[], asOf)).filter((row) => filters.wanted(row, request)))
        if (page.nextCursor === null || items.length === limit) return { items, nextCursor: page.nextCursor }
        cursor = page.nextCursor
      }
    },
  }
}
