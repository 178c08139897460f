import type { Db } from '../../db/client.js'
import { notFound } from '../../domain/errors.js'
import { periodPage } from '../../http/paging.js'
import { dateRange, dateWindow, parsePeriod } from '../../domain/periods.js'
import { latestCommentary } from '../evaluation/evaluation.repository.js'
import {
  closingDay,
  createEvaluationService,
  type EvaluationFilter,
  type Tenant,
} from '../evaluation/evaluation.service.js'
import { listPublished } from '../measurements/measurements.service.js'
import { issuedRound, issuedRounds, publicCatalogue, publicPartnership } from './public.repository.js'
import type { PublicEvaluatedItemView, PublicItemView } from './public.schemas.js'

/** A partnership open to the public, as its reads need it. */
export interface PublicTenant {
  id: string
  slug: string
  name: string
  financialYearStartMonth: number
}

/** What the public view judges on: published figures alone, whatever else the partnership holds. */
const onPublished = (tenant: PublicTenant): Tenant => ({
  id: tenant.id,
  financialYearStartMonth: tenant.financialYearStartMonth,
  reading: { minimumStatus: 'published', asViewer: true },
})

type Evaluated = Awaited<ReturnType<ReturnType<typeof createEvaluationService>['evaluatePartnership']>>['items'][number]

/** An evaluated item as the public reads it: named fields only, and no data query. */
function publicItem({ indicator, area, evaluation: e }: Evaluated): PublicItemView {
  return {
    indicator: { id: indicator.id, reference: indicator.reference, name: indicator.name },
    area: { id: area.id, name: area.name, code: area.code },
    evaluation: {
      evaluatedPeriod: e.evaluatedPeriod,
      targetPeriod: e.targetPeriod,
      actual: {
        period: e.actual.period,
        ytd: e.actual.ytd,
        rolling12: e.actual.rolling12,
        rolling12Complete: e.actual.rolling12Complete,
      },
      target: {
        status: e.target.status,
        year: e.target.year,
        period: e.target.period,
        tolerancePercent: e.target.tolerancePercent,
      },
      comparison: {
        basis: e.comparison.basis,
        actual: e.comparison.actual,
        target: e.comparison.target,
        variance: e.comparison.variance,
        relativeVariancePercent: e.comparison.relativeVariancePercent,
        judgement: e.comparison.judgement,
      },
      rag: e.rag,
      ragReason: e.ragReason,
      flags: e.flags
        .filter((f) => f.flag !== 'data_query')
        .map((f) => ({
          flag: f.flag as Exclude<typeof f.flag, 'data_query'>,
          direction: f.direction,
          reason: f.reason,
        })),
    },
  }
}

const roundOf = (round: Awaited<ReturnType<typeof issuedRounds>>[number]) => ({
  id: round.id,
  period: round.period,
  periodStart: round.periodStart,
  periodEnd: round.periodEnd,
  strategicMeetingOn: round.strategicMeetingOn,
  issuedOn: round.issuedAt!.toISOString().slice(0, 10),
})

/** The public view of partnerships that opted in (issue 27): read-only, published figures only. */
export function createPublicService(db: Db) {
  const evaluation = createEvaluationService(db)

  return {
    /** The partnership by slug when it opted in; 404 otherwise, as for one that does not exist. */
    async tenant(slug: string): Promise<PublicTenant> {
      const row = await publicPartnership(db, slug)
      if (row === undefined) throw notFound('partnership')
      return row
    },

    async profile(tenant: PublicTenant) {
      return {
        slug: tenant.slug,
        name: tenant.name,
        financialYearStartMonth: tenant.financialYearStartMonth,
        ...(await publicCatalogue(db, tenant.id)),
      }
    },

    /** Published figures, a page at a time, in period order. */
    async figures(
      tenant: PublicTenant,
      query: { indicatorId?: string; areaId?: string; from?: string; to?: string; limit?: number; cursor?: string },
    ) {
      const { cursor, limit = 100, ...asked } = query
      const filter = dateWindow(asked, tenant.financialYearStartMonth, 'MEASUREMENT.RANGE')
      return periodPage('public-figures', filter, { cursor, limit }, (keyset) =>
        listPublished(db, tenant.id, { ...filter, ...keyset }),
      )
    },

    /**
     * Every indicator and area judged on the published figures, as on the period's last day (or today),
     * each with the latest comment on it up to the period that an officer marked public.
     */
    async evaluation(tenant: PublicTenant, period: string, filter: EvaluationFilter) {
      const asOf = closingDay(period, tenant.financialYearStartMonth)
      const upTo = dateRange(parsePeriod(period, tenant.financialYearStartMonth)).end
      const [evaluated, comments] = await Promise.all([
        evaluation.evaluatePartnership(onPublished(tenant), period, asOf, filter),
        latestCommentary(db, tenant.id, upTo, undefined, true),
      ])
      const commentOf = new Map(comments.map((c) => [`${c.indicatorId}|${c.areaId}`, c]))
      const items = evaluated.items.map((item): PublicEvaluatedItemView => {
        const comment = commentOf.get(`${item.indicator.id}|${item.area.id}`)
        return {
          ...publicItem(item),
          commentary:
            comment === undefined
              ? null
              : { period: comment.period, body: comment.body, updatedAt: comment.updatedAt.toISOString() },
        }
      })
      return { period: evaluated.period, asOf, items }
    },

    async rounds(tenant: PublicTenant) {
      return { items: (await issuedRounds(db, tenant.id)).map(roundOf) }
    },

    /**
     * An issued round's period by priority, judged as the round was (on its period's last day, or on the
     * day of issue if sooner) on its figures as they stood at the issue, of those only the ones published.
     * PMG's curation, the groups' commentary and the Strategic Group's responses are the partnership's own.
     */
    async roundReport(tenant: PublicTenant, id: string) {
      const round = await issuedRound(db, tenant.id, id)
      if (round === undefined) throw notFound('round')
      const shown = roundOf(round)
      const asOf = round.periodEnd < shown.issuedOn ? round.periodEnd : shown.issuedOn
      const [evaluated, { priorities }] = await Promise.all([
        evaluation.evaluatePartnership(onPublished(tenant), round.period, asOf, {}, round.issuedAt!),
        publicCatalogue(db, tenant.id),
      ])
      const groups = [
        ...priorities.map((p) => ({
          priority: { id: p.id, code: p.code, name: p.name },
          items: evaluated.items.filter((i) => i.indicator.priorityIds.includes(p.id)).map(publicItem),
        })),
        {
          priority: { id: null, code: null, name: 'Other indicators' },
          items: evaluated.items.filter((i) => i.indicator.priorityIds.length === 0).map(publicItem),
        },
      ]
      return { round: shown, asOf, priorities: groups.filter((g) => g.items.length > 0) }
    },
  }
}
