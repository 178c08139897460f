import type { Db } from '../../db/client.js'
import { checkIndicatorShape } from '../../domain/indicators.js'
import { refuseCycles } from '../resource/hierarchy.service.js'
import { createResourceService, type WriteHooks } from '../resource/resource.service.js'
import { indicatorSpec } from './indicators.repository.js'
import { Tolerance } from './indicators.schemas.js'

const noCycles = refuseCycles(indicatorSpec)

const hooks: WriteHooks<'indicator'> = {
  async beforeWrite(trx, scope, sent, existing) {
    const values =
      'defaultTolerancePercent' in sent
        ? {
            ...sent,
            defaultTolerancePercent: Tolerance.text(sent.defaultTolerancePercent, 'body.defaultTolerancePercent'),
          }
        : sent
    // A PATCH is checked as the indicator it would leave behind.
    const after = { ratePer: null, ...existing, ...values }
    checkIndicatorShape({
      unit: after.unit!,
      aggregation: after.aggregation!,
      ratePer: after.ratePer ?? null,
      ...(after.rateDenominator === undefined ? {} : { rateDenominator: after.rateDenominator }),
    })
    return noCycles(trx, scope, values, existing)
  },
}

export const createIndicatorService = (db: Db) => createResourceService(db, indicatorSpec, hooks)
