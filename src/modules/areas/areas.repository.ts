import type { TableSpec } from '../resource/resource.repository.js'

export const areaSpec: TableSpec<'area'> = {
  table: 'area',
  type: 'area',
  columns: ['name', 'type', 'code', 'parentId'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: ['name', 'code'],
}
