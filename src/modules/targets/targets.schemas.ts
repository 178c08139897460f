import Type from 'typebox'
import { decimalInput } from '../../http/decimals.js'
import { JUDGED_ON } from '../../domain/targets.js'
import {
  EXAMPLE_IDS,
  Nullable,
  Period,
  RecordFields,
  recordExample,
  StringEnum,
  Uuid,
  updateOf,
} from '../../http/schemas.js'

/** A figure (baseline, target, a profile's value), and the percentages: each a decimal string or a JSON number. */
export const Figure = decimalInput('^-?\\d{1,14}(\\.\\d{1,6})?$', 'A figure', '1295')
export const Change = decimalInput('^-?\\d{1,4}(\\.\\d{1,3})?$', 'A percentage change', '-11.8')
export const TolerancePercent = decimalInput('^\\d{1,4}(\\.\\d{1,3})?$', 'A tolerance in percent', '5')

const JudgedOnSchema = StringEnum(JUDGED_ON, {
  description:
    "What the target is judged on: year_to_date (the default: the year so far against the target for the period), rolling_12_months (the twelve months ending with the period against the annual target, or the profile's value for the period: seed 003 judges MARAC repeats and NI 20 so), or period (the period's own figure against its share of the year, or its profile value)",
})

const Profile = Type.Object(
  {
    cumulative: Type.Boolean({
      description: 'true: each value is the running total since the start of the target period',
    }),
    values: Type.Array(Type.Object({ period: Period, value: Figure.schema }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 60,
    }),
  },
  { additionalProperties: false, description: 'Period-by-period targets (months or quarters)' },
)

export const TargetSchema = Type.Object(
  {
    ...RecordFields,
    indicatorId: Uuid,
    areaId: Uuid,
    period: Type.String({ description: 'The target period: a financial year (FY2010-11) or a calendar year (2010)' }),
    periodStart: Type.String({ format: 'date' }),
    periodEnd: Type.String({ format: 'date' }),
    status: StringEnum(['set', 'tbc'] as const, { description: 'tbc: known to be needed, not yet set' }),
    baselineValue: Nullable(Type.String()),
    baselinePeriod: Nullable(Type.String()),
    changePercent: Nullable(Type.String({ description: 'Change from baseline the target was derived from' })),
    targetValue: Nullable(Type.String({ description: 'The annual target (derived when changePercent is set)' })),
    derivation: Nullable(Type.String({ description: 'The rule that made a derived target, in words' })),
    tolerancePercent: Nullable(Type.String({ description: "Overrides the indicator's default tolerance" })),
    profile: Nullable(Profile),
    judgedOn: JudgedOnSchema,
  },
  {
    $id: 'Target',
    additionalProperties: false,
    description: 'A target for an indicator, area and year',
    examples: [
      recordExample({
        indicatorId: EXAMPLE_IDS.ni20,
        areaId: EXAMPLE_IDS.boston,
        period: 'FY2010-11',
        periodStart: '2010-04-01',
        periodEnd: '2011-03-31',
        status: 'set',
        baselineValue: '374',
        baselinePeriod: 'FY2009-10',
        changePercent: '-11.8',
        targetValue: '330',
        derivation:
          '11.8% reduction on a baseline of 374: 374 x (1 - 11.8/100) = 329.868, rounded to 0 decimal places: 330',
        tolerancePercent: null,
        profile: null,
        judgedOn: 'year_to_date',
      }),
    ],
  },
)

export const CreateTargetSchema = Type.Object(
  {
    indicatorId: Uuid,
    areaId: Uuid,
    period: Period,
    status: Type.Optional(StringEnum(['set', 'tbc'] as const)),
    baselineValue: Type.Optional(Nullable(Figure.schema)),
    baselinePeriod: Type.Optional(Nullable(Period)),
    changePercent: Type.Optional(Nullable(Change.schema)),
    targetValue: Type.Optional(Nullable(Figure.schema)),
    tolerancePercent: Type.Optional(Nullable(TolerancePercent.schema)),
    profile: Type.Optional(Nullable(Profile)),
    judgedOn: Type.Optional(JudgedOnSchema),
  },
  {
    additionalProperties: false,
    examples: [
      {
        indicatorId: EXAMPLE_IDS.ni20,
        areaId: EXAMPLE_IDS.boston,
        period: 'FY2010-11',
        baselineValue: '374',
        baselinePeriod: 'FY2009-10',
        changePercent: '-11.8',
      },
    ],
  },
)
export const UpdateTargetSchema = updateOf(CreateTargetSchema)
export const TargetFilters = {
  indicatorId: Type.Optional(Uuid),
  areaId: Type.Optional(Uuid),
  period: Type.Optional(Period),
  status: Type.Optional(StringEnum(['set', 'tbc'] as const)),
}
