import { sql } from 'kysely'
import type { Db } from '../../db/client.js'
import type { Expression, RuleOp, RuleSeverity } from '../../domain/validation.js'
import type { TableSpec } from '../resource/resource.repository.js'

export const validationRuleSpec: TableSpec<'validationRule'> = {
  table: 'validationRule',
  type: 'validation rule',
  columns: ['name', 'leftSide', 'op', 'rightSide', 'severity', 'message'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
}

export interface StoredRule {
  id: string
  name: string
  leftSide: Expression
  op: RuleOp
  rightSide: Expression
  severity: RuleSeverity
  message: string | null
}

/** The partnership's rules in force. */
export function rulesInForce(db: Db, partnershipId: string) {
  return db
    .selectFrom('validationRule')
    .select(['id', 'name', 'leftSide', 'op', 'rightSide', 'severity', 'message'])
    .where('partnershipId', '=', partnershipId)
    .where('archived', '=', false)
    .orderBy('name')
    .execute() as Promise<StoredRule[]>
}

export interface FigureKey {
  indicatorId: string
  areaId: string
  period: string
}

/** The stored figures (as numbers) of the keys asked for. */
export async function figuresAt(db: Db, partnershipId: string, keys: readonly FigureKey[]) {
  if (keys.length === 0) return new Map<string, number>()
  const { rows } = await sql<{ key: string; value: number }>`
    select m.indicator_id || '|' || m.area_id || '|' || m.period as key, m.value::float8 as value
    from unnest(${keys.map((k) => k.indicatorId)}::uuid[], ${keys.map((k) => k.areaId)}::uuid[], ${keys.map((k) => k.period)}::text[]) as k(i, a, p)
    join measurement m on m.partnership_id = ${partnershipId} and m.indicator_id = k.i and m.area_id = k.a and m.period = k.p`.execute(
    db.withoutPlugins(),
  )
  return new Map(rows.map((r) => [r.key, r.value]))
}

/** The areas and their parents, to check a rule at an area against its parent's figure. */
export function areaParents(db: Db, partnershipId: string) {
  return db.selectFrom('area').select(['id', 'parentId']).where('partnershipId', '=', partnershipId).execute()
}

/** Where rules can be checked on demand: every (indicator, area, period) with a figure in a window. */
export async function figuresBetween(db: Db, partnershipId: string, indicatorIds: string[], from: string, to: string) {
  if (indicatorIds.length === 0) return []
  const { rows } = await sql<FigureKey & { value: number }>`
    select indicator_id as "indicatorId", area_id as "areaId", period, value::float8 as value from measurement
    where partnership_id = ${partnershipId} and indicator_id = any(${indicatorIds}::uuid[])
      and period_start >= ${from} and period_start <= ${to}`.execute(db.withoutPlugins())
  return rows
}
