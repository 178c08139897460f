import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { Webhook } from 'standardwebhooks'
import type { Db } from '../../db/client.js'
import { DELIVER_QUEUE, sendJob } from '../../db/jobs.js'
import { asTenant } from '../../db/tenancy.js'
import { afterFailure, delivered, payloadOf } from '../../domain/webhooks.js'
import { recordAudit } from '../audit/audit.repository.js'
import { post, type Answer, type EgressPolicy } from './egress.js'
import { hasDue, headDelivery, recordAttempt, releaseLease, renewLease, takeLease } from './webhooks.repository.js'

export interface DeliverySettings {
  policy: EgressPolicy
  retrySeconds: readonly number[]
  leaseSeconds: number
  userAgent: string
}

export interface DeliverJob {
  partnershipId: string
  subscriptionId: string
}

/** What the service records as the actor of what it does on its own (disabling a failing subscription). */
const SERVICE_ACTOR = { subject: 'service:webhooks', requestId: 'webhook-delivery' }

/**
 * Sends a subscription's pending deliveries, oldest event first, one at a time, while this instance
 * holds its lease. A failure stops the line (a receiver that is down gets nothing newer until it takes
 * the older), and the next attempt is a job for when its wait is over; after the last, the delivery
 * fails and the subscription is disabled, saying why. A job that finds the lease held leaves its
 * delivery to the holder, which looks again once it has let go (so what committed meanwhile is sent,
 * and a burst of events costs one job's work, not one retried job each). An instance that dies
 * mid-delivery holds the lease only until it runs out, and its job is expired and retried by the
 * queue: the delivery is sent again, with the same webhook-id, so the receiver can tell.
 */
export function deliverPending(db: Db, settings: DeliverySettings, job: DeliverJob): Promise<void> {
  return asTenant(job.partnershipId, async () => {
    while ((await sendWhileHeld(db, settings, job)) === 'let go' && (await hasDue(db, job.subscriptionId))) {
      // Due deliveries that arrived while the lease was held: their jobs left them to this one.
    }
  })
}

/** One lease's sending: 'busy' (another holds it, or nothing may be sent), 'handed on' or 'let go'. */
async function sendWhileHeld(db: Db, settings: DeliverySettings, job: DeliverJob) {
  const token = randomUUID()
  const subscription = await takeLease(db, job.subscriptionId, token, settings.leaseSeconds)
  if (subscription === undefined) return 'busy' as const
  const signer = new Webhook(subscription.secret)
  // A lease's worth of sending, leaving room for the last one to be answered; then a fresh job goes on.
  const until = Date.now() + settings.leaseSeconds * 1000 - settings.policy.timeoutMs - 1000
  try {
    for (;;) {
      const head = await headDelivery(db, job.subscriptionId)
      // A head not due yet has its job, sent when it failed.
      if (head === undefined || !head.due) return 'let go' as const
      if (Date.now() > until || !(await renewLease(db, job.subscriptionId, token, settings.leaseSeconds))) {
        await sendJob(db, DELIVER_QUEUE, job)
        return 'handed on' as const
      }
      const payload = payloadOf(head)
      const now = new Date()
      const headers = {
        'webhook-id': head.eventId,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signer.sign(head.eventId, now, payload),
        'user-agent': settings.userAgent,
      }
      const answer = await post(settings.policy, subscription.url, headers, payload)
      if (answer.status !== null && delivered(answer.status)) {
        await recordAttempt(db, head.id, answer, { delivered: true })
        continue
      }
      await failed(db, settings, job, head, answer)
      return 'let go' as const
    }
  } finally {
    await releaseLease(db, job.subscriptionId, token)
  }
}

async function failed(
  db: Db,
  settings: DeliverySettings,
  job: DeliverJob,
  head: { id: string; attemptCount: number; eventId: string },
  answer: Answer,
): Promise<void> {
  const next = afterFailure(head.attemptCount + 1, settings.retrySeconds)
  await db.transaction().execute(async (trx) => {
    if ('retryInSeconds' in next) {
      const retryAt = new Date(Date.now() + next.retryInSeconds * 1000)
      await recordAttempt(trx, head.id, answer, { retryAt })
      await sendJob(trx, DELIVER_QUEUE, job, retryAt)
      return
    }
    await recordAttempt(trx, head.id, answer, { failed: true })
    const why = answer.status !== null ? `answered ${answer.status}` : answer.error
    const reason = `Event ${head.eventId} failed ${head.attemptCount + 1} times over about a day (last: ${why}); nothing is sent until it is enabled again.`
    const before = await trx
      .selectFrom('webhookSubscription')
      .select(['id', 'enabled', 'disabledReason', 'version'])
      .where('id', '=', job.subscriptionId)
      .executeTakeFirstOrThrow()
    const after = await trx
      .updateTable('webhookSubscription')
      .set({ enabled: false, disabledReason: reason, version: sql`version + 1`, updatedAt: sql`now()` })
      .where('id', '=', job.subscriptionId)
      .returning(['id', 'enabled', 'disabledReason', 'version'])
      .executeTakeFirstOrThrow()
    await recordAudit(trx, SERVICE_ACTOR, {
      partnershipId: job.partnershipId,
      action: 'update',
      resourceType: 'webhook',
      resourceId: job.subscriptionId,
      before,
      after,
    })
  })
}
