import type { TableSpec } from '../resource/resource.repository.js'

export const areaSpec: TableSpec<'area'> = {
  table: 'area',
  type: 'area',
  columns: ['name', 'type', 'code', 'parentId'],
  sorts: { name: 'name', code: 'code', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  blankSorts: ['code'],
  search: ['name', 'code'],
}
