import { compareCounts, compareProportions } from '../statistics.js'
import { periodContaining, type Period } from '../periods.js'
import { aggregate, percent, round, type IndicatorContext, type Point, type Situation } from './context.js'
import type { Evaluation, Travel, TravelResult } from './types.js'
import type { Actuals } from './year-to-date.js'

/** Improving or deteriorating by polarity; up or down when monitor-only; no significant change when the test says so. */
export function directionOf(ctx: IndicatorContext, change: number, significant: boolean | null): Travel {
  if (change === 0 || significant === false) return 'no_significant_change'
  if (!ctx.directional) return change > 0 ? 'up' : 'down'
  return change < 0 === (ctx.indicator.polarity === 'lower_better') ? 'improving' : 'deteriorating'
}

/** Rule 9's test for one period against another: counts by the conditional binomial test, ratios by a pooled z-test. */
function testChange(ctx: IndicatorContext, before: Point, after: Point): { test: string; significant: boolean | null } {
  const { indicator } = ctx
  if (indicator.aggregation === 'sum' && indicator.unit === 'count') {
    const t = compareCounts(before.value, after.value)
    return { test: t.method, significant: t.significant }
  }
  if (
    indicator.aggregation === 'ratio_of_sums' &&
    before.numerator !== null &&
    before.denominator !== null &&
    after.numerator !== null &&
    after.denominator !== null
  ) {
    const t = compareProportions(before.numerator, before.denominator, after.numerator, after.denominator)
    return { test: t.method, significant: t.method === 'none' ? null : t.significant }
  }
  return { test: 'none', significant: null }
}

function travelAgainst(ctx: IndicatorContext, s: Situation, against: Period | null): TravelResult {
  const label = against?.key ?? ''
  const previous = against === null ? undefined : ctx.points.get(against.firstMonth)
  // A ratio's point is its worked-out percentage: shown, like every figure, to the indicator's places.
  const shown = (p: Point | undefined) => (p === undefined ? null : round(p.value, ctx.dp))
  if (s.here === undefined || previous === undefined) {
    return {
      against: label,
      previous: shown(previous),
      current: shown(s.here),
      change: null,
      changePercent: null,
      test: 'none',
      significant: null,
      direction: 'no_data',
    }
  }
  const tested = testChange(ctx, previous, s.here)
  const change = round(s.here.value - previous.value, ctx.dp)
  return {
    against: label,
    previous: shown(previous),
    current: shown(s.here),
    change,
    changePercent: percent(s.here.value - previous.value, previous.value),
    ...tested,
    direction: directionOf(ctx, change, tested.significant),
  }
}

/** Rule 8: the evaluated period against the previous one and against the same period last year. */
export function travel(ctx: IndicatorContext, s: Situation): Evaluation['travel'] {
  const shifted = (by: number) =>
    s.evaluated === null ? null : periodContaining(s.evaluated.kind, s.evaluated.firstMonth + by, ctx.fyStartMonth)
  return {
    previousPeriod: travelAgainst(ctx, s, shifted(-ctx.step)),
    sameLastYear: travelAgainst(ctx, s, shifted(-12)),
  }
}

/**
 * Rule 9: year to date against the same months a year earlier, using only months present in both years
 * so that a gap does not read as a fall. Surveys have no test.
 */
export function significance(ctx: IndicatorContext, s: Situation, actuals: Actuals): Evaluation['significance'] {
  const { indicator, dp } = ctx
  if (ctx.annual || s.here === undefined || indicator.aggregation === 'latest') return null
  const paired = actuals.ytdMonths.filter((m) => ctx.points.has(m) && ctx.points.has(m - 12))
  if (paired.length === 0) return null
  const now = aggregate(ctx, paired)
  const before = aggregate(
    ctx,
    paired.map((m) => m - 12),
  )
  const against = `year to date against the same months a year earlier (${paired.length} ${ctx.step === 1 ? 'month' : 'quarter'}${paired.length === 1 ? '' : 's'})`
  if (indicator.aggregation === 'sum' && indicator.unit === 'count') {
    const t = compareCounts(before.value!, now.value!)
    return {
      against,
      x1: t.x1,
      x2: t.x2,
      test: t.method,
      pValue: t.pValue === null ? null : round(t.pValue, 4),
      z: t.z === null ? null : round(t.z, 2),
      significant: t.significant,
      direction: directionOf(ctx, t.x2 - t.x1, t.significant),
    }
  }
  if (indicator.aggregation === 'ratio_of_sums') {
    const t = compareProportions(before.numerator, before.denominator, now.numerator, now.denominator)
    const change = (now.value ?? 0) - (before.value ?? 0)
    return {
      against,
      x1: before.value === null ? null : round(before.value, dp),
      x2: now.value === null ? null : round(now.value, dp),
      test: t.method,
      pValue: null,
      z: t.z === null ? null : round(t.z, 2),
      significant: t.significant,
      direction: directionOf(ctx, round(change, dp), t.significant),
    }
  }
  return null
}
