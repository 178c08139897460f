import { checkIndicatorShape, type IndicatorShape } from '../../domain/indicators.js'
import { refuseCycles } from '../resource/hierarchy.repository.js'
import type { TableSpec } from '../resource/resource.repository.js'
import type { WriteHooks } from '../resource/resource.service.js'

export const indicatorSpec: TableSpec = {
  table: 'indicator',
  type: 'indicator',
  columns: [
    'reference', 'name', 'definition', 'unit', 'ratePer', 'polarity', 'frequency', 'aggregation',
    'decimalPlaces', 'defaultTolerancePercent', 'sourceAgencyId', 'dataLagDays', 'parentId',
  ],
  sorts: { reference: 'reference', name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
  filters: ['sourceAgencyId', 'polarity', 'frequency', 'parentId'],
  links: { field: 'priorityIds', table: 'indicatorPriority', owner: 'indicatorId', column: 'priorityId', target: 'priority', filter: 'priorityId' },
}

const noCycles = refuseCycles(indicatorSpec)

export const indicatorHooks: WriteHooks = {
  async beforeWrite(trx, scope, values, existing) {
    // A PATCH is checked as the indicator it would leave behind.
    checkIndicatorShape({ ratePer: null, ...existing, ...values } as unknown as IndicatorShape)
    await noCycles(trx, scope, values, existing)
  },
}
