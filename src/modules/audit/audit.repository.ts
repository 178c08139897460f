import type { Db } from '../../db/client.js'
import type { Actor } from '../../domain/access.js'

export interface AuditEntry {
  partnershipId: string | null
  action: 'create' | 'update' | 'delete'
  resourceType: string
  resourceId: string
  before: unknown
  after: unknown
}

/** Written with the caller's transaction, so a change and its audit event commit or fail together. */
export async function recordAudit(trx: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto('auditEvent')
    .values({
      ...entry,
      actor: actor.subject,
      requestId: actor.requestId,
      correlationId: actor.correlationId ?? null,
      before: json(entry.before),
      after: json(entry.after),
    })
    .execute()
}

// pg would send a JS array as a Postgres array; JSONB wants the JSON text.
const json = (value: unknown): string | null => (value === null || value === undefined ? null : JSON.stringify(value))

export interface AuditFilter {
  limit: number
  oldestFirst?: boolean
  /** The keyset of the previous page's last event: when it happened (ISO), then its id. */
  after?: [string, number]
  resourceType?: string
  resourceId?: string
  actor?: string
  from?: string
  to?: string
}

/** Newest first (or oldest), keyset on when each happened, then its sequence number. */
export function listAuditEvents(db: Db, partnershipId: string, filter: AuditFilter) {
  let query = db
    .selectFrom('auditEvent')
    .select([
      'id',
      'actor',
      'action',
      'resourceType',
      'resourceId',
      'before',
      'after',
      'requestId',
      'correlationId',
      'occurredAt',
    ])
    .where('partnershipId', '=', partnershipId)
  const direction = filter.oldestFirst === true ? 'asc' : 'desc'
  if (filter.after !== undefined) {
    const [at, id] = filter.after
    query = query.where((eb) =>
      eb(eb.refTuple('occurredAt', 'id'), direction === 'asc' ? '>' : '<', eb.tuple(new Date(at), id)),
    )
  }
  if (filter.resourceType !== undefined) query = query.where('resourceType', '=', filter.resourceType)
  if (filter.resourceId !== undefined) query = query.where('resourceId', '=', filter.resourceId)
  if (filter.actor !== undefined) query = query.where('actor', '=', filter.actor)
  if (filter.from !== undefined) query = query.where('occurredAt', '>=', new Date(filter.from))
  if (filter.to !== undefined) query = query.where('occurredAt', '<', new Date(filter.to))
  return query.orderBy('occurredAt', direction).orderBy('id', direction).limit(filter.limit).execute()
}
