import type { TestApp } from '../helper.js'

/** What the contract suites share: the operations the app declares, and one of everything in a partnership. */
export type Access = { scope: 'public' | 'authenticated' | 'superadmin'; role?: never; superadminToo?: never; agencyWrites?: never } | { scope: 'partnership'; role: 'viewer' | 'officer' | 'admin'; superadminToo?: boolean; agencyWrites?: boolean }
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

export const ABSENT = '00000000-0000-4000-8000-00000000dead'

export type Ids = Record<'area' | 'agency' | 'priority' | 'objective' | 'theme' | 'indicator' | 'target' | 'commentary', string>

/** One of everything in a partnership, made through the API by its admin. */
export async function furnish(ctx: TestApp, slug: string): Promise<Ids> {
  const headers = await ctx.as('admin', slug)
  const post = async (url: string, payload: unknown) => {
    const res = await ctx.app.inject({ method: 'POST', url: `/partnerships/${slug}/${url}`, headers, payload: payload as object })
    if (res.statusCode !== 201 && res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json() as { id: string }
  }
  const area = await post('areas', { name: `${slug} district`, type: 'district', code: `${slug.toUpperCase()}1` })
  const agency = await post('agencies', { name: `${slug} police`, role: 'responsible_authority' })
  const priority = await post('priorities', { name: `${slug} ASB`, code: 'P1' })
  const objective = await post(`priorities/${priority.id}/objectives`, { title: `${slug} objective` })
  const theme = await post('themes', { name: `${slug} theme` })
  const indicator = await post('indicators', { reference: 'NI 20', name: `${slug} assaults`, unit: 'count', polarity: 'lower_better', frequency: 'monthly', aggregation: 'sum', sourceAgencyId: agency.id, priorityIds: [priority.id] })
  const target = await post('targets', { indicatorId: indicator.id, areaId: area.id, period: 'FY2010-11', targetValue: '120' })
  await post('measurements/bulk', [{ indicator: indicator.id, area: area.id, period: '2010-04', value: 9 }, { indicator: indicator.id, area: area.id, period: '2010-05', value: 14 }])
  // Written by the officer the matrices use: a comment is changed by its author (or an admin), which the
  // role matrix then sees as the officer role's right.
  const officer = await ctx.as('officer', slug)
  const commentary = (await ctx.app.inject({ method: 'POST', url: `/partnerships/${slug}/commentary`, headers: officer, payload: { indicatorId: indicator.id, areaId: area.id, period: '2010-04', body: `${slug} says` } })).json() as { id: string }
  return { area: area.id, agency: agency.id, priority: priority.id, objective: objective.id, theme: theme.id, indicator: indicator.id, target: target.id, commentary: commentary.id }
}

export const RESOURCE_OF: Record<string, keyof Ids> = {
  areas: 'area', agencies: 'agency', priorities: 'priority', objectives: 'objective', themes: 'theme', indicators: 'indicator', targets: 'target', commentary: 'commentary',
}

export async function operations(ctx: TestApp) {
  const spec = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, Operation>> }
  return Object.entries(spec.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))
}

