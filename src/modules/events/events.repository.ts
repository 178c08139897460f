import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import { DELIVER_QUEUE, sendJob } from '../../db/jobs.js'
import { printedInJson } from '../../domain/periods.js'
import type { EventType } from '../../domain/webhooks.js'

/**
 * Records an event in the write's own transaction (the outbox), with a delivery for every subscription
 * that wants it and a job to send them: all of it commits with the change, or none of it. A `dedupeKey`
 * raises an event once however many times it is recorded (a return overdue on a day). Answers the
 * event's id, or undefined when it was raised before.
 */
export async function recordEvent(
  trx: Db,
  partnershipId: string,
  type: EventType,
  body: Record<string, unknown>,
  dedupeKey: string | null = null,
): Promise<string | undefined> {
  // Its quarters as the partnership counts them, as its answers print them (plugins/period-notation.ts).
  const { financialYearStartMonth } = await trx
    .selectFrom('partnership')
    .select('financialYearStartMonth')
    .where('id', '=', partnershipId)
    .executeTakeFirstOrThrow()
  const event = await trx
    .insertInto('outboxEvent')
    .values({ partnershipId, type, body: printedInJson(JSON.stringify(body), financialYearStartMonth), dedupeKey })
    .onConflict((oc) => oc.columns(['partnershipId', 'dedupeKey']).doNothing())
    .returning(['seq', 'id'])
    .executeTakeFirst()
  if (event === undefined) return undefined
  // A disabled subscription keeps its deliveries, sent once it is enabled again; only an enabled one is woken.
  const { rows } = await sql<{ subscriptionId: string }>`
    with wanting as (
      select id, enabled from webhook_subscription
      where partnership_id = ${partnershipId} and not archived and event_types @> array[${type}]::text[]
    ), delivering as (
      insert into webhook_delivery (partnership_id, subscription_id, event_seq)
      select ${partnershipId}, id, ${event.seq} from wanting
    )
    select id as subscription_id from wanting where enabled
  `.execute(trx)
  for (const { subscriptionId } of rows) await sendJob(trx, DELIVER_QUEUE, { partnershipId, subscriptionId })
  return event.id
}

export interface EventFilter {
  after?: number
  limit: number
  types?: readonly string[]
}

/** Events in the order they were recorded, after a cursor (the seq of the last one read). */
export function listEvents(db: Db, partnershipId: string, filter: EventFilter) {
  let query = db
    .selectFrom('outboxEvent')
    .select(['seq', 'id', 'type', 'body', 'occurredAt'])
    .where('partnershipId', '=', partnershipId)
  if (filter.after !== undefined) query = query.where('seq', '>', String(filter.after))
  if (filter.types !== undefined && filter.types.length > 0) query = query.where('type', 'in', filter.types)
  return query.orderBy('seq').limit(filter.limit).execute()
}
