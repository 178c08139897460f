import type { Db } from '../../db/client.js'
import { requireAuthor, type Actor } from '../../domain/access.js'
import { DomainError, notFound } from '../../domain/errors.js'
import { requireDone } from '../../domain/periods.js'
import { today } from '../../http/clock.js'
import {
  bandOf,
  checkFits,
  checkScale,
  directionOf,
  heatmap,
  movement,
  reviewDueOn,
  riskFlags,
  scoreOf,
  type AssessmentFacts,
  type Cell,
  type Exposure,
  type RiskScale,
} from '../../domain/risks/index.js'
import { recordAudit } from '../audit/audit.repository.js'
import { partnershipName } from '../partnerships/partnerships.repository.js'
import { findRecord, listRecords, type Row, type Scope } from '../resource/resource.repository.js'
import {
  checkIfMatch,
  checkIfMatchWhenSent,
  createResourceService,
  withView,
  type WriteHooks,
} from '../resource/resource.service.js'
import {
  assessmentSpec,
  riskOpenness,
  riskSettings,
  riskSpec,
  saveRiskSettings,
  standingAssessments,
  syncCurrentScore,
  withdrawAssessment,
} from './risks.repository.js'

type Standing = Awaited<ReturnType<typeof standingAssessments>>[number]

const cellOf = (likelihood: number | null, impact: number | null): Cell | null =>
  likelihood === null || impact === null ? null : { likelihood, impact }

const toFacts = (rows: readonly Standing[]): AssessmentFacts[] =>
  rows.map((r, order) => ({
    riskId: r.riskId,
    reference: r.reference,
    assessedOn: r.assessedOn,
    order,
    inherent: cellOf(r.inherentLikelihood, r.inherentImpact)!,
    current: cellOf(r.currentLikelihood, r.currentImpact)!,
    target: cellOf(r.targetLikelihood, r.targetImpact),
  }))

const riskHooks: WriteHooks<'risk'> = {
  async beforeWrite(_trx, _scope, values, existing) {
    const merged = { ...existing, ...values }
    if (((merged.closedOn ?? null) === null) !== ((merged.closedReason ?? null) === null))
      throw new DomainError('RISK.CLOSING', 'unprocessable', 'A risk is closed on a date with a reason: send both.', [
        { field: 'body.closedReason', message: 'closedOn and closedReason go together' },
      ])
    return values
  },
}

const outOfScale = (field: string, levels: number) =>
  new DomainError('RISK.SCALE', 'unprocessable', `The partnership's scale runs from 1 to ${levels}.`, [
    { field: `body.${field}`, message: `must be from 1 to ${levels}` },
  ])

const assessmentHooks: WriteHooks<'riskAssessment'> = {
  // An assessment is made on the scale in force, by whoever the token says; it is never edited.
  async beforeWrite(trx, scope, values, _existing, actor) {
    if (values.assessedOn !== undefined) requireDone(values.assessedOn, today(), 'body.assessedOn', 'An assessment')
    const risk = await riskOpenness(trx, scope.partnershipId, scope.parentId!)
    if (risk === undefined) throw notFound('risk')
    if (risk.closedOn !== null)
      throw new DomainError(
        'RISK.CLOSED',
        'conflict',
        `The risk was closed on ${risk.closedOn}: reopen it to assess it.`,
      )
    const scale = await riskSettings(trx, scope.partnershipId)
    for (const exposure of ['inherent', 'current', 'target'] as const) {
      const likelihood = values[`${exposure}Likelihood`] as number | null | undefined
      const impact = values[`${exposure}Impact`] as number | null | undefined
      if (((likelihood ?? null) === null) !== ((impact ?? null) === null))
        throw new DomainError(
          'RISK.ASSESSMENT',
          'unprocessable',
          `A ${exposure} exposure has a likelihood and an impact.`,
          [{ field: `body.${exposure}Impact`, message: `goes with ${exposure}Likelihood` }],
        )
      if (likelihood != null && likelihood > scale.likelihoodLevels)
        throw outOfScale(`${exposure}Likelihood`, scale.likelihoodLevels)
      if (impact != null && impact > scale.impactLevels) throw outOfScale(`${exposure}Impact`, scale.impactLevels)
    }
    return {
      ...values,
      assessor: actor.subject,
      likelihoodLevels: scale.likelihoodLevels,
      impactLevels: scale.impactLevels,
    }
  },
  async afterWrite(trx, scope) {
    await syncCurrentScore(trx, scope.partnershipId, scope.parentId!)
  },
}

export type RiskRow = Row<'risk'>

export function createRiskService(db: Db) {
  const risks = createResourceService(db, riskSpec, riskHooks)
  const assessments = createResourceService(db, assessmentSpec, assessmentHooks)

  /** Each risk on a date: its latest exposures scored and banded, its trend, review date and flags. */
  async function view(scope: Scope, rows: RiskRow[], asOf: string) {
    const [scale, standing] = await Promise.all([
      riskSettings(db, scope.partnershipId),
      standingAssessments(
        db,
        scope.partnershipId,
        rows.map((r) => r.id),
      ),
    ])
    const facts = toFacts(standing).filter((f) => f.assessedOn <= asOf)
    const scored = (cell: Cell | null) =>
      cell === null
        ? null
        : {
            ...cell,
            score: scoreOf(cell.likelihood, cell.impact),
            band: bandOf(scoreOf(cell.likelihood, cell.impact), scale),
          }
    return rows.map((row) => {
      const mine = facts.filter((f) => f.riskId === row.id)
      const [previous, latest] = [mine.at(-2), mine.at(-1)]
      const ctx = {
        open: row.closedOn === null || row.closedOn > asOf,
        createdOn: row.createdAt.toISOString().slice(0, 10),
        reviewIntervalMonths: row.reviewIntervalMonths,
        treatingActions: (row.actionIds as string[]).length,
        assessments: mine,
        asOf,
      }
      return {
        ...row,
        view: {
          asOf,
          assessedOn: latest?.assessedOn ?? null,
          inherent: scored(latest?.inherent ?? null),
          current: scored(latest?.current ?? null),
          target: scored(latest?.target ?? null),
          trend:
            latest === undefined ? ('unassessed' as const) : directionOf(previous?.current ?? null, latest.current),
          reviewDueOn: reviewDueOn(ctx),
          flags: riskFlags(ctx, scale),
        },
      }
    })
  }
  type Viewed = Awaited<ReturnType<typeof view>>[number]
  const allViewed = async (scope: Scope, asOf: string) =>
    view(scope, (await listRecords(db, riskSpec, scope, { limit: 10_000 }, [])).items as RiskRow[], asOf)

  /** Everything a heat map reads: each standing assessment of a risk still open on the date. */
  async function factsAt(scope: Scope, at: string) {
    const standing = await standingAssessments(db, scope.partnershipId)
    return toFacts(standing.filter((s) => s.closedOn === null || s.closedOn > at))
  }

  return {
    assessments,
    risks: withView(risks, view, {
      keys: ['flag', 'band'],
      wanted: (row, { flag, band }) =>
        (flag === undefined || row.view.flags.some((f) => f.flag === flag)) &&
        (band === undefined || row.view.current?.band === band),
    }),

    /** A mistaken assessment is withdrawn with a reason by its assessor or an admin, never edited or deleted. */
    withdraw(scope: Scope, actor: Actor, id: string, reason: string, ifMatch: string | undefined) {
      return db.transaction().execute(async (trx) => {
        const existing = await findRecord(trx, assessmentSpec, scope, id, true)
        if (existing === undefined) throw notFound('risk assessment')
        checkIfMatchWhenSent(ifMatch, existing.version)
        if (existing.withdrawnAt !== null)
          throw new DomainError(
            'RISK.WITHDRAWN',
            'conflict',
            `This assessment was withdrawn: ${existing.withdrawnReason}`,
          )
        requireAuthor({ author: existing.assessor, what: 'assessment', code: 'RISK.NOT_ASSESSOR' }, actor, 'change')
        await withdrawAssessment(trx, scope.partnershipId, id, actor.subject, reason)
        await syncCurrentScore(trx, scope.partnershipId, scope.parentId!)
        const after = (await findRecord(trx, assessmentSpec, scope, id))!
        await recordAudit(trx, actor, {
          partnershipId: scope.partnershipId,
          action: 'update',
          resourceType: assessmentSpec.type,
          resourceId: id,
          before: existing,
          after,
        })
        return after
      })
    },

    settings: (scope: Scope) => riskSettings(db, scope.partnershipId),
    partnershipName: async (scope: Scope) => (await partnershipName(db, scope.partnershipId)).name,

    /** A scale change is checked in itself and against the latest assessments of open risks; history stays. */
    updateSettings(scope: Scope, actor: Actor, ifMatch: string | undefined, values: Partial<RiskScale>) {
      return db.transaction().execute(async (trx) => {
        const { version, ...current } = await riskSettings(trx, scope.partnershipId, true)
        checkIfMatch(ifMatch, version)
        const merged = { ...current, ...values }
        checkScale(merged)
        const standing = toFacts(
          (await standingAssessments(trx, scope.partnershipId)).filter((s) => s.closedOn === null),
        )
        // Every standing assessment of an open risk, not only the latest: withdrawing a later one makes an
        // earlier one current again, and it must still fit.
        checkFits(
          merged,
          standing.map((a) => ({
            reference: a.reference,
            assessedOn: a.assessedOn,
            likelihoods: [a.inherent, a.current, a.target].flatMap((c) => (c === null ? [] : [c.likelihood])),
            impacts: [a.inherent, a.current, a.target].flatMap((c) => (c === null ? [] : [c.impact])),
          })),
        )
        const saved = await saveRiskSettings(trx, scope.partnershipId, merged)
        await recordAudit(trx, actor, {
          partnershipId: scope.partnershipId,
          action: 'update',
          resourceType: 'risk settings',
          resourceId: scope.partnershipId,
          before: { ...current, version },
          after: saved,
        })
        return saved
      })
    },

    async heatmap(scope: Scope, exposure: Exposure, at: string, compareTo: string | undefined) {
      const [scale, facts] = await Promise.all([riskSettings(db, scope.partnershipId), factsAt(scope, at)])
      const map = heatmap(facts, at, exposure, scale)
      if (compareTo === undefined) return map
      if (compareTo > at)
        throw new DomainError('RISK.COMPARE', 'validation', 'compareTo is the earlier date.', [
          { field: 'querystring.compareTo', message: `must be on or before ${at}` },
        ])
      return { ...map, movement: movement(facts, compareTo, at, exposure) }
    },

    /** The register: every risk on the date, by current score, highest first. */
    async register(scope: Scope, asOf: string) {
      const items = await allViewed(scope, asOf)
      const score = (r: Viewed) => r.view.current?.score ?? 0
      items.sort((a, b) => score(b) - score(a) || a.reference.localeCompare(b.reference, 'en-GB', { numeric: true }))
      return { asOf, items }
    },
  }
}
