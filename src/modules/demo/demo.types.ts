import type { Aggregation, Frequency, Polarity } from '../../domain/indicators.js'
import type { JudgedOn } from '../../domain/targets.js'

/** The shape of a demo partnership's data, as the seed documents give it. */
export interface DemoTarget {
  /** Area code. */
  area: string
  /** Defaults to FY2010-11, the year of seed 000's plan. */
  period?: string
  baseline?: readonly [string, string]
  target: { value: string } | { change: string } | 'tbc'
  profile?: { cumulative: boolean; values: ReadonlyArray<readonly [string, string]> }
  /** What the target is judged on: the year to date where not given. */
  judgedOn?: JudgedOn
}

export interface DemoIndicator {
  reference: string
  name: string
  definition?: string
  /** A key diagnostic indicator's headline indicator (its reference, listed before it). */
  parent?: string
  /** Priority code. */
  priority: string
  unit: 'count' | 'percentage' | 'ratio'
  polarity: Polarity
  frequency: Frequency
  aggregation: Aggregation
  decimalPlaces?: number
  /** Agency name. */
  source?: string
  dataLagDays?: number
  targets: readonly DemoTarget[]
}

export interface DemoMeasurement {
  indicator: string
  area: string
  period: string
  value?: string
  numerator?: string
  denominator?: string
  /** Where the figure comes from: which seed, or that it is illustrative. */
  source?: string
}

export interface DemoPartnership {
  partnership: { slug: string; name: string; financialYearStartMonth: number }
  areas: ReadonlyArray<{ code: string; name: string; type: string; parent: string | null }>
  agencies: ReadonlyArray<{ name: string; role: string; dataSupplied: string | null }>
  priorities: ReadonlyArray<{ code: string; name: string; description: string; objectives: readonly string[] }>
  themes: ReadonlyArray<{ name: string; description: string }>
  indicators: readonly DemoIndicator[]
  measurements: readonly DemoMeasurement[]
  groups?: readonly DemoGroup[]
  actionPlans?: readonly DemoActionPlan[]
  funding?: readonly DemoStream[]
  risks?: readonly DemoRisk[]
  riskRounds?: readonly DemoRiskRound[]
  feeds?: readonly DemoFeed[]
  benchmarking?: DemoBenchmarking
  rounds?: readonly DemoRound[]
}

/**
 * A reporting round taken to issue as the partnership ran it: opened and issued by `pmg` (a PMG member),
 * each theme group's return submitted by its chair with the summary given, and the Strategic Group's
 * responses by `strategic` (by indicator reference and area code).
 */
export interface DemoRound {
  period: string
  themeMeetingsOn: string
  pmgMeetingOn: string
  strategicMeetingOn: string
  pmg: string
  strategic: string
  /** Theme group name to its return's summary; a group not named has not returned. */
  returns: Readonly<Record<string, string>>
  missingReturnsReason?: string
  /** PMG's curation before the issue: what it adds to (or drops from) the computed exceptions, and why. */
  selections?: ReadonlyArray<{
    indicator: string
    area: string
    decision: 'keep' | 'drop' | 'add'
    direction?: 'bad' | 'good'
    reason: string
  }>
  responses: ReadonlyArray<{
    indicator: string
    area: string
    response: 'accepted' | 'further_support_required' | 'raise_at_county_board'
    note?: string
  }>
}

/** Populations, peer groups (own areas by code) and the peers' counts, loaded as a partnership would send them. */
export interface DemoBenchmarking {
  populations: ReadonlyArray<{ code: string; year: number; population: number; source: string }>
  groups: ReadonlyArray<{
    name: string
    description: string
    source: string
    members: ReadonlyArray<
      | { area: string; startsOn: string; endsOn?: string }
      | { code: string; name: string; startsOn: string; endsOn?: string }
    >
  }>
  figures: ReadonlyArray<{ indicator: string; code: string; period: string; value: number; source: string }>
}

/** A partner feed's mapping, its rules naming indicators by reference, and its lookup by area code. */
export interface DemoFeed {
  name: string
  kind: 'police_uk' | 'incidents'
  description: string
  /** Agency name. */
  agency: string
  rules: ReadonlyArray<{ indicator: string; where: Record<string, string[]> }>
  locations: ReadonlyArray<readonly [string, string]>
}

export interface DemoGroup {
  name: string
  kind: 'theme' | 'performance' | 'strategic' | 'delivery' | 'other'
  /** Priority code, for a theme group. */
  priority?: string
  description: string
  members: ReadonlyArray<{
    subject: string
    name: string
    /** Agency name. */
    agency?: string
    offices?: ReadonlyArray<'chair' | 'vice_chair' | 'designated_officer'>
    startsOn: string
  }>
}

export interface DemoResource {
  description?: string
  amountPence?: number
  amountTbc?: boolean
  approximate?: boolean
  source?: string
  secured?: boolean
}

export interface DemoAction {
  /** Objective number within the priority, as the plan numbers them. */
  objective: number
  title: string
  outputs: readonly string[]
  /** [quarter of the partnership's year as printed (Q1, Q2-3, Q1-4), description]. */
  milestones: ReadonlyArray<readonly [string, string]>
  /** The plan's words, then the same as periods or days (null: to be confirmed). */
  timing: string | null
  starts: string | null
  ends: string | null
  leadName?: string
  /** Agency name. */
  leadAgency?: string
  leadTbc?: boolean
  /** Agency names; partners that are not agencies of the partnership go in otherPartners. */
  partners: readonly string[]
  otherPartners: readonly string[]
  resources: readonly DemoResource[]
  outcomes: readonly string[]
  /** Indicator references. */
  indicators: readonly string[]
  measures: readonly string[]
}

/** A priority's action plan: its theme group and actions. */
export interface DemoActionPlan {
  priority: string
  group: string
  /** The financial year the plan's quarters (Q1...) belong to. */
  year: number
  actions: readonly DemoAction[]
}

/** A funding stream and its allocation table: [initiative, pence, 'contingency' for the contingency line]. */
export interface DemoStream {
  name: string
  funder: string
  financialYear: string
  totalPence: number
  accountableBody: string
  notes: string
  allocations: ReadonlyArray<readonly [string, number, 'contingency'?]>
}

export interface DemoRisk {
  reference: string
  title: string
  priorityActions: readonly string[]
}

/** One assessment round: each risk's [likelihood, impact] by reference. */
export interface DemoRiskRound {
  assessedOn: string
  inherent: Readonly<Record<string, readonly [number, number]>>
  current: Readonly<Record<string, readonly [number, number]>>
}
