import type { TableSpec } from '../resource/resource.repository.js'

export const themeSpec: TableSpec<'theme'> = {
  table: 'theme',
  type: 'theme',
  columns: ['name', 'description'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
}
