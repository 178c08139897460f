import type { Db } from '../../db/client.js'
import { createResourceService } from '../resource/resource.service.js'
import { agencySpec } from './agencies.repository.js'

export const createAgencyService = (db: Db) => createResourceService(db, agencySpec)
