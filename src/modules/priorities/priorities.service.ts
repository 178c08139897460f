import type { Db } from '../../db/client.js'
import { createResourceService } from '../resource/resource.service.js'
import { prioritySpec } from './priorities.repository.js'

export const createPriorityService = (db: Db) => createResourceService(db, prioritySpec)
