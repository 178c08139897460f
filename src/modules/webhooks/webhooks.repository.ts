import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { TableSpec } from '../resource/resource.repository.js'
import type { Answer } from './egress.js'

export const webhookSpec: TableSpec<'webhookSubscription'> = {
  table: 'webhookSubscription',
  type: 'webhook',
  columns: ['url', 'eventTypes', 'description', 'enabled', 'disabledReason'],
  sorts: { createdAt: 'createdAt', url: 'url' },
  search: ['url', 'description'],
}

/**
 * Takes the subscription's deliveries for `seconds`, unless another instance holds them: answers where
 * and how to send, or undefined (busy, disabled or gone). The lease is not a change of the subscription:
 * its version stays.
 */
export function takeLease(db: Db, subscriptionId: string, token: string, seconds: number) {
  return db
    .updateTable('webhookSubscription')
    .set({ leaseUntil: sql<Date>`now() + make_interval(secs => ${seconds})`, leaseToken: token })
    .where('id', '=', subscriptionId)
    .where('enabled', '=', true)
    .where('archived', '=', false)
    .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', sql<Date>`now()`)]))
    .returning(['id', 'url', 'secret'])
    .executeTakeFirst()
}

/** Keeps the lease for another `seconds`; false when it was lost (it ran out and another took it). */
export async function renewLease(db: Db, subscriptionId: string, token: string, seconds: number) {
  const row = await db
    .updateTable('webhookSubscription')
    .set({ leaseUntil: sql<Date>`now() + make_interval(secs => ${seconds})` })
    .where('id', '=', subscriptionId)
    .where('leaseToken', '=', token)
    .where('enabled', '=', true)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

export async function releaseLease(db: Db, subscriptionId: string, token: string): Promise<void> {
  await db
    .updateTable('webhookSubscription')
    .set({ leaseUntil: null, leaseToken: null })
    .where('id', '=', subscriptionId)
    .where('leaseToken', '=', token)
    .execute()
}

/** The subscription's oldest pending delivery, with its event: deliveries go in the order events happened. */
export function headDelivery(db: Db, subscriptionId: string) {
  return db
    .selectFrom('webhookDelivery as d')
    .innerJoin('outboxEvent as e', 'e.seq', 'd.eventSeq')
    .select([
      'd.id',
      'd.attemptCount',
      'd.nextAttemptAt',
      'e.id as eventId',
      'e.type',
      'e.body',
      'e.occurredAt',
      sql<boolean>`d.next_attempt_at <= now()`.as('due'),
    ])
    .where('d.subscriptionId', '=', subscriptionId)
    .where('d.status', '=', 'pending')
    .orderBy('d.eventSeq')
    .limit(1)
    .executeTakeFirst()
}

const attemptOf = (answer: Answer) => JSON.stringify([{ at: new Date().toISOString(), ...answer }])

/** Records an attempt: delivered, to be retried at a time, or failed for good. */
export async function recordAttempt(
  db: Db,
  deliveryId: string,
  answer: Answer,
  outcome: { delivered: true } | { retryAt: Date } | { failed: true },
): Promise<void> {
  await db
    .updateTable('webhookDelivery')
    .set({
      attemptCount: sql<number>`attempt_count + 1`,
      attempts: sql`attempts || ${attemptOf(answer)}::jsonb`,
      ...('delivered' in outcome ? { status: 'delivered', deliveredAt: sql<Date>`now()` } : {}),
      ...('retryAt' in outcome ? { nextAttemptAt: outcome.retryAt } : {}),
      ...('failed' in outcome ? { status: 'failed' } : {}),
    })
    .where('id', '=', deliveryId)
    .execute()
}

export interface DeliveryFilter {
  limit: number
  before?: string
  status?: 'pending' | 'delivered' | 'failed'
  only?: string
}

/** A subscription's deliveries, newest event first (keyset on the event's sequence). */
export function listDeliveries(db: Db, subscriptionId: string, filter: DeliveryFilter) {
  let query = db
    .selectFrom('webhookDelivery as d')
    .innerJoin('outboxEvent as e', 'e.seq', 'd.eventSeq')
    .select([
      'd.id',
      'd.eventSeq',
      'e.id as eventId',
      'e.type as eventType',
      'd.status',
      'd.attemptCount',
      sql<Date | null>`case when d.status = 'pending' then d.next_attempt_at end`.as('nextAttemptAt'),
      'd.deliveredAt',
      'd.attempts',
      'd.createdAt',
    ])
    .where('d.subscriptionId', '=', subscriptionId)
  if (filter.before !== undefined) query = query.where('d.eventSeq', '<', filter.before)
  if (filter.status !== undefined) query = query.where('d.status', '=', filter.status)
  if (filter.only !== undefined) query = query.where('d.id', '=', filter.only)
  return query.orderBy('d.eventSeq', 'desc').limit(filter.limit).execute()
}

/** Sends a delivery again from its first attempt; answers false when there is no such delivery. */
export async function resetDelivery(db: Db, subscriptionId: string, deliveryId: string) {
  const row = await db
    .updateTable('webhookDelivery')
    .set({ status: 'pending', attemptCount: 0, nextAttemptAt: sql<Date>`now()`, deliveredAt: null })
    .where('id', '=', deliveryId)
    .where('subscriptionId', '=', subscriptionId)
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Whether the subscription's next delivery is due to be sent now. */
export async function hasDue(db: Db, subscriptionId: string): Promise<boolean> {
  // The oldest pending only: the newer wait behind one whose retry is not due.
  return (await headDelivery(db, subscriptionId))?.due === true
}
