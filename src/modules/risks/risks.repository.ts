import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import { DEFAULT_SCALE, type RiskScale } from '../../domain/risks/index.js'
import type { TableSpec } from '../resource/resource.repository.js'

export const riskSpec: TableSpec<'risk'> = {
  table: 'risk',
  type: 'risk',
  columns: [
    'reference',
    'title',
    'description',
    'category',
    'ownerName',
    'ownerAgencyId',
    'priorityId',
    'objectiveId',
    'controls',
    'priorityActions',
    'reviewIntervalMonths',
    'closedOn',
    'closedReason',
    'currentScore',
  ],
  sorts: { reference: 'reference', currentScore: 'currentScore', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: ['title', 'reference'],
  links: [
    {
      field: 'actionIds',
      table: 'riskAction',
      owner: 'riskId',
      column: 'actionItemId',
      target: 'actionItem',
      filter: 'actionId',
    },
  ],
}

export const assessmentSpec: TableSpec<'riskAssessment'> = {
  table: 'riskAssessment',
  type: 'risk assessment',
  columns: [
    'riskId',
    'assessedOn',
    'assessor',
    'likelihoodLevels',
    'impactLevels',
    'inherentLikelihood',
    'inherentImpact',
    'currentLikelihood',
    'currentImpact',
    'targetLikelihood',
    'targetImpact',
    'inherentScore',
    'currentScore',
    'targetScore',
    'note',
    'withdrawnBy',
    'withdrawnReason',
    'withdrawnAt',
  ],
  sorts: { assessedOn: 'assessedOn', createdAt: 'createdAt' },
  search: 'note',
  parent: { column: 'riskId', param: 'riskId', table: 'risk', type: 'risk' },
}

const SETTING_COLUMNS = [
  'likelihoodLevels',
  'impactLevels',
  'likelihoodLabels',
  'impactLabels',
  'mediumFrom',
  'highFrom',
  'veryHighFrom',
  'appetite',
  'version',
] as const

/** The partnership's scale as stored, or the defaults (version 0) until one is set. */
export async function riskSettings(
  db: Db,
  partnershipId: string,
  lock = false,
): Promise<RiskScale & { likelihoodLabels: string[]; impactLabels: string[]; version: number }> {
  let query = db.selectFrom('riskSetting').select(SETTING_COLUMNS).where('partnershipId', '=', partnershipId)
  if (lock) query = query.forUpdate()
  return (await query.executeTakeFirst()) ?? { ...DEFAULT_SCALE, likelihoodLabels: [], impactLabels: [], version: 0 }
}

export function saveRiskSettings(trx: Db, partnershipId: string, scale: RiskScale) {
  return trx
    .insertInto('riskSetting')
    .values({
      ...scale,
      likelihoodLabels: [...scale.likelihoodLabels],
      impactLabels: [...scale.impactLabels],
      partnershipId,
    })
    .onConflict((oc) =>
      oc.column('partnershipId').doUpdateSet({
        ...scale,
        likelihoodLabels: [...scale.likelihoodLabels],
        impactLabels: [...scale.impactLabels],
        version: sql`risk_setting.version + 1`,
        updatedAt: sql`now()`,
      }),
    )
    .returning(SETTING_COLUMNS)
    .executeTakeFirstOrThrow()
}

/** Every assessment standing (not withdrawn) of the partnership's risks, in the order they were made. */
export function standingAssessments(db: Db, partnershipId: string, riskIds?: readonly string[]) {
  let query = db
    .selectFrom('riskAssessment')
    .innerJoin('risk', 'risk.id', 'riskAssessment.riskId')
    .select([
      'riskAssessment.riskId',
      'risk.reference',
      'risk.closedOn',
      'riskAssessment.assessedOn',
      'riskAssessment.inherentLikelihood',
      'riskAssessment.inherentImpact',
      'riskAssessment.currentLikelihood',
      'riskAssessment.currentImpact',
      'riskAssessment.targetLikelihood',
      'riskAssessment.targetImpact',
    ])
    .where('riskAssessment.partnershipId', '=', partnershipId)
    .where('riskAssessment.withdrawnAt', 'is', null)
    .where('risk.archived', '=', false)
  if (riskIds !== undefined) {
    if (riskIds.length === 0) return Promise.resolve([])
    query = query.where('riskAssessment.riskId', 'in', riskIds)
  }
  return query
    .orderBy('riskAssessment.assessedOn')
    .orderBy('riskAssessment.createdAt')
    .orderBy('riskAssessment.id')
    .execute()
}

/** Keeps the risk's sortable current score: its latest standing assessment's, or 0. */
export async function syncCurrentScore(trx: Db, partnershipId: string, riskId: string): Promise<void> {
  await sql`
    update risk set current_score = coalesce((
      select a.current_score from risk_assessment a
      where a.partnership_id = ${partnershipId} and a.risk_id = ${riskId} and a.withdrawn_at is null
      order by a.assessed_on desc, a.created_at desc, a.id desc limit 1
    ), 0)
    where partnership_id = ${partnershipId} and id = ${riskId}
  `.execute(trx)
}

export function riskOpenness(trx: Db, partnershipId: string, id: string) {
  return trx
    .selectFrom('risk')
    .select(['id', 'closedOn'])
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

export function withdrawAssessment(trx: Db, partnershipId: string, id: string, by: string, reason: string) {
  return trx
    .updateTable('riskAssessment')
    .set({
      withdrawnBy: by,
      withdrawnReason: reason,
      withdrawnAt: sql`now()`,
      version: sql`version + 1`,
      updatedAt: sql`now()`,
    })
    .where('partnershipId', '=', partnershipId)
    .where('id', '=', id)
    .execute()
}
