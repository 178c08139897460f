import Type from 'typebox'
import { JUDGED_FIGURES, OUTLIER_RULES } from '../../domain/outliers.js'
import { Nullable, Period, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'

const FINDING_STATES = ['open', 'confirmed', 'dismissed', 'superseded'] as const

const Judged = {
  indicatorId: Uuid,
  areaId: Uuid,
  period: Type.String({ description: 'The period of the figure judged' }),
  figure: StringEnum(JUDGED_FIGURES, {
    description: 'Which figure looked wrong: the value, or a ratio’s numerator or denominator',
  }),
  rule: StringEnum(OUTLIER_RULES, {
    description:
      'poisson_tail: a count far outside what its history leads to expect; above_previous_max: more than the partnership’s multiple of the largest earlier figure; unexpected_zero: a zero where the history has none; rate_outlier: a rate beyond 3.5 robust deviations of its last 12 or more figures',
  }),
  sent: Type.Number({ description: 'The figure as sent' }),
  expected: Nullable(Type.Number({ description: 'What its history leads to expect' })),
  low: Nullable(Type.Number({ description: 'The lowest figure that would not have been queried' })),
  high: Nullable(Type.Number({ description: 'The highest figure that would not have been queried' })),
  score: Nullable(
    Type.Number({
      description:
        'poisson_tail: the tail probability; rate_outlier: the modified z-score; above_previous_max: the multiple of the previous maximum',
    }),
  ),
  message: Type.String(),
}

export const OutlierSchema = Type.Object(
  { row: Type.Integer({ minimum: 1, description: 'The row of the write (1 for a PUT)' }), ...Judged },
  {
    $id: 'Outlier',
    additionalProperties: false,
    description:
      'A figure written that looks unlike its own history: kept (never refused) and stored as a finding, queried in the evaluation until dismissed',
  },
)

export const FindingSchema = Type.Object(
  {
    id: Uuid,
    measurementId: Uuid,
    ...Judged,
    revision: Type.Integer({ minimum: 1, description: 'The revision of the measurement judged' }),
    state: StringEnum(FINDING_STATES, {
      description:
        'open: not looked at; confirmed: the figure is in doubt (still queried); dismissed: the figure stands; superseded: a new value replaced it',
    }),
    reason: Nullable(Type.String({ description: 'Why it was confirmed or dismissed' })),
    decidedBy: Nullable(Type.String()),
    decidedAt: Nullable(Timestamp),
    foundBy: Type.String({ description: 'Who sent the figure' }),
    version: Type.Integer({ minimum: 1 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Finding', additionalProperties: false, description: 'A figure queried on arrival, and what became of it' },
)

export const FindingListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size' })),
    cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor of the previous page' })),
    state: Type.Optional(StringEnum(FINDING_STATES, { description: 'Only findings in this state' })),
    indicatorId: Type.Optional({ ...Uuid, description: 'Only this indicator’s figures' }),
    areaId: Type.Optional({ ...Uuid, description: 'Only this area’s figures' }),
    from: Type.Optional({ ...Period, description: 'Figures of periods starting on or after this one (or day)' }),
    to: Type.Optional({
      ...Period,
      description: 'Figures of periods starting on or before the end of this one (or day)',
    }),
  },
  { additionalProperties: false },
)

export const DecideFindingSchema = Type.Object(
  {
    state: StringEnum(['confirmed', 'dismissed'] as const, {
      description:
        'confirmed: the figure is in doubt and is being corrected; dismissed: the figure is right and stands',
    }),
    reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why: kept with the finding' }),
  },
  { additionalProperties: false },
)
