import { DomainError } from '../../domain/errors.js'
import { dateRange } from '../../domain/periods.js'
import { checkProfile, settleTarget, targetPeriod, type Profile, type TargetInput } from '../../domain/targets.js'
import type { TableSpec } from '../resource/resource.repository.js'
import type { WriteHooks } from '../resource/resource.service.js'
import { targetContext } from './targets.repository.js'

export const targetSpec: TableSpec = {
  table: 'target',
  type: 'target',
  columns: [
    'indicatorId', 'areaId', 'period', 'periodStart', 'periodEnd', 'status', 'baselineValue', 'baselinePeriod',
    'changePercent', 'targetValue', 'derivation', 'tolerancePercent', 'profile',
  ],
  sorts: { periodStart: 'periodStart', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'period',
  filters: ['indicatorId', 'areaId', 'period', 'status'],
}

const fixed = (field: string) =>
  new DomainError('TARGET.FIXED', 'validation', `${field} cannot change: create another target instead.`, [{ field: `body.${field}`, message: 'cannot change' }])

export const targetHooks: WriteHooks = {
  // Settles the stored figures from what was sent, so a derived target is always the rule's result.
  async beforeWrite(trx, scope, values, existing) {
    for (const field of ['indicatorId', 'areaId', 'period'] as const) {
      if (existing !== undefined && field in values && values[field] !== existing[field]) throw fixed(field)
    }
    const merged: Record<string, unknown> = { status: 'set', baselineValue: null, changePercent: null, targetValue: null, profile: null, ...existing, ...values }
    const context = await targetContext(trx, scope.partnershipId, merged.indicatorId as string)
    if (context === undefined) {
      throw new DomainError('TARGET.REFERENCE', 'unprocessable', 'The indicatorId does not name an indicator of this partnership.', [
        { field: 'body.indicatorId', message: 'does not exist in this partnership' },
      ])
    }
    const period = targetPeriod(merged.period as string, context.financialYearStartMonth)
    const explicitValue = values.targetValue !== undefined && values.targetValue !== null
    if (explicitValue && values.changePercent !== undefined && values.changePercent !== null) {
      throw new DomainError('TARGET.AMBIGUOUS', 'unprocessable', 'Send either targetValue or changePercent, not both.', [
        { field: 'body.changePercent', message: 'cannot be sent with targetValue' },
      ])
    }
    Object.assign(values, settleTarget(merged as unknown as TargetInput, context.decimalPlaces, explicitValue))
    if (existing === undefined) Object.assign(values, { period: period.key, periodStart: dateRange(period).start, periodEnd: dateRange(period).end })
    if (merged.profile !== null && merged.profile !== undefined && 'profile' in values) {
      values.profile = checkProfile(merged.profile as Profile, period, context.financialYearStartMonth)
    }
  },
}
