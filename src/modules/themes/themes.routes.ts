import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { registerResourceRoutes } from '../resource/resource.routes.js'
import { CreateThemeSchema, ThemeSchema, UpdateThemeSchema } from './themes.schemas.js'
import { createThemeService } from './themes.service.js'

const routes: FastifyPluginAsyncTypebox = async (app) => {
  registerResourceRoutes(app, {
    service: createThemeService(app.db),
    operationIds: {
      list: 'listThemes',
      create: 'createTheme',
      get: 'getTheme',
      update: 'updateTheme',
      delete: 'deleteTheme',
    },
    names: { one: 'theme', many: 'themes' },
    tag: 'Themes',
    item: ThemeSchema,
    create: CreateThemeSchema,
    update: UpdateThemeSchema,
    filters: {},
    writeRole: 'admin',
  })
}

export default routes
