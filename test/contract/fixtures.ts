import type { Ids, TestApp } from '../helper.js'

import { ABSENT } from '../helper.js'

export { ABSENT, furnish, type Ids } from '../helper.js'

/** What the contract suites share: the operations the app declares, and one of everything in a partnership. */
export type Access =
  | {
      scope: 'public' | 'authenticated' | 'superadmin'
      role?: never
      superadminToo?: never
      agencyWrites?: never
      groupMembers?: never
    }
  | {
      scope: 'partnership'
      role: 'viewer' | 'officer' | 'admin'
      superadminToo?: boolean
      agencyWrites?: boolean
      groupMembers?: boolean
    }
export interface Parameter {
  name: string
  in: string
  required?: boolean
  schema?: { format?: string }
}
export interface Operation {
  operationId: string
  parameters?: Parameter[]
  'x-access': Access
}

export const RESOURCE_OF: Record<string, keyof Ids> = {
  areas: 'area',
  agencies: 'agency',
  priorities: 'priority',
  objectives: 'objective',
  themes: 'theme',
  indicators: 'indicator',
  targets: 'target',
  commentary: 'commentary',
  groups: 'group',
  members: 'membership',
  actions: 'action',
  milestones: 'milestone',
  progress: 'progress',
  'funding-streams': 'stream',
  allocations: 'allocation',
  bids: 'bid',
  evaluations: 'evaluation',
  payments: 'payment',
  risks: 'risk',
  assessments: 'riskAssessment',
  feeds: 'feedMapping',
  imports: 'feedImport',
  populations: 'population',
  'peer-groups': 'peerGroup',
  'peer-figures': 'peerFigure',
  invitations: 'invitation',
  'api-keys': 'apiKey',
  rounds: 'round',
  returns: 'group',
  requests: 'roundRequest',
  'follow-ups': 'strategicResponse',
  findings: 'finding',
  'validation-rules': 'validationRule',
  webhooks: 'webhook',
  deliveries: 'webhookDelivery',
}

/** A nested segment whose name another resource also uses: a peer group's members are not a group's. */
const NESTED: Record<string, keyof Ids> = {
  'peer-groups/members': 'peerMember',
  'partnerships/members': 'partnershipMember',
}

/** The resource whose id goes in path segment i: named by the segment before it (and its parent's). */
export const resourceAt = (segments: string[], i: number): keyof Ids | undefined =>
  NESTED[`${segments[i - 3]}/${segments[i - 1]}`] ?? RESOURCE_OF[segments[i - 1]!]

/** A path of the contract with its parameters filled: the partnership's slug and one partnership's ids (absent ones for null). */
export function fillPath(path: string, slug: string, ids: Ids | null): string {
  const idOf = (resource: keyof Ids | undefined) =>
    ids === null || resource === undefined ? ABSENT : (ids[resource] ?? ABSENT)
  const segments = path.split('/')
  return segments
    .map((segment, i) => {
      const name = /^\{(.+)\}$/.exec(segment)?.[1]
      if (name === undefined) return segment
      if (name === 'partnership') return slug
      if (name === 'period') return '2010-04'
      if (name === 'priorityId') return idOf('priority')
      if (name === 'indicatorId') return idOf('indicator')
      if (name === 'areaId') return idOf('area')
      return idOf(resourceAt(segments, i))
    })
    .join('/')
}

export async function operations(ctx: TestApp) {
  const spec = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>
  }
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  )
}
