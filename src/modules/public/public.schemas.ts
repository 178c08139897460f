import Type, { type Static, type TProperties } from 'typebox'
import { FLAGS, RAGS } from '../../domain/evaluation/index.js'
import { Nullable, Period, Slug, StringEnum, Uuid, page } from '../../http/schemas.js'

/**
 * What anyone may read of a partnership that opted in to the public view. Every answer is built from these
 * schemas alone (the serialiser writes nothing they do not name): no provisional figure, no commentary but
 * what an officer marked public, no action, no person, no data query.
 */
const obj = <T extends TProperties>(properties: T, description?: string) =>
  Type.Object(properties, { additionalProperties: false, ...(description ? { description } : {}) })

export const PublicParams = obj({ partnership: Slug })
export const PublicRoundParams = obj({ partnership: Slug, id: Uuid })

const Num = Nullable(Type.Number())

/** Every flag but data_query: a figure queried on arrival is the partnership's own business until settled. */
export const PUBLIC_FLAGS = FLAGS.filter((flag) => flag !== 'data_query')

const PublicIndicator = obj({
  id: Uuid,
  reference: Type.String({ examples: ['NI 20'] }),
  name: Type.String(),
  definition: Nullable(Type.String()),
  unit: Type.String({ description: 'count, rate, percentage, ratio, score or currency' }),
  ratePer: Nullable(Type.Integer()),
  polarity: Type.String({ description: 'higher_better, lower_better or monitor_only' }),
  frequency: Type.String(),
  decimalPlaces: Type.Integer(),
  priorityIds: Type.Array(Uuid, { description: 'The priorities it measures' }),
})

export const PublicPartnershipSchema = obj(
  {
    slug: Slug,
    name: Type.String(),
    financialYearStartMonth: Type.Integer({ minimum: 1, maximum: 12 }),
    priorities: Type.Array(
      obj({ id: Uuid, code: Nullable(Type.String()), name: Type.String(), description: Nullable(Type.String()) }),
      { description: 'The areas of business the partnership considers most important' },
    ),
    indicators: Type.Array(PublicIndicator),
    areas: Type.Array(
      obj({
        id: Uuid,
        name: Type.String(),
        type: Type.String(),
        code: Nullable(Type.String()),
        parentId: Nullable(Uuid),
      }),
    ),
  },
  'A partnership as the public sees it: its priorities, and the indicators and areas its figures are for',
)

export const PublicFigureSchema = obj(
  {
    indicatorId: Uuid,
    areaId: Uuid,
    period: Type.String(),
    periodStart: Type.String({ format: 'date' }),
    periodEnd: Type.String({ format: 'date' }),
    value: Type.String({ description: 'The figure, as a decimal string' }),
    numerator: Nullable(Type.String()),
    denominator: Nullable(Type.String()),
  },
  'A published figure',
)

export const PublicFiguresQuery = obj({
  indicatorId: Type.Optional(Uuid),
  areaId: Type.Optional(Uuid),
  from: Type.Optional(Period),
  to: Type.Optional(Period),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Figures per page' })),
  cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' })),
})

export const PublicFiguresSchema = page(PublicFigureSchema, 'published figures')

const PublicEvaluation = obj({
  evaluatedPeriod: Type.String(),
  targetPeriod: Type.String({ description: 'The target year' }),
  actual: obj({
    period: Num,
    ytd: Num,
    rolling12: Num,
    rolling12Complete: Type.Boolean(),
  }),
  target: obj({
    status: StringEnum(['set', 'tbc', 'none'] as const),
    year: Num,
    period: Num,
    tolerancePercent: Type.Number(),
  }),
  comparison: obj({
    basis: Type.String({ description: 'year_to_date, rolling_12_months or period' }),
    actual: Num,
    target: Num,
    variance: Num,
    relativeVariancePercent: Num,
    judgement: Nullable(StringEnum(['better', 'on_target', 'worse'] as const)),
  }),
  rag: StringEnum(RAGS),
  ragReason: Type.String(),
  flags: Type.Array(
    obj({ flag: StringEnum(PUBLIC_FLAGS), direction: StringEnum(['bad', 'good'] as const), reason: Type.String() }),
  ),
})

const PublicItem = obj({
  indicator: obj({ id: Uuid, reference: Type.String(), name: Type.String() }),
  area: obj({ id: Uuid, name: Type.String(), code: Nullable(Type.String()) }),
  evaluation: PublicEvaluation,
})

/** An item of the public evaluation: with the latest comment the partnership showed the public, if any. */
const PublicEvaluatedItem = obj({
  ...PublicItem.properties,
  commentary: Nullable(
    obj(
      { period: Type.String(), body: Type.String(), updatedAt: Type.String({ format: 'date-time' }) },
      'The latest comment on the indicator and area marked public, up to the period (no author: no names)',
    ),
  ),
})
export type PublicEvaluatedItemView = Static<typeof PublicEvaluatedItem>
export type PublicItemView = Static<typeof PublicItem>

export const PublicEvaluationQuery = obj({
  period: Period,
  priorityId: Type.Optional(Uuid),
  areaId: Type.Optional(Uuid),
  indicatorId: Type.Optional(Uuid),
  rag: Type.Optional(StringEnum(RAGS)),
})

export const PublicEvaluationSchema = obj(
  {
    period: Type.String(),
    asOf: Type.String({ format: 'date' }),
    items: Type.Array(PublicEvaluatedItem),
  },
  "Every indicator and area judged on the partnership's published figures alone, with the comments it made public",
)

const PublicRound = obj({
  id: Uuid,
  period: Type.String(),
  periodStart: Type.String({ format: 'date' }),
  periodEnd: Type.String({ format: 'date' }),
  strategicMeetingOn: Type.String({ format: 'date', description: "The Strategic Group's meeting it went to" }),
  issuedOn: Type.String({ format: 'date' }),
})

export const PublicRoundsSchema = obj({ items: Type.Array(PublicRound) }, 'The reporting rounds issued, latest first')

export const PublicRoundReportSchema = obj(
  {
    round: PublicRound,
    asOf: Type.String({ format: 'date' }),
    priorities: Type.Array(
      obj({
        priority: obj({ id: Nullable(Uuid), code: Nullable(Type.String()), name: Type.String() }),
        items: Type.Array(PublicItem),
      }),
    ),
  },
  "A round's period judged on its figures as they stood at issue, published ones only",
)
