import type { Aggregation, Frequency, Polarity } from '../../domain/indicators.js'

/** The shape of a demo partnership's data, as the seed documents give it. */
export interface DemoTarget {
  /** Area code. */
  area: string
  /** Defaults to FY2010-11, the year of seed 000's plan. */
  period?: string
  baseline?: readonly [string, string]
  target: { value: string } | { change: string } | 'tbc'
  profile?: { cumulative: boolean; values: ReadonlyArray<readonly [string, string]> }
}

export interface DemoIndicator {
  reference: string
  name: string
  /** Priority code. */
  priority: string
  unit: 'count' | 'percentage'
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
}

export interface DemoPartnership {
  partnership: { slug: string; name: string; financialYearStartMonth: number }
  areas: ReadonlyArray<{ code: string; name: string; type: string; parent: string | null }>
  agencies: ReadonlyArray<{ name: string; role: string; dataSupplied: string | null }>
  priorities: ReadonlyArray<{ code: string; name: string; description: string; objectives: readonly string[] }>
  themes: ReadonlyArray<{ name: string; description: string }>
  indicators: readonly DemoIndicator[]
  measurements: readonly DemoMeasurement[]
}
