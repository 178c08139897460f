import type { Db } from '../../db/client.js'
import { refuseCycles } from '../resource/hierarchy.service.js'
import { createResourceService } from '../resource/resource.service.js'
import { areaSpec } from './areas.repository.js'

/** Areas form a tree: a move that would put an area below itself is refused. */
export const createAreaService = (db: Db) =>
  createResourceService(db, areaSpec, { beforeWrite: refuseCycles(areaSpec) })
