import type { TableSpec } from '../resource/resource.repository.js'

export const prioritySpec: TableSpec<'priority'> = {
  table: 'priority',
  type: 'priority',
  columns: ['name', 'code', 'description'],
  sorts: { name: 'name', code: 'code', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  blankSorts: ['code'],
  search: ['name', 'code'],
}
