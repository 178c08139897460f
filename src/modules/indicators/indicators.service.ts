import type { Db } from '../../db/client.js'
import { checkIndicatorShape } from '../../domain/indicators.js'
import { refuseCycles } from '../resource/hierarchy.service.js'
import { createResourceService, type WriteHooks } from '../resource/resource.service.js'
import { indicatorSpec } from './indicators.repository.js'

const noCycles = refuseCycles(indicatorSpec)

const hooks: WriteHooks<'indicator'> = {
  async beforeWrite(trx, scope, values, existing) {
    // A PATCH is checked as the indicator it would leave behind.
    const after = { ratePer: null, ...existing, ...values }
    checkIndicatorShape({ unit: after.unit!, aggregation: after.aggregation!, ratePer: after.ratePer ?? null })
    return noCycles(trx, scope, values, existing)
  },
}

export const createIndicatorService = (db: Db) => createResourceService(db, indicatorSpec, hooks)
