import { randomBytes } from 'node:crypto'
import type { Db } from '../../db/client.js'
import { DELIVER_QUEUE, sendJob } from '../../db/jobs.js'
import type { Actor } from '../../domain/access.js'
import { DomainError, notFound } from '../../domain/errors.js'
import { recordAudit } from '../audit/audit.repository.js'
import { findRecord, type Scope, type Values } from '../resource/resource.repository.js'
import { createResourceService, type WriteHooks } from '../resource/resource.service.js'
import { receiverRefusal, type EgressPolicy } from './egress.js'
import { listDeliveries, resetDelivery, webhookSpec, type DeliveryFilter } from './webhooks.repository.js'

/** Standard Webhooks' form of a secret: whsec_ and 24 random bytes in base64. */
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`

function hooks(policy: EgressPolicy): WriteHooks<'webhookSubscription'> {
  return {
    async beforeWrite(trx, scope, values, existing) {
      if (typeof values.url === 'string') {
        const refusal = await receiverRefusal(policy, values.url)
        if (refusal !== undefined)
          throw new DomainError('WEBHOOK.URL', 'unprocessable', `The receiver's URL ${refusal}.`, [
            { field: 'body.url', message: refusal },
          ])
      }
      if (existing === undefined) return values
      // Enabled again: what waited is sent, from the oldest; the job commits with the change.
      if (values.enabled === true && !existing.enabled) {
        await sendJob(trx, DELIVER_QUEUE, { partnershipId: scope.partnershipId, subscriptionId: existing.id })
        return { ...values, disabledReason: null }
      }
      return values
    },
  }
}

/** Subscriptions (a resource, with the secret shown once), their deliveries, and sending one again. */
export function createWebhookService(db: Db, policy: EgressPolicy) {
  const base = createResourceService(db, webhookSpec, hooks(policy))

  async function requireSubscription(trx: Db, scope: Scope, id: string) {
    const row = await findRecord(trx, webhookSpec, scope, id)
    if (row === undefined) throw notFound(webhookSpec.type)
    return row
  }

  return {
    ...base,
    async create(scope: Scope, actor: Actor, values: Values<'webhookSubscription'>) {
      const secret = newSecret()
      return { ...(await base.create(scope, actor, { ...values, secret })), secret }
    },

    async deliveries(scope: Scope, id: string, filter: DeliveryFilter) {
      await requireSubscription(db, scope, id)
      return listDeliveries(db, id, filter)
    },

    /** The delivery pending again from its first attempt, and the subscription woken to send it. */
    redeliver(scope: Scope, actor: Actor, id: string, deliveryId: string) {
      return db.transaction().execute(async (trx) => {
        const subscription = await requireSubscription(trx, scope, id)
        if (!(await resetDelivery(trx, id, deliveryId))) throw notFound('webhook delivery')
        if (subscription.enabled)
          await sendJob(trx, DELIVER_QUEUE, { partnershipId: scope.partnershipId, subscriptionId: id })
        await recordAudit(trx, actor, {
          partnershipId: scope.partnershipId,
          action: 'update',
          resourceType: 'webhook delivery',
          resourceId: deliveryId,
          before: null,
          after: { status: 'pending', redelivered: true },
        })
        return (await listDeliveries(trx, id, { limit: 1, only: deliveryId }))[0]!
      })
    },
  }
}
