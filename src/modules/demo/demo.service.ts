import type { Db } from '../../db/client.js'
import { asTenant } from '../../db/tenancy.js'
import type { Actor } from '../../domain/access.js'
import { createAgencyService } from '../agencies/agencies.service.js'
import { createAreaService } from '../areas/areas.service.js'
import { createIndicatorService } from '../indicators/indicators.service.js'
import { createMeasurementService } from '../measurements/measurements.service.js'
import { createObjectiveService } from '../objectives/objectives.service.js'
import { findPartnership } from '../partnerships/partnerships.repository.js'
import { createPartnershipService } from '../partnerships/partnerships.service.js'
import { createPriorityService } from '../priorities/priorities.service.js'
import { createTargetService } from '../targets/targets.service.js'
import { createThemeService } from '../themes/themes.service.js'
import type { DemoPartnership, DemoTarget } from './demo.types.js'
import * as eastLincolnshire from './east-lincolnshire.js'
import * as peterborough from './peterborough.js'

const actor: Actor = { subject: 'demo-loader', requestId: 'demo' }

export const DEMO_PARTNERSHIPS: DemoPartnership[] = [eastLincolnshire, peterborough]

function targetFigures(target: DemoTarget): Record<string, unknown> {
  const figures: Record<string, unknown> = target.baseline
    ? { baselineValue: target.baseline[0], baselinePeriod: target.baseline[1] }
    : {}
  if (target.target === 'tbc') return { ...figures, status: 'tbc' }
  if ('change' in target.target) return { ...figures, changePercent: target.target.change }
  return { ...figures, targetValue: target.target.value }
}

/**
 * Loads one demo partnership through the same services as the API (so the audit trail shows it). Each
 * record is matched by its natural key first, so a second run writes nothing.
 */
async function loadPartnership(db: Db, data: DemoPartnership): Promise<void> {
  const partnership =
    (await findPartnership(db, data.partnership.slug)) ??
    (await createPartnershipService(db).create(actor, data.partnership))
  await asTenant(partnership.id, () => loadRecords(db, data, partnership.id, partnership.financialYearStartMonth))
}

async function loadRecords(
  db: Db,
  data: DemoPartnership,
  partnershipId: string,
  yearStartMonth: number,
): Promise<void> {
  const scope = { partnershipId, yearStartMonth }

  const areaService = createAreaService(db)
  const areaIds = new Map<string, string>()
  for (const { parent, ...area } of data.areas) {
    const row = await areaService.ensure(scope, actor, 'code', {
      ...area,
      parentId: parent === null ? null : areaIds.get(parent),
    })
    areaIds.set(area.code, row.id)
  }

  const agencyService = createAgencyService(db)
  const agencyIds = new Map<string, string>()
  for (const agency of data.agencies)
    agencyIds.set(agency.name, (await agencyService.ensure(scope, actor, 'name', agency)).id)

  const priorityService = createPriorityService(db)
  const objectiveService = createObjectiveService(db)
  const priorityIds = new Map<string, string>()
  for (const { objectives, ...priority } of data.priorities) {
    const row = await priorityService.ensure(scope, actor, 'code', priority)
    priorityIds.set(priority.code, row.id)
    for (const title of objectives)
      await objectiveService.ensure({ ...scope, parentId: row.id }, actor, 'title', { title })
  }

  const themeService = createThemeService(db)
  for (const theme of data.themes) await themeService.ensure(scope, actor, 'name', theme)

  const indicatorService = createIndicatorService(db)
  const targetService = createTargetService(db)
  const indicatorIds = new Map<string, string>()
  for (const { targets, priority, source, ...indicator } of data.indicators) {
    const row = await indicatorService.ensure(scope, actor, 'reference', {
      ...indicator,
      priorityIds: [priorityIds.get(priority)],
      ...(source === undefined ? {} : { sourceAgencyId: agencyIds.get(source) }),
    })
    indicatorIds.set(indicator.reference, row.id)
    for (const target of targets) {
      await targetService.ensure(scope, actor, ['indicatorId', 'areaId', 'period'], {
        indicatorId: row.id,
        areaId: areaIds.get(target.area),
        period: target.period ?? 'FY2010-11',
        ...targetFigures(target),
        ...(target.profile
          ? {
              profile: {
                cumulative: target.profile.cumulative,
                values: target.profile.values.map(([period, value]) => ({ period, value })),
              },
            }
          : {}),
      })
    }
  }

  const measurementService = createMeasurementService(db)
  for (const { indicator, area, period, ...figures } of data.measurements) {
    // put() changes nothing and audits nothing when the value is already there.
    await measurementService.put(
      { id: partnershipId, financialYearStartMonth: yearStartMonth },
      actor,
      { indicatorId: indicatorIds.get(indicator)!, areaId: areaIds.get(area)!, period },
      { ...figures, source: 'Partnership plan' },
    )
  }
}

export async function loadDemo(db: Db): Promise<{ partnership: string }[]> {
  for (const data of DEMO_PARTNERSHIPS) await loadPartnership(db, data)
  return DEMO_PARTNERSHIPS.map((d) => ({ partnership: d.partnership.slug }))
}
