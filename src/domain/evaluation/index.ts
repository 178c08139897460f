import { seriesKind } from '../indicators.js'
import { periodContaining } from '../periods.js'
import { compare } from './comparison.js'
import { indicatorContext, round, situate } from './context.js'
import { flagsOf } from './flags.js'
import { persistentlyOffTarget } from './persistence.js'
import { forecast } from './forecast.js'
import { requiredChange } from './required-change.js'
import { spc } from './spc.js'
import { targetForPeriod } from './target-for-period.js'
import { significance, travel } from './travel.js'
import type { EvalIndicator, EvalMeasurement, EvalTarget, Evaluation } from './types.js'
import { yearToDate } from './year-to-date.js'

export { round } from './context.js'
export { dueDate } from './due-date.js'
export { rollUp } from './roll-up.js'
export * from './types.js'

/**
 * The evaluation engine (DOMAIN.md rules 2-11): turns an indicator's targets and measurements for one
 * area into judgements for a reporting period. Pure: everything it says follows from its input, which
 * is what the database stores, plus the as-of date that decides which missing periods are overdue. Each
 * rule is a module of its own over one context; the README's evaluation section gives the choices the
 * rules leave open. The inputs are parsed once, then any reporting period is evaluated (a trend series
 * asks for many).
 */
export function createEvaluator(
  indicator: EvalIndicator,
  targets: EvalTarget[],
  measurements: EvalMeasurement[],
  fyStartMonth: number,
  persistentRedPeriods = 3,
) {
  const ctx = indicatorContext(indicator, targets, measurements, fyStartMonth)
  function judge(reportingText: string, asOf: string): Evaluation {
    const s = situate(ctx, reportingText, asOf)
    const actuals = yearToDate(ctx, s)
    const target = targetForPeriod(ctx, s)
    const judged = compare(ctx, s, actuals, target)
    const projected = forecast(ctx, s, actuals, target)
    const sig = significance(ctx, s, actuals)
    const chart = spc(ctx, s)
    const { dp } = ctx
    return {
      period: s.reporting.key,
      evaluatedPeriod:
        s.evaluated?.key ?? periodContaining(seriesKind(indicator.frequency), s.reportingEnd, fyStartMonth).key,
      asOf,
      targetPeriod: s.year.key,
      actual: {
        period: s.here === undefined ? null : round(s.here.value, dp),
        periodStatus: s.here?.status ?? null,
        ytd: actuals.ytd.value === null ? null : round(actuals.ytd.value, dp),
        ytdPeriods: actuals.ytd.count,
        ytdExpectedPeriods: actuals.ytdMonths.length,
        rolling12: actuals.rolling.value === null ? null : round(actuals.rolling.value, dp),
        rolling12Complete: actuals.rollingComplete,
      },
      target,
      comparison: judged.comparison,
      requiredChange: requiredChange(ctx, s, actuals, target, projected),
      rag: judged.rag,
      ragReason: judged.ragReason,
      travel: travel(ctx, s),
      significance: sig,
      spc: chart,
      forecast: projected,
      flags: flagsOf(ctx, s, { actuals, target, judged, significance: sig, spc: chart, forecast: projected }),
    }
  }
  // Rule 11's persistence looks at the periods before, each judged as it was reported then.
  return function evaluate(reportingText: string, asOf: string): Evaluation {
    const evaluation = judge(reportingText, asOf)
    const persistent = persistentlyOffTarget(
      judge,
      evaluation,
      persistentRedPeriods,
      fyStartMonth,
      indicator.frequency === 'biennial',
    )
    if (persistent !== null) evaluation.flags.push(persistent)
    return evaluation
  }
}
