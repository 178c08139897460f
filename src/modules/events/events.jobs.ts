import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import PgBoss from 'pg-boss'
import type { Config } from '../../config.js'
import { CHECK_QUEUE, DELIVER_QUEUE, DUE_QUEUE, JOB_SCHEMA, jobsOver } from '../../db/jobs.js'
import { today } from '../../http/clock.js'
import { egressPolicy } from '../webhooks/egress.js'
import { deliverPending, type DeliverJob } from '../webhooks/webhooks.delivery.js'
import { checkWritten } from '../evaluation/evaluation.check.js'
import type { CheckJob } from '../evaluation/evaluation.queue.js'
import { raiseDueEventsEverywhere } from './events.due.js'

/**
 * The instance's share of the job queue's work (STYLE 19): when WEBHOOK_DELIVERY is on, workers that
 * send webhook deliveries and, every hour, raise the events that fall on a day, on the service's own
 * pool; every instance may run them, and the queue gives each job to one. Its maintenance (expiring the
 * jobs of an instance that died) and its clock (sending the hourly job once) run on whichever instance's
 * turn it is.
 */
async function jobsPlugin(app: FastifyInstance, opts: { config: Config; userAgent: string }): Promise<void> {
  const { webhooks, http } = opts.config
  if (!webhooks.deliver) return
  const boss = new PgBoss({
    schema: JOB_SCHEMA,
    db: jobsOver(app.db),
    migrate: false,
    schedule: true,
    supervise: true,
    maintenanceIntervalSeconds: Math.min(120, webhooks.leaseSeconds),
  })
  boss.on('error', (err) => app.log.warn({ err }, 'job queue'))
  const settings = {
    policy: egressPolicy(opts.config),
    retrySeconds: webhooks.retrySeconds,
    leaseSeconds: webhooks.leaseSeconds,
    userAgent: opts.userAgent,
  }
  // One job at a time for each worker; an idle one asks again after pollSeconds.
  const polling = { pollingIntervalSeconds: webhooks.pollSeconds, batchSize: 1 }
  app.addHook('onReady', async () => {
    await boss.start()
    // A job outlives its lease a little: an instance that died is noticed once both have run out.
    await boss.updateQueue(DELIVER_QUEUE, {
      name: DELIVER_QUEUE,
      expireInSeconds: webhooks.leaseSeconds + 5,
    })
    // Several workers, so that one slow receiver does not hold the others' deliveries up.
    for (let i = 0; i < WORKERS; i++)
      await boss.work<DeliverJob>(DELIVER_QUEUE, polling, async ([job]) => deliverPending(app.db, settings, job!.data))
    await boss.work<CheckJob>(CHECK_QUEUE, polling, async ([job]) => void (await checkWritten(app.db, job!.data)))
    await boss.work(DUE_QUEUE, polling, async () => void (await raiseDueEventsEverywhere(app.db, today())))
  })
  app.addHook('onClose', async () => {
    await boss.stop({ graceful: true, wait: true, close: false, timeout: Math.max(1000, http.shutdownGraceMs / 2) })
  })
}

const WORKERS = 4

export default fp(jobsPlugin, { name: 'jobs', dependencies: ['db'] })
