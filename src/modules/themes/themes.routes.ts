import type { FastifyInstance } from 'fastify'
import type { TableSpec } from '../resource/resource.repository.js'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreateThemeSchema, ThemeSchema, UpdateThemeSchema } from './themes.schemas.js'

export const themeSpec: TableSpec = {
  table: 'theme',
  type: 'theme',
  columns: ['name', 'description'],
  sorts: { name: 'name', createdAt: 'createdAt', updatedAt: 'updatedAt' },
  search: 'name',
  filters: [],
}

export default async function themeRoutes(app: FastifyInstance): Promise<void> {
  registerResourceRoutes(app, {
    spec: themeSpec,
    singular: 'Theme',
    plural: 'Themes',
    tag: 'Themes',
    item: ThemeSchema,
    create: CreateThemeSchema,
    update: UpdateThemeSchema,
    filters: {},
    writeRole: 'admin',
  })
}
