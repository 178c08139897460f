import type { TableSpec } from '../resource/resource.repository.js'

export const indicatorSpec: TableSpec<'indicator'> = {
  table: 'indicator',
  type: 'indicator',
  columns: [
    'reference',
    'name',
    'definition',
    'unit',
    'ratePer',
    'polarity',
    'frequency',
    'aggregation',
    'decimalPlaces',
    'defaultTolerancePercent',
    'sourceAgencyId',
    'dataLagDays',
    'parentId',
    'rateDenominator',
  ],
  sorts: { reference: 'reference', name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: ['name', 'reference'],
  links: [
    {
      field: 'priorityIds',
      table: 'indicatorPriority',
      owner: 'indicatorId',
      column: 'priorityId',
      target: 'priority',
      filter: 'priorityId',
    },
  ],
}
