import type { TableSpec } from '../resource/resource.repository.js'

export const agencySpec: TableSpec<'agency'> = {
  table: 'agency',
  type: 'agency',
  columns: ['name', 'role', 'contactName', 'contactEmail', 'contactPhone', 'dataSupplied'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
}
