import type { Aggregation, Frequency, Polarity, Unit } from '../indicators.js'
import type { ControlChart } from '../statistics.js'
import type { JudgedOn } from '../targets.js'

export type { Aggregation, Polarity }
export const RAGS = ['green', 'amber', 'red', 'grey'] as const
export type Rag = (typeof RAGS)[number]

export interface EvalIndicator {
  unit: Unit
  polarity: Polarity
  frequency: Frequency
  aggregation: Aggregation
  ratePer: number | null
  decimalPlaces: number
  defaultTolerancePercent: string
  dataLagDays: number
}

export interface EvalTarget {
  /** FY2009-10, or a calendar year (2009) for NI 47. */
  period: string
  status: 'set' | 'tbc'
  baselineValue: string | null
  targetValue: string | null
  tolerancePercent: string | null
  profile: { cumulative: boolean; values: Array<{ period: string; value: string }> } | null
  /** What the target is judged on; year to date where not given. */
  judgedOn?: JudgedOn
}

export interface EvalMeasurement {
  period: string
  value: string
  numerator: string | null
  denominator: string | null
  status: string
}

export const FLAGS = [
  'off_target',
  'significant_deterioration',
  'spc_signal',
  'forecast_miss',
  'missing_data',
  // A yearly figure judged when a newer one was due (a survey two years old).
  'stale_data',
  // Red for the partnership's number of reported periods running (PMG escalates it).
  'persistently_off_target',
  'no_target',
  'exceeding_target',
  'significant_improvement',
  // Raised beside the engine's own, from the area's peer group (benchmarking): worse or better at 95%.
  'peer_outlier',
  // Raised beside the engine's own: a figure the judgement rests on was queried on arrival (an outlier).
  'data_query',
] as const
export type Flag = (typeof FLAGS)[number]

export interface FlagEntry {
  flag: Flag
  direction: 'bad' | 'good'
  reason: string
  figures: Record<string, number | string | null>
}

export const TRAVELS = ['improving', 'deteriorating', 'no_significant_change', 'up', 'down', 'no_data'] as const
export type Travel = (typeof TRAVELS)[number]

export interface TravelResult {
  against: string
  previous: number | null
  current: number | null
  change: number | null
  changePercent: number | null
  test: string
  significant: boolean | null
  direction: Travel
}

export interface Evaluation {
  /** The reporting period asked for, and the indicator's own period evaluated for it. */
  period: string
  evaluatedPeriod: string
  asOf: string
  targetPeriod: string
  actual: {
    period: number | null
    periodStatus: string | null
    ytd: number | null
    ytdPeriods: number
    ytdExpectedPeriods: number
    rolling12: number | null
    rolling12Complete: boolean
  }
  target: {
    status: 'set' | 'tbc' | 'none'
    year: number | null
    period: number | null
    basis: 'profile_cumulative' | 'profile' | 'pro_rata' | 'per_period' | 'annual' | 'none'
    tolerancePercent: number
  }
  comparison: {
    /** What was compared: the year to date, the rolling twelve months, or the period alone (the target's judgedOn). */
    basis: JudgedOn
    actual: number | null
    target: number | null
    variance: number | null
    relativeVariancePercent: number | null
    judgement: 'better' | 'on_target' | 'worse' | null
  }
  requiredChange: {
    from: number
    basis: 'rolling12' | 'latest' | 'forecast'
    percent: number | null
    alreadyMet: boolean
  } | null
  rag: Rag
  ragReason: string
  travel: { previousPeriod: TravelResult; sameLastYear: TravelResult }
  significance: {
    against: string
    x1: number | null
    x2: number | null
    test: string
    pValue: number | null
    z: number | null
    significant: boolean
    direction: Travel
  } | null
  spc: (ControlChart & { direction: 'good' | 'bad' | 'neutral' | null }) | null
  forecast: {
    value: number
    method: 'seasonal' | 'straight_line' | 'latest'
    target: number | null
    relativeVariancePercent: number | null
    misses: boolean
  } | null
  flags: FlagEntry[]
}
