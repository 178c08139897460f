import type { Aggregation, EvalMeasurement } from './types.js'

/** Rolls children's measurements up to a parent area: counts sum, ratios sum numerators and denominators. */
export function rollUp(children: EvalMeasurement[][], aggregation: Aggregation, unitFactor: number): EvalMeasurement[] {
  if (aggregation === 'latest' || children.length === 0) return []
  const byPeriod = new Map<string, EvalMeasurement[]>()
  for (const series of children) for (const m of series) byPeriod.set(m.period, [...(byPeriod.get(m.period) ?? []), m])
  const out: EvalMeasurement[] = []
  for (const [period, values] of byPeriod) {
    // A period some children have not reported would understate the whole: it stays missing.
    if (values.length < children.length) continue
    const status = values.every((v) => v.status === 'published')
      ? 'published'
      : values.every((v) => v.status !== 'provisional')
        ? 'validated'
        : 'provisional'
    if (aggregation === 'sum') {
      out.push({
        period,
        value: String(values.reduce((a, v) => a + Number(v.value), 0)),
        numerator: null,
        denominator: null,
        status,
      })
    } else {
      if (values.some((v) => v.numerator === null || v.denominator === null)) continue
      const numerator = values.reduce((a, v) => a + Number(v.numerator), 0)
      const denominator = values.reduce((a, v) => a + Number(v.denominator), 0)
      out.push({
        period,
        value: String(denominator === 0 ? 0 : (numerator / denominator) * unitFactor),
        numerator: String(numerator),
        denominator: String(denominator),
        status,
      })
    }
  }
  return out
}
