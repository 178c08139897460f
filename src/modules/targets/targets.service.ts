import type { Db } from '../../db/client.js'
import { DomainError } from '../../domain/errors.js'
import { dateRange } from '../../domain/periods.js'
import { checkProfile, settleTarget, targetPeriod, type Profile, type TargetInput } from '../../domain/targets.js'
import { createResourceService, type WriteHooks } from '../resource/resource.service.js'
import { indicatorPlaces, overlappingTargets, targetSpec } from './targets.repository.js'
import { Change, Figure, TolerancePercent } from './targets.schemas.js'

const fixed = (field: string) =>
  new DomainError('TARGET.FIXED', 'validation', `${field} cannot change: create another target instead.`, [
    { field: `body.${field}`, message: 'cannot change' },
  ])

type Sent = Parameters<NonNullable<WriteHooks<'target'>['beforeWrite']>>[2]

/** Figures sent as JSON numbers, as the decimal text they stand for (the form they are stored and derived in). */
function figuresAsText(values: Sent): Sent {
  const profile = values.profile as Profile | null | undefined
  return {
    ...values,
    ...('baselineValue' in values ? { baselineValue: Figure.text(values.baselineValue, 'body.baselineValue') } : {}),
    ...('targetValue' in values ? { targetValue: Figure.text(values.targetValue, 'body.targetValue') } : {}),
    ...('changePercent' in values ? { changePercent: Change.text(values.changePercent, 'body.changePercent') } : {}),
    ...('tolerancePercent' in values
      ? { tolerancePercent: TolerancePercent.text(values.tolerancePercent, 'body.tolerancePercent') }
      : {}),
    ...(profile === null || profile === undefined
      ? {}
      : {
          profile: {
            ...profile,
            values: profile.values.map((v, i) => ({
              ...v,
              value: Figure.text(v.value, `body.profile.values.${i}.value`),
            })),
          },
        }),
  } as Sent
}

const hooks: WriteHooks<'target'> = {
  // Settles the stored figures from what was sent, so a derived target is always the rule's result.
  async beforeWrite(trx, scope, sent, existing) {
    const values = figuresAsText(sent)
    for (const field of ['indicatorId', 'areaId', 'period'] as const) {
      if (existing !== undefined && field in values && values[field] !== existing[field]) throw fixed(field)
    }
    const merged = {
      status: 'set',
      baselineValue: null,
      changePercent: null,
      targetValue: null,
      profile: null,
      ...existing,
      ...values,
    }
    const indicator = await indicatorPlaces(trx, scope.partnershipId, merged.indicatorId as string)
    if (indicator === undefined) {
      throw new DomainError(
        'TARGET.REFERENCE',
        'unprocessable',
        'The indicatorId does not name an indicator of this partnership.',
        [{ field: 'body.indicatorId', message: 'does not exist in this partnership' }],
      )
    }
    const period = targetPeriod(merged.period as string, scope.yearStartMonth)
    const explicitValue = values.targetValue !== undefined && values.targetValue !== null
    if (explicitValue && values.changePercent !== undefined && values.changePercent !== null) {
      throw new DomainError(
        'TARGET.AMBIGUOUS',
        'unprocessable',
        'Send either targetValue or changePercent, not both.',
        [{ field: 'body.changePercent', message: 'cannot be sent with targetValue' }],
      )
    }
    let settled = { ...values, ...settleTarget(merged as TargetInput, indicator.decimalPlaces, explicitValue) }
    if (existing === undefined) {
      const range = dateRange(period)
      // Evaluation judges a period against the one target in force for it: two whose years overlap (FY2009-10
      // and 2009) would leave it to choose.
      const clash = (
        await overlappingTargets(trx, scope.partnershipId, merged.indicatorId as string, merged.areaId as string, range)
      )[0]
      if (clash !== undefined) {
        throw new DomainError(
          'TARGET.OVERLAP',
          'conflict',
          `This indicator and area already have a target for ${clash.period} (${clash.id}), which overlaps ${period.key}. Change or delete that one instead.`,
          [{ field: 'body.period', message: `overlaps the target for ${clash.period}` }],
          { facts: { conflictingId: clash.id } },
        )
      }
      settled = { ...settled, period: period.key, periodStart: range.start, periodEnd: range.end }
    }
    if (merged.profile !== null && merged.profile !== undefined && 'profile' in values) {
      settled = { ...settled, profile: checkProfile(merged.profile as Profile, period, scope.yearStartMonth) }
    }
    return settled
  },
}

export const createTargetService = (db: Db) => createResourceService(db, targetSpec, hooks)
