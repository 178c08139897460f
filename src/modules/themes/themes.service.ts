import type { Db } from '../../db/client.js'
import { createResourceService } from '../resource/resource.service.js'
import { themeSpec } from './themes.repository.js'

export const createThemeService = (db: Db) => createResourceService(db, themeSpec)
