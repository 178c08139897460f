import type { TableSpec } from '../resource/resource.repository.js'

export const objectiveSpec: TableSpec<'objective'> = {
  table: 'objective',
  type: 'objective',
  columns: ['priorityId', 'title', 'description'],
  sorts: { createdAt: 'createdAt', title: 'title', updatedAt: 'updatedAt' },
  search: 'title',
  parent: { column: 'priorityId', param: 'priorityId', table: 'priority', type: 'priority' },
}
