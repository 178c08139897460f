import Type, { type TProperties } from 'typebox'
import { AsOf, Nullable, Period, Slug, StringEnum, Uuid } from '../../http/schemas.js'
import { LatestCommentarySchema } from '../commentary/commentary.schemas.js'
import { FLAGS, RAGS, TRAVELS } from '../../domain/evaluation/index.js'
import { MEASUREMENT_STATUSES } from '../../domain/measurements.js'
import { JUDGED_ON } from '../../domain/targets.js'

const Num = Nullable(Type.Number())
const obj = <T extends TProperties>(properties: T, description?: string, $id?: string) =>
  Type.Object(properties, {
    additionalProperties: false,
    ...(description ? { description } : {}),
    ...($id ? { $id } : {}),
  })

const Travel = obj({
  against: Type.String({ description: 'The period compared with' }),
  previous: Num,
  current: Num,
  change: Num,
  changePercent: Num,
  test: Type.String({ description: 'exact_binomial, normal_approximation, two_proportion_z or none' }),
  significant: Nullable(Type.Boolean()),
  direction: StringEnum(TRAVELS),
})

export const FlagSchema = obj(
  {
    flag: StringEnum(FLAGS),
    direction: StringEnum(['bad', 'good'] as const),
    reason: Type.String(),
    figures: Type.Record(Type.String(), Nullable(Type.Union([Type.Number(), Type.String()]))),
  },
  'An exception flag with the figures behind it (DOMAIN.md rule 11)',
  'EvaluationFlag',
)

export const EvaluationSchema = obj(
  {
    period: Type.String({ description: 'The reporting period asked for' }),
    evaluatedPeriod: Type.String({
      description: "The indicator's own period evaluated for it (a quarter's last month for a monthly indicator)",
    }),
    asOf: Type.String({ format: 'date' }),
    targetPeriod: Type.String({ description: 'The target year; year to date runs from its start' }),
    actual: obj({
      period: Num,
      periodStatus: Nullable(Type.String()),
      ytd: Num,
      ytdPeriods: Type.Integer(),
      ytdExpectedPeriods: Type.Integer(),
      rolling12: Num,
      rolling12Complete: Type.Boolean(),
    }),
    target: obj({
      status: StringEnum(['set', 'tbc', 'none'] as const),
      year: Num,
      period: Num,
      basis: StringEnum(['profile_cumulative', 'profile', 'pro_rata', 'per_period', 'annual', 'none'] as const, {
        description:
          "How the target for the period came from the target: a cumulative profile's value, a profile's, the year's pro rata to date, the year's share for one period, the annual target itself",
      }),
      tolerancePercent: Type.Number(),
    }),
    comparison: obj({
      basis: StringEnum(JUDGED_ON, {
        description:
          "What was compared, as the target says (judgedOn): year_to_date, rolling_12_months, or the period's own figure",
      }),
      actual: Num,
      target: Num,
      variance: Num,
      relativeVariancePercent: Num,
      judgement: Nullable(StringEnum(['better', 'on_target', 'worse'] as const)),
    }),
    requiredChange: Nullable(
      obj({
        from: Type.Number(),
        basis: StringEnum(['rolling12', 'latest', 'forecast'] as const),
        percent: Num,
        alreadyMet: Type.Boolean(),
      }),
    ),
    rag: StringEnum(RAGS),
    ragReason: Type.String(),
    travel: obj({ previousPeriod: Travel, sameLastYear: Travel }),
    significance: Nullable(
      obj({
        against: Type.String(),
        x1: Num,
        x2: Num,
        test: Type.String(),
        pValue: Num,
        z: Num,
        significant: Type.Boolean(),
        direction: StringEnum(TRAVELS),
      }),
    ),
    spc: Nullable(
      obj({
        mean: Type.Number(),
        upper: Type.Number(),
        lower: Type.Number(),
        months: Type.Integer(),
        signals: Type.Array(
          obj({
            rule: StringEnum(['outside_limits', 'run_of_seven'] as const),
            side: StringEnum(['above', 'below'] as const),
          }),
        ),
        direction: Nullable(StringEnum(['good', 'bad', 'neutral'] as const)),
      }),
    ),
    forecast: Nullable(
      obj({
        value: Type.Number(),
        method: StringEnum(['seasonal', 'straight_line', 'latest'] as const),
        target: Num,
        relativeVariancePercent: Num,
        misses: Type.Boolean(),
      }),
    ),
    flags: Type.Array(Type.Ref('EvaluationFlag')),
  },
  'The evaluation of an indicator for an area and reporting period (DOMAIN.md rules 2-11)',
  'Evaluation',
)

const IndicatorSummary = obj({
  id: Uuid,
  reference: Type.String(),
  name: Type.String(),
  unit: Type.String(),
  polarity: Type.String(),
  frequency: Type.String(),
  decimalPlaces: Type.Integer(),
  parentId: Nullable(Uuid),
  priorityIds: Type.Array(Uuid),
})
const AreaSummary = obj({ id: Uuid, name: Type.String(), code: Nullable(Type.String()) })
const Diagnostic = obj({
  indicatorId: Uuid,
  reference: Type.String(),
  name: Type.String(),
  rag: StringEnum(RAGS),
  actual: Num,
  target: Num,
  flags: Type.Array(StringEnum(FLAGS)),
})

const itemFields = {
  indicator: IndicatorSummary,
  area: AreaSummary,
  rolledUp: Type.Boolean({ description: "true: the area has no figures of its own; its children's were rolled up" }),
  evaluation: Type.Ref('Evaluation'),
  actions: Type.Array(Type.Ref('LinkedAction'), {
    description: "The indicator's linked actions: status, activity RAG and flags on the as-of date",
  }),
  diagnostics: Type.Array(Diagnostic, {
    description: 'Key diagnostic indicators of a headline indicator, for the same area',
  }),
  overridden: Type.Array(
    obj({
      period: Type.String(),
      sentBy: Type.String({ description: 'Who replaced the figure' }),
      reason: Type.String({ description: 'Why, as they said' }),
      agencyId: Uuid,
    }),
    {
      description:
        "Figures of the year up to the period that a person sent over the figure the supplying agency's feed had sent: by whom and why",
    },
  ),
}

export const EvaluatedItemSchema = obj(itemFields)

const Warnings = Type.Optional(
  Type.Array(Type.String(), { description: 'How the request was read where it could have meant something else' }),
)

/** What a report read with knownAt says of itself. */
const KnownAtField = Type.Optional(
  Type.String({ format: 'date-time', description: 'The figures and commentary as they stood at this time' }),
)

export const PartnershipEvaluationSchema = obj(
  {
    period: Type.String(),
    asOf: Type.String({ format: 'date' }),
    knownAt: KnownAtField,
    warnings: Warnings,
    items: Type.Array(EvaluatedItemSchema),
  },
  'Every indicator and area of the partnership, evaluated for one period',
)

/** A reporting period's as-of date: by default its last day once it has passed, so history is judged as it stood. */
const PeriodAsOf = Type.String({
  format: 'date',
  description:
    'Judge as on this date: what is overdue, late or missing then. Default: today, or for a period that has ended its last day, so a past period is judged as it stood when it closed rather than with every figure overdue since',
})

/** As the figures stood: every version of a figure and of a comment is kept, so any past state reads again. */
const KnownAt = Type.Union([Type.String({ format: 'date-time' }), Type.String({ format: 'date' })], {
  description:
    'Read the figures and commentary as they stood at this time (a date: at the end of that day, UTC); default now. An issued report equals the report read with knownAt its issue time',
})

/** The least settled figure read (issue 27). */
const MinimumStatus = StringEnum(MEASUREMENT_STATUSES, {
  description:
    "Judge on figures at least this settled: validated leaves provisional figures out, published leaves all but published out (default provisional; a viewer never reads below the partnership's viewerMinimumStatus)",
})

export const EvaluationQuery = obj({
  period: Period,
  asOf: Type.Optional(PeriodAsOf),
  knownAt: Type.Optional(KnownAt),
  priorityId: Type.Optional(Uuid),
  areaId: Type.Optional(Uuid),
  indicatorId: Type.Optional(Uuid),
  rag: Type.Optional(StringEnum(RAGS)),
  flag: Type.Optional(StringEnum(FLAGS)),
  minimumStatus: Type.Optional(MinimumStatus),
})

export const SeriesParams = obj({ partnership: Slug, id: Uuid })
export const SeriesQuery = obj({
  areaId: Uuid,
  from: Type.Optional({
    ...Period,
    description:
      'The first period. Default: twelve periods before the last, from the first of them with a figure or a target',
  }),
  to: Type.Optional({
    ...Period,
    description: "The last period. Default: the period of the indicator's latest figure on or before asOf",
  }),
  asOf: Type.Optional(AsOf),
  minimumStatus: Type.Optional(MinimumStatus),
})
export const SeriesSchema = obj(
  {
    indicator: IndicatorSummary,
    area: AreaSummary,
    rolledUp: Type.Boolean(),
    asOf: Type.String({ format: 'date' }),
    actions: Type.Array(Type.Ref('LinkedAction'), { description: "The indicator's linked actions on the as-of date" }),
    items: Type.Array(Type.Ref('Evaluation')),
  },
  'One indicator for one area over a range of periods',
)

const ReportItem = obj({
  ...itemFields,
  direction: StringEnum(['bad', 'good'] as const, { description: 'bad when any flag is bad' }),
  commentary: LatestCommentarySchema,
})
const PriorityGroup = obj({
  priority: obj({ id: Nullable(Uuid), code: Nullable(Type.String()), name: Type.String() }),
  items: Type.Array(ReportItem),
})

export const ReportSchema = obj({
  period: Type.String(),
  asOf: Type.String({ format: 'date' }),
  knownAt: KnownAtField,
  warnings: Warnings,
  priorities: Type.Array(PriorityGroup),
})

export const ReportQuery = obj({
  period: Period,
  asOf: Type.Optional(PeriodAsOf),
  knownAt: Type.Optional(KnownAt),
  minimumStatus: Type.Optional(MinimumStatus),
  priorityId: Type.Optional(Uuid),
  groupId: Type.Optional(
    Type.String({
      format: 'uuid',
      description: "A theme group: its priority's indicators (a group with no priority owns none)",
    }),
  ),
  areaId: Type.Optional(Uuid),
  format: Type.Optional(
    StringEnum(['json', 'csv', 'xlsx'] as const, {
      description:
        'csv: one row per indicator and area (also with Accept: text/csv); xlsx: the same rows in an Excel workbook; json by default',
    }),
  ),
})

/** At most this many partnerships side by side in one request: each is a whole evaluation. */
export const MAX_OVERVIEW_PARTNERSHIPS = 12

export const OverviewQuery = obj({
  period: Period,
  asOf: Type.Optional(PeriodAsOf),
  minimumStatus: Type.Optional(MinimumStatus),
  partnerships: Type.String({
    pattern: '^[a-z0-9-]+(,[a-z0-9-]+)*$',
    maxLength: 1000,
    description: `The partnerships' slugs, comma-separated (at most ${MAX_OVERVIEW_PARTNERSHIPS})`,
    examples: ['east-lincolnshire,peterborough'],
  }),
})

const Flagged = obj({
  indicator: obj({ id: Uuid, reference: Type.String(), name: Type.String() }),
  area: AreaSummary,
  rag: StringEnum(RAGS),
  direction: StringEnum(['bad', 'good'] as const, { description: 'bad when any flag is bad' }),
  flags: Type.Array(StringEnum(FLAGS)),
})

export const OverviewSchema = obj(
  {
    period: Type.String({ description: 'As asked; each partnership reads it in its own year' }),
    partnerships: Type.Array(
      obj({
        slug: Slug,
        period: Type.String({
          description: 'The period evaluated, as that partnership writes it (a quarter of its year)',
        }),
        asOf: Type.String({ format: 'date' }),
        rag: obj({ green: Type.Integer(), amber: Type.Integer(), red: Type.Integer(), grey: Type.Integer() }),
        flagged: Type.Array(Flagged, { description: 'The indicators and areas with a flag, bad before good' }),
      }),
    ),
  },
  'Several partnerships side by side for one period: RAG counts and flagged indicators of each',
)
