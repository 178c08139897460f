import type { Db } from '../../db/client.js'
import { createResourceService } from '../resource/resource.service.js'
import { objectiveSpec } from './objectives.repository.js'

export const createObjectiveService = (db: Db) => createResourceService(db, objectiveSpec)
