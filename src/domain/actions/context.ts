/**
 * What an action is judged on (DOMAIN.md, seed 000's action plans): the status people set, its dates,
 * lead, resources, milestones and the latest progress update, as of a date.
 */
export const ACTION_STATUSES = ['not_started', 'on_track', 'at_risk', 'off_track', 'complete', 'cancelled'] as const
export type ActionStatus = (typeof ACTION_STATUSES)[number]

/** The bodies of a partnership (seed 000 Appendix 1; seed 002's delivery groups). */
export const GROUP_KINDS = ['theme', 'performance', 'strategic', 'delivery', 'other'] as const
export type GroupKind = (typeof GROUP_KINDS)[number]

/** Offices a member holds in a group; identity providers know people, not CSP offices. */
export const OFFICES = ['chair', 'vice_chair', 'designated_officer'] as const
export type Office = (typeof OFFICES)[number]

export const ACTION_FLAGS = [
  'milestone_overdue',
  'past_end_not_complete',
  'resources_unsecured',
  'no_recent_progress',
  'lead_tbc',
  'status_contradicts_milestones',
] as const
export type ActionFlag = (typeof ACTION_FLAGS)[number]

export interface ActionFlagEntry {
  flag: ActionFlag
  reason: string
}

/** One line of an action's resources, as the plan prints it ("£6,000 DA SMB - Secured"). */
export interface ActionResource {
  description: string | null
  /** Integer pence; null when no sum is given (in kind, mainstream funding, or to be confirmed). */
  amountPence: number | null
  /** The sum is known to be needed but not yet set ("Amount TBC"). */
  amountTbc: boolean
  /** The plan gives the sum as approximate ("£3500 (approx)"). */
  approximate: boolean
  source: string | null
  /** null: the plan does not say. */
  secured: boolean | null
}

export interface MilestoneFacts {
  description: string
  /** The last day it is due by (the end of its period). */
  dueOn: string
  doneOn: string | null
}

export interface ActionFacts {
  status: ActionStatus
  startsOn: string | null
  endsOn: string | null
  leadTbc: boolean
  resources: readonly ActionResource[]
  milestones: readonly MilestoneFacts[]
  /** The date of the latest progress update on or before the as-of date, if any. */
  lastProgressOn: string | null
}

/** The facts and the date they are judged at (an ISO date: no clock in the domain). */
export interface ActionContext extends ActionFacts {
  asOf: string
}

/** Complete and cancelled actions are finished with: they raise no flags. */
export const isLive = (status: ActionStatus): boolean => status !== 'complete' && status !== 'cancelled'

/** A milestone is done as of a date only if it was done by then. */
export const isOverdue = (m: MilestoneFacts, asOf: string): boolean =>
  m.dueOn < asOf && (m.doneOn === null || m.doneOn > asOf)

/** The ISO date `months` whole months before `date`, kept within the shorter month (31 May - 3 = 28 Feb). */
export function monthsBefore(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number]
  const index = year * 12 + (month - 1) - months
  const lastDay = new Date(Date.UTC(Math.floor(index / 12), (index % 12) + 1, 0)).getUTCDate()
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}-${pad(Math.min(day, lastDay))}`
}

export { pounds } from '../money.js'
