import type { Db } from '../../db/client.js'
import { asTenant } from '../../db/tenancy.js'
import type { Actor } from '../../domain/access.js'
import { createActionService, createMilestoneService } from '../actions/actions.service.js'
import { createAgencyService } from '../agencies/agencies.service.js'
import { createAreaService } from '../areas/areas.service.js'
import { createBenchmarkingService } from '../benchmarking/benchmarking.service.js'
import { createIndicatorService } from '../indicators/indicators.service.js'
import { createMeasurementService } from '../measurements/measurements.service.js'
import { createObjectiveService } from '../objectives/objectives.service.js'
import { createFeedService } from '../feeds/feeds.service.js'
import { createFundingService } from '../funding/funding.service.js'
import { createGroupService, createMemberService } from '../groups/groups.service.js'
import { createMemberServices } from '../members/members.service.js'
import { createEvaluationService } from '../evaluation/evaluation.service.js'
import { createRiskService } from '../risks/risks.service.js'
import { createRoundService } from '../rounds/rounds.service.js'
import { findPartnership } from '../partnerships/partnerships.repository.js'
import { createPartnershipService } from '../partnerships/partnerships.service.js'
import { createPriorityService } from '../priorities/priorities.service.js'
import { createTargetService } from '../targets/targets.service.js'
import { createThemeService } from '../themes/themes.service.js'
import type { DemoAction, DemoBenchmarking, DemoPartnership, DemoTarget } from './demo.types.js'
import * as charnwood from './charnwood.js'
import * as eastLincolnshire from './east-lincolnshire.js'
import * as peterborough from './peterborough.js'

// The loader acts as an admin would through the API.
const actor: Actor = { subject: 'demo-loader', requestId: 'demo', role: 'admin' }

export const DEMO_PARTNERSHIPS: DemoPartnership[] = [eastLincolnshire, peterborough, charnwood]

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
async function loadPartnership(db: Db, data: DemoPartnership, issuer: string): Promise<DemoCounts> {
  const partnership =
    (await findPartnership(db, data.partnership.slug)) ??
    (await createPartnershipService(db).create(actor, data.partnership))
  return asTenant(partnership.id, () =>
    loadRecords(
      db,
      data,
      { partnershipId: partnership.id, yearStartMonth: partnership.financialYearStartMonth },
      issuer,
    ),
  )
}

/** What a load put in a partnership, for the demo's log line (measurements as the batch counted them). */
export interface DemoCounts {
  areas: number
  indicators: number
  targets: number
  measurements: { inserted: number; updated: number; unchanged: number }
  groups: number
  actions: number
  risks: number
  fundingStreams: number
  feeds: number
  /** The people of its groups, as members of the partnership. */
  members: number
  peerGroups: number
  peerFigures: { inserted: number; updated: number; unchanged: number }
}

async function loadRecords(
  db: Db,
  data: DemoPartnership,
  scope: { partnershipId: string; yearStartMonth: number },
  issuer: string,
): Promise<DemoCounts> {
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
  for (const { targets, priority, source, parent, ...indicator } of data.indicators) {
    const row = await indicatorService.ensure(scope, actor, 'reference', {
      ...indicator,
      priorityIds: [priorityIds.get(priority)],
      ...(source === undefined ? {} : { sourceAgencyId: agencyIds.get(source) }),
      ...(parent === undefined ? {} : { parentId: indicatorIds.get(parent) }),
    })
    indicatorIds.set(indicator.reference, row.id)
    for (const target of targets) {
      await targetService.ensure(scope, actor, ['indicatorId', 'areaId', 'period'], {
        indicatorId: row.id,
        areaId: areaIds.get(target.area),
        period: target.period ?? 'FY2010-11',
        ...targetFigures(target),
        ...(target.judgedOn === undefined ? {} : { judgedOn: target.judgedOn }),
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

  // One batch, as a partner feed sends it: figures already there are counted unchanged and written again never.
  async function* rows() {
    for (const { source, ...figures } of data.measurements) yield { ...figures, source: source ?? 'Partnership plan' }
  }
  const written = await createMeasurementService(db).bulk(
    { id: scope.partnershipId, financialYearStartMonth: scope.yearStartMonth },
    actor,
    { rows: rows(), digest: () => '' },
    { partial: false },
  )
  if (written.status !== 200) throw new Error(`demo measurements refused: ${JSON.stringify(written.body.errors)}`)
  const { inserted, updated, unchanged } = written.body
  const counts: DemoCounts = {
    areas: data.areas.length,
    indicators: data.indicators.length,
    targets: data.indicators.reduce((n, i) => n + i.targets.length, 0),
    measurements: { inserted, updated, unchanged },
    groups: data.groups?.length ?? 0,
    actions: data.actionPlans?.reduce((n, p) => n + p.actions.length, 0) ?? 0,
    risks: data.risks?.length ?? 0,
    fundingStreams: data.funding?.length ?? 0,
    feeds: data.feeds?.length ?? 0,
    members: 0,
    peerGroups: data.benchmarking?.groups.length ?? 0,
    peerFigures: { inserted: 0, updated: 0, unchanged: 0 },
  }

  await loadActionPlans(db, data, scope, { agency: agencyIds, priority: priorityIds, indicator: indicatorIds })
  counts.members = await loadMembers(db, data, scope, issuer)

  const riskService = createRiskService(db)
  const riskIds = new Map<string, string>()
  for (const risk of data.risks ?? [])
    riskIds.set(
      risk.reference,
      (
        await riskService.risks.ensure(scope, actor, 'reference', {
          ...risk,
          priorityActions: [...risk.priorityActions],
        })
      ).id,
    )
  for (const round of data.riskRounds ?? [])
    for (const [reference, [inherentLikelihood, inherentImpact]] of Object.entries(round.inherent)) {
      const [currentLikelihood, currentImpact] = round.current[reference]!
      await riskService.assessments.ensure({ ...scope, parentId: riskIds.get(reference)! }, actor, 'assessedOn', {
        assessedOn: round.assessedOn,
        inherentLikelihood,
        inherentImpact,
        currentLikelihood,
        currentImpact,
      })
    }

  const feedService = createFeedService(db)
  for (const { agency, locations, ...feed } of data.feeds ?? []) {
    const mapping = await feedService.mappings.ensure(scope, actor, 'name', {
      ...feed,
      rules: feed.rules.map((r) => ({ ...r })),
      agencyId: agencyIds.get(agency),
    })
    // The lookup is written once: a second load finds it whole and writes nothing.
    if ((await feedService.locations(scope, mapping.id)).locations !== locations.length)
      await feedService.replaceLocations(
        scope,
        actor,
        mapping.id,
        '*',
        locations.map(([location, area]) => ({ location, area })),
      )
  }

  if (data.benchmarking !== undefined)
    counts.peerFigures = await loadBenchmarking(db, data.benchmarking, { ...scope, areaIds })

  const funding = createFundingService(db)
  for (const { allocations, ...stream } of data.funding ?? []) {
    const row = await funding.streams.ensure(scope, actor, ['name', 'financialYear'], stream)
    for (const [description, amountPence, contingency] of allocations)
      await funding.allocations.ensure({ ...scope, parentId: row.id }, actor, 'description', {
        description,
        amountPence,
        contingency: contingency === 'contingency',
      })
  }
  await loadRounds(db, data, scope, { indicator: indicatorIds, area: areaIds })
  return counts
}

/**
 * The rounds the partnership ran, through the round service as its people would: PMG opens, the theme
 * groups' chairs return, PMG issues, the Strategic Group responds. A round already there is left alone.
 */
async function loadRounds(
  db: Db,
  data: DemoPartnership,
  scope: { partnershipId: string; yearStartMonth: number },
  ids: { indicator: ReadonlyMap<string, string>; area: ReadonlyMap<string, string> },
) {
  if (data.rounds === undefined) return
  const rounds = createRoundService(db, createEvaluationService(db))
  const tenant = { id: scope.partnershipId, financialYearStartMonth: scope.yearStartMonth }
  const as = (subject: string): Actor => ({ subject, requestId: 'demo', role: 'viewer' })
  const existing = (await rounds.list(tenant, { limit: 200 })).items
  const key = (indicator: string, area: string) => ({
    indicatorId: ids.indicator.get(indicator)!,
    areaId: ids.area.get(area)!,
  })
  for (const { pmg, strategic, returns, missingReturnsReason, selections, responses, ...dates } of data.rounds) {
    if (existing.some((r) => r.period === dates.period)) continue
    const round = await rounds.open(tenant, as(pmg), dates)
    for (const ret of round.returns) {
      const summary = returns[ret.groupName]
      if (summary === undefined) continue
      const group = data.groups?.find((g) => g.name === ret.groupName)
      const chair = group?.members.find((m) => m.offices?.includes('chair')) ?? group?.members[0]
      if (chair === undefined) throw new Error(`demo round: ${ret.groupName} has no one to return`)
      await rounds.submitReturn(tenant, as(chair.subject), round.id, ret.groupId, undefined, summary)
    }
    for (const { indicator, area, ...selection } of selections ?? [])
      await rounds.select(tenant, as(pmg), round.id, key(indicator, area), undefined, selection)
    await rounds.issue(tenant, as(pmg), round.id, undefined, missingReturnsReason)
    for (const { indicator, area, ...response } of responses)
      await rounds.respond(tenant, as(strategic), round.id, key(indicator, area), undefined, response)
  }
}

/** Populations and peers' counts in bulk, as a partnership would send them; its groups one member at a time. */
async function loadBenchmarking(
  db: Db,
  data: DemoBenchmarking,
  scope: { partnershipId: string; yearStartMonth: number; areaIds: Map<string, string> },
): Promise<DemoCounts['peerFigures']> {
  const service = createBenchmarkingService(db)
  const tenant = { id: scope.partnershipId, financialYearStartMonth: scope.yearStartMonth }
  const batch = <R>(rows: readonly R[]) => ({
    rows: (async function* () {
      yield* rows
    })(),
    digest: () => '',
  })
  const written = await service.loadPopulations(tenant, actor, batch(data.populations), { partial: false })
  if (written.status !== 200) throw new Error(`demo populations refused: ${JSON.stringify(written.body.errors)}`)
  for (const { members, ...group } of data.groups) {
    const row = await service.groups.ensure(scope, actor, 'name', group)
    for (const member of members) {
      // One of ours is named by its area; the member takes the area's code.
      const { area, ...dates } = { area: undefined, ...member }
      await service.members.ensure({ ...scope, parentId: row.id }, actor, ['code', 'startsOn'], {
        ...dates,
        ...(area === undefined ? {} : { code: area, areaId: scope.areaIds.get(area) }),
      })
    }
  }
  const figures = await service.loadFigures(tenant, actor, batch(data.figures), { partial: false })
  if (figures.status !== 200) throw new Error(`demo peer figures refused: ${JSON.stringify(figures.body.errors)}`)
  const { inserted, updated, unchanged } = figures.body
  return { inserted, updated, unchanged }
}

/**
 * A milestone "Q2-3" of the partnership's year as the calendar quarters it runs over: with the year
 * starting in April, Q1 of 2010/11 is 2010-Q2 and Q4 is 2011-Q1.
 */
function quarters(label: string, year: number, yearStartMonth: number): { due: string; dueFrom: string | null } {
  const [first, last = first] = label.slice(1).split('-').map(Number) as [number, number?]
  const calendar = (q: number) => {
    const month = yearStartMonth - 1 + (q - 1) * 3
    return `${year + Math.floor(month / 12)}-Q${Math.floor((month % 12) / 3) + 1}`
  }
  return { due: calendar(last!), dueFrom: first === last ? null : calendar(first) }
}

/**
 * The people the groups name are members of the partnership, as the deployment's identity provider
 * (`issuer`) knows them (subject and email alike): viewers, since their groups give them their rights.
 */
async function loadMembers(
  db: Db,
  data: DemoPartnership,
  scope: { partnershipId: string; yearStartMonth: number },
  issuer: string,
): Promise<number> {
  const people = new Map<string, { name: string; startsOn: string }>()
  for (const { subject, name, startsOn } of (data.groups ?? []).flatMap((g) => g.members)) {
    const known = people.get(subject)
    if (known === undefined || startsOn < known.startsOn) people.set(subject, { name, startsOn })
  }
  const members = createMemberServices(db, () => undefined).members
  for (const [subject, person] of people)
    await members.ensure(scope, actor, ['issuer', 'subject'], {
      issuer,
      subject,
      email: subject,
      role: 'viewer',
      ...person,
    })
  return people.size
}

/** Groups, their members, and each priority's action plan with its milestones. */
async function loadActionPlans(
  db: Db,
  data: DemoPartnership,
  scope: { partnershipId: string; yearStartMonth: number },
  ids: { agency: Map<string, string>; priority: Map<string, string>; indicator: Map<string, string> },
): Promise<void> {
  const groupService = createGroupService(db)
  const memberService = createMemberService(db)
  const groupIds = new Map<string, string>()
  for (const { members, priority, ...group } of data.groups ?? []) {
    const row = await groupService.ensure(scope, actor, 'name', {
      ...group,
      priorityId: priority === undefined ? null : ids.priority.get(priority),
    })
    groupIds.set(group.name, row.id)
    for (const { agency, offices, ...member } of members)
      await memberService.ensure({ ...scope, parentId: row.id }, actor, 'subject', {
        ...member,
        offices: [...(offices ?? [])],
        agencyId: agency === undefined ? null : ids.agency.get(agency),
      })
  }

  const actionService = createActionService(db)
  const milestoneService = createMilestoneService(db)
  const objectivesOf = (priorityId: string) =>
    createObjectiveService(db).list({ ...scope, parentId: priorityId }, { limit: 100, sort: 'createdAt' }, [])
  for (const plan of data.actionPlans ?? []) {
    const priorityId = ids.priority.get(plan.priority)!
    const objectives = (await objectivesOf(priorityId)).items
    const counts = new Map<number, number>()
    for (const action of plan.actions) {
      const n = (counts.get(action.objective) ?? 0) + 1
      counts.set(action.objective, n)
      const values = actionValues(action, ids)
      const row = await actionService.ensure(scope, actor, 'reference', {
        ...values,
        reference: `${plan.priority}-${action.objective}.${n}`,
        priorityId,
        objectiveId: objectives[action.objective - 1]!.id,
        groupId: groupIds.get(plan.group) ?? null,
      })
      for (const [label, description] of action.milestones)
        await milestoneService.ensure({ ...scope, parentId: row.id }, actor, ['description', 'due'], {
          description,
          ...quarters(label, plan.year, scope.yearStartMonth),
        })
    }
  }
}

function actionValues(
  action: DemoAction,
  ids: { agency: Map<string, string>; indicator: Map<string, string> },
): Record<string, unknown> {
  return {
    title: action.title,
    outputs: action.outputs,
    timing: action.timing,
    starts: action.starts,
    ends: action.ends,
    leadName: action.leadName ?? null,
    leadTbc: action.leadTbc ?? false,
    otherPartners: action.otherPartners,
    resources: action.resources,
    outcomes: action.outcomes,
    measures: action.measures,
    leadAgencyId: action.leadAgency === undefined ? null : ids.agency.get(action.leadAgency),
    partnerAgencyIds: action.partners.map((name) => ids.agency.get(name)),
    indicatorIds: action.indicators.map((reference) => ids.indicator.get(reference)),
  }
}

/** `issuer`: the identity provider the demo's people sign in with (the deployment's JWT_ISSUER). */
export async function loadDemo(
  db: Db,
  issuer = 'urn:safer-partnerships:dev',
): Promise<Array<{ partnership: string } & DemoCounts>> {
  const loaded: Array<{ partnership: string } & DemoCounts> = []
  for (const data of DEMO_PARTNERSHIPS)
    loaded.push({ partnership: data.partnership.slug, ...(await loadPartnership(db, data, issuer)) })
  return loaded
}
