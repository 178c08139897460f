import type { Db } from '../../db/client.js'
import { CHECK_QUEUE, sendJob } from '../../db/jobs.js'

/** A write naming more indicators than this is checked on these (a backfill of everything is not news). */
const MOST_INDICATORS = 50

/** Figures written, to be judged after the write (evaluation.check.ts). */
export interface CheckJob {
  partnershipId: string
  /** Each indicator written, with the latest period written for it. */
  latest: Array<{ indicatorId: string; period: string }>
}

/** The latest period written for each indicator, kept across a write's chunks. */
export class WrittenLatest {
  private readonly latest = new Map<string, { period: string; start: string }>()

  add(figures: { indicatorId: readonly string[]; period: readonly string[]; periodStart: readonly string[] }) {
    figures.indicatorId.forEach((indicatorId, i) => {
      const seen = this.latest.get(indicatorId)
      const start = figures.periodStart[i]!
      if (seen === undefined || start > seen.start) this.latest.set(indicatorId, { period: figures.period[i]!, start })
    })
  }

  /** Queues the check with the write (it exists only if the write commits): judging is not the write's wait. */
  async queue(trx: Db, partnershipId: string): Promise<void> {
    if (this.latest.size === 0) return
    const latest = [...this.latest]
      .sort(([, a], [, b]) => b.start.localeCompare(a.start))
      .slice(0, MOST_INDICATORS)
      .map(([indicatorId, { period }]) => ({ indicatorId, period }))
    await sendJob(trx, CHECK_QUEUE, { partnershipId, latest } satisfies CheckJob)
  }
}
