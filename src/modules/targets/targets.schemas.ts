import Type from 'typebox'
import { Nullable, Period, RecordFields, StringEnum, Uuid, updateOf } from '../../http/schemas.js'

export const DecimalString = Type.String({
  pattern: '^-?\\d{1,14}(\\.\\d{1,6})?$',
  description: 'A decimal number as a string, e.g. "1295" or "17.3"',
})
const Percent = Type.String({
  pattern: '^-?\\d{1,4}(\\.\\d{1,3})?$',
  description: 'A percentage as a decimal string, e.g. "-11.8"',
})

const Profile = Type.Object(
  {
    cumulative: Type.Boolean({
      description: 'true: each value is the running total since the start of the target period',
    }),
    values: Type.Array(Type.Object({ period: Period, value: DecimalString }, { additionalProperties: false }), {
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
  },
  { $id: 'Target', additionalProperties: false, description: 'A target for an indicator, area and year' },
)

export const CreateTargetSchema = Type.Object(
  {
    indicatorId: Uuid,
    areaId: Uuid,
    period: Period,
    status: Type.Optional(StringEnum(['set', 'tbc'] as const)),
    baselineValue: Type.Optional(Nullable(DecimalString)),
    baselinePeriod: Type.Optional(Nullable(Period)),
    changePercent: Type.Optional(Nullable(Percent)),
    targetValue: Type.Optional(Nullable(DecimalString)),
    tolerancePercent: Type.Optional(Nullable(Type.String({ pattern: '^\\d{1,4}(\\.\\d{1,3})?$' }))),
    profile: Type.Optional(Nullable(Profile)),
  },
  { additionalProperties: false },
)
export const UpdateTargetSchema = updateOf(CreateTargetSchema)
export const TargetFilters = {
  indicatorId: Type.Optional(Uuid),
  areaId: Type.Optional(Uuid),
  period: Type.Optional(Period),
  status: Type.Optional(StringEnum(['set', 'tbc'] as const)),
}
