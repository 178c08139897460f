import type { Db } from '../../db/client.js'
import { asTenant } from '../../db/tenancy.js'
import { today } from '../../http/clock.js'
import { recordEvent } from '../events/events.repository.js'
import type { CheckJob } from './evaluation.queue.js'
import { createEvaluationService } from './evaluation.service.js'

/** The bad flags a new figure can raise that other systems are told of (data_query is told on arrival). */
const TOLD = new Set(['off_target', 'significant_deterioration'])
/**
 * Judges the indicators a write touched at the period it reached, and tells a bad flag the first time
 * it is seen for an indicator, area and period (evaluation.flag_raised): the outbox's dedupe key is the
 * memory of what was told, so a figure sent again, or a check run twice, tells nothing new.
 */
export function checkWritten(db: Db, job: CheckJob): Promise<number> {
  return asTenant(job.partnershipId, async () => {
    const partnership = await db
      .selectFrom('partnership')
      .select(['id', 'financialYearStartMonth'])
      .where('id', '=', job.partnershipId)
      .executeTakeFirst()
    if (partnership === undefined) return 0
    const evaluation = createEvaluationService(db)
    const asOf = today()
    // One evaluation per period reached serves every indicator that reached it: it reads the whole
    // partnership whatever it is asked to keep.
    const byPeriod = new Map<string, Set<string>>()
    for (const { indicatorId, period } of job.latest)
      byPeriod.set(period, (byPeriod.get(period) ?? new Set()).add(indicatorId))
    let raised = 0
    for (const [period, indicatorIds] of byPeriod) {
      const { items } = await evaluation.evaluatePartnership(partnership, period, asOf)
      const flagged = items
        .filter((item) => indicatorIds.has(item.indicator.id))
        .flatMap((item) =>
          item.evaluation.flags
            .filter((f) => f.direction === 'bad' && TOLD.has(f.flag))
            .map((f) => ({ item, flag: f })),
        )
      if (flagged.length === 0) continue
      raised += await db.transaction().execute(async (trx) => {
        let told = 0
        for (const { item, flag } of flagged) {
          const key = `flag:${flag.flag}:${item.indicator.id}:${item.area.id}:${item.evaluation.evaluatedPeriod}`
          const body = {
            flag: flag.flag,
            reason: flag.reason,
            indicatorId: item.indicator.id,
            reference: item.indicator.reference,
            areaId: item.area.id,
            areaCode: item.area.code,
            period: item.evaluation.evaluatedPeriod,
            rag: item.evaluation.rag,
          }
          if ((await recordEvent(trx, job.partnershipId, 'evaluation.flag_raised', body, key)) !== undefined) told++
        }
        return told
      })
    }
    return raised
  })
}
