import type { Db } from '../../db/client.js'
import { agencySpec } from '../agencies/agencies.routes.js'
import { areaSpec } from '../areas/areas.routes.js'
import { objectiveSpec } from '../objectives/objectives.routes.js'
import { findPartnership } from '../partnerships/partnerships.repository.js'
import { createPartnershipService } from '../partnerships/partnerships.service.js'
import { prioritySpec } from '../priorities/priorities.routes.js'
import { createResourceService, type Actor } from '../resource/resource.service.js'
import { themeSpec } from '../themes/themes.routes.js'
import * as eastLincs from './east-lincolnshire.js'

const actor: Actor = { subject: 'demo-loader', requestId: 'demo' }

/**
 * Loads the demo partnerships through the same services as the API (so the audit trail shows them).
 * Each record is matched by its natural key first, so a second run writes nothing.
 */
export async function loadDemo(db: Db): Promise<{ partnership: string }[]> {
  const partnership =
    (await findPartnership(db, eastLincs.partnership.slug)) ?? (await createPartnershipService(db).create(actor, eastLincs.partnership))
  const scope = { partnershipId: partnership.id }

  const areaService = createResourceService(db, areaSpec)
  const areaIds = new Map<string, string>()
  for (const { parent, ...area } of eastLincs.areas) {
    const parentId = parent === null ? null : areaIds.get(parent)
    const row = await areaService.ensure(scope, actor, 'code', { ...area, parentId })
    areaIds.set(area.code, row.id)
  }

  const agencyService = createResourceService(db, agencySpec)
  for (const agency of eastLincs.agencies) await agencyService.ensure(scope, actor, 'name', agency)

  const priorityService = createResourceService(db, prioritySpec)
  const objectiveService = createResourceService(db, objectiveSpec)
  for (const { objectives, ...priority } of eastLincs.priorities) {
    const row = await priorityService.ensure(scope, actor, 'code', priority)
    for (const title of objectives) await objectiveService.ensure({ ...scope, parentId: row.id }, actor, 'title', { title })
  }

  const themeService = createResourceService(db, themeSpec)
  for (const theme of eastLincs.themes) await themeService.ensure(scope, actor, 'name', theme)

  return [{ partnership: partnership.slug }]
}
