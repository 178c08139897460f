import Type from 'typebox'
import { BANDS, EXPOSURES, RISK_FLAGS } from '../../domain/risks/index.js'
import {
  AsOf,
  IsoDate,
  Name,
  Nullable,
  RecordFields,
  StringEnum,
  Text,
  Timestamp,
  Uuid,
  updateOf,
} from '../../http/schemas.js'

const Level = Type.Integer({ minimum: 1, maximum: 5 })
const Levels = (axis: string) => Type.Integer({ minimum: 2, maximum: 5, description: `${axis} runs from 1 to this` })
const Labels = (axis: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 60 }), {
    maxItems: 5,
    description: `A label per ${axis} level, lowest first (none, or one for each)`,
  })
const Score = Type.Integer({ minimum: 1, maximum: 25 })

const settingFields = {
  likelihoodLevels: Levels('Likelihood'),
  impactLevels: Levels('Impact'),
  likelihoodLabels: Labels('likelihood'),
  impactLabels: Labels('impact'),
  mediumFrom: Type.Integer({ minimum: 2, maximum: 25, description: 'The lowest score banded medium' }),
  highFrom: Type.Integer({ minimum: 2, maximum: 25, description: 'The lowest score banded high' }),
  veryHighFrom: Type.Integer({ minimum: 2, maximum: 25, description: 'The lowest score banded very high' }),
  appetite: Type.Integer({ minimum: 1, maximum: 25, description: 'A current score above this must be escalated' }),
}
export const RiskSettingsSchema = Type.Object(
  { ...settingFields, version: Type.Integer({ minimum: 0, description: '0 until first set (the defaults)' }) },
  { additionalProperties: false, description: "The partnership's risk scales, bands and appetite" },
)
export const UpdateRiskSettingsSchema = Type.Object(
  {
    likelihoodLevels: Type.Optional(settingFields.likelihoodLevels),
    impactLevels: Type.Optional(settingFields.impactLevels),
    likelihoodLabels: Type.Optional(settingFields.likelihoodLabels),
    impactLabels: Type.Optional(settingFields.impactLabels),
    mediumFrom: Type.Optional(settingFields.mediumFrom),
    highFrom: Type.Optional(settingFields.highFrom),
    veryHighFrom: Type.Optional(settingFields.veryHighFrom),
    appetite: Type.Optional(settingFields.appetite),
  },
  { additionalProperties: false, minProperties: 1 },
)

const Scored = Type.Object(
  { likelihood: Level, impact: Level, score: Score, band: StringEnum(BANDS) },
  { additionalProperties: false },
)
const FlagEntry = Type.Object({ flag: StringEnum(RISK_FLAGS), reason: Type.String() }, { additionalProperties: false })

export const RiskSchema = Type.Object(
  {
    ...RecordFields,
    reference: Type.String(),
    title: Type.String(),
    description: Nullable(Type.String()),
    category: Nullable(Type.String()),
    ownerName: Nullable(Type.String()),
    ownerAgencyId: Nullable(Uuid),
    priorityId: Nullable(Uuid),
    objectiveId: Nullable(Uuid),
    controls: Nullable(Type.String()),
    priorityActions: Type.Array(Type.String()),
    reviewIntervalMonths: Type.Integer(),
    closedOn: Nullable(IsoDate),
    closedReason: Nullable(Type.String()),
    actionIds: Type.Array(Uuid, { description: 'The actions that treat it' }),
    currentScore: Type.Integer({ description: "The latest assessment's current score (0 before any)" }),
    view: Type.Object(
      {
        asOf: IsoDate,
        assessedOn: Nullable(IsoDate),
        inherent: Nullable(Scored),
        current: Nullable(Scored),
        target: Nullable(Scored),
        trend: StringEnum(['up', 'down', 'sideways', 'none', 'new', 'unassessed'] as const, {
          description: 'Current exposure against the previous assessment',
        }),
        reviewDueOn: IsoDate,
        flags: Type.Array(FlagEntry),
      },
      { additionalProperties: false, description: 'The risk on the as-of date, worked out' },
    ),
  },
  { $id: 'Risk', additionalProperties: false, description: 'A risk of the register' },
)
export const CreateRiskSchema = Type.Object(
  {
    reference: Type.String({ minLength: 1, maxLength: 40, description: 'CSP1...' }),
    title: Type.String({ minLength: 1, maxLength: 500 }),
    description: Type.Optional(Nullable(Text)),
    category: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    ownerName: Type.Optional(Nullable(Name)),
    ownerAgencyId: Type.Optional(Nullable(Uuid)),
    priorityId: Type.Optional(Nullable(Uuid)),
    objectiveId: Type.Optional(Nullable(Uuid)),
    controls: Type.Optional(Nullable(Text)),
    priorityActions: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 50 })),
    reviewIntervalMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'Default 6' })),
    closedOn: Type.Optional(Nullable(IsoDate)),
    closedReason: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2000 }))),
    actionIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
  },
  { additionalProperties: false },
)
export const UpdateRiskSchema = updateOf(CreateRiskSchema)
export const RiskFilters = {
  priorityId: Uuid,
  ownerAgencyId: Uuid,
  actionId: Uuid,
  band: StringEnum(BANDS, { description: 'Current exposure in this band on the as-of date' }),
  flag: StringEnum(RISK_FLAGS),
  asOf: AsOf,
}

export const AssessmentSchema = Type.Object(
  {
    ...RecordFields,
    riskId: Uuid,
    assessedOn: IsoDate,
    assessor: Type.String({ description: 'From the token' }),
    likelihoodLevels: Type.Integer({ description: 'The scale it was made on' }),
    impactLevels: Type.Integer(),
    inherentLikelihood: Level,
    inherentImpact: Level,
    currentLikelihood: Level,
    currentImpact: Level,
    targetLikelihood: Nullable(Level),
    targetImpact: Nullable(Level),
    inherentScore: Score,
    currentScore: Score,
    targetScore: Nullable(Score),
    note: Nullable(Type.String()),
    withdrawnBy: Nullable(Type.String()),
    withdrawnReason: Nullable(Type.String()),
    withdrawnAt: Nullable(Timestamp),
  },
  {
    $id: 'RiskAssessment',
    additionalProperties: false,
    description: 'A dated assessment: append-only; a mistaken one is withdrawn with a reason',
  },
)
export const CreateAssessmentSchema = Type.Object(
  {
    assessedOn: IsoDate,
    inherentLikelihood: Level,
    inherentImpact: Level,
    currentLikelihood: Level,
    currentImpact: Level,
    targetLikelihood: Type.Optional(Nullable(Level)),
    targetImpact: Type.Optional(Nullable(Level)),
    note: Type.Optional(Nullable(Text)),
  },
  { additionalProperties: false },
)
export const WithdrawBody = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
)

export const HeatmapQuery = Type.Object(
  {
    exposure: Type.Optional(StringEnum(EXPOSURES, { description: 'inherent, current (default) or target' })),
    asOf: Type.Optional(
      Type.String({ format: 'date', description: "Each risk's latest assessment on or before (default today)" }),
    ),
    at: Type.Optional(Type.String({ format: 'date', description: 'The same as asOf, its earlier name (deprecated)' })),
    compareTo: Type.Optional(
      Type.String({ format: 'date', description: 'An earlier date: which risks moved cell since' }),
    ),
  },
  { additionalProperties: false },
)
const CellPosition = Type.Object({ likelihood: Level, impact: Level, score: Score }, { additionalProperties: false })
export const HeatmapSchema = Type.Object(
  {
    exposure: StringEnum(EXPOSURES),
    at: IsoDate,
    likelihoodLevels: Type.Integer(),
    impactLevels: Type.Integer(),
    cells: Type.Array(
      Type.Object(
        {
          likelihood: Level,
          impact: Level,
          score: Score,
          band: StringEnum(BANDS),
          references: Type.Array(Type.String()),
        },
        { additionalProperties: false },
      ),
      { description: 'Rows from the highest likelihood down, each from impact 1 up, as the matrix is printed' },
    ),
    offScale: Type.Array(
      Type.Object(
        { reference: Type.String(), likelihood: Type.Integer(), impact: Type.Integer(), score: Type.Integer() },
        { additionalProperties: false },
      ),
      {
        description:
          'Risks whose exposure lies beyond the scale in force (assessed on a larger scale): listed, never dropped',
      },
    ),
    movement: Type.Optional(
      Type.Array(
        Type.Object(
          {
            reference: Type.String(),
            from: Nullable(CellPosition),
            to: Nullable(CellPosition),
            direction: StringEnum(['up', 'down', 'sideways', 'none', 'new', 'gone'] as const),
          },
          { additionalProperties: false },
        ),
        { description: 'With compareTo: each risk from its cell then to its cell now' },
      ),
    ),
  },
  { additionalProperties: false, description: 'A likelihood x impact matrix with the risks in each cell' },
)

export const RegisterQuery = Type.Object(
  { asOf: Type.Optional(AsOf), format: Type.Optional(StringEnum(['json', 'csv', 'xlsx'] as const)) },
  { additionalProperties: false },
)
export const RegisterSchema = Type.Object(
  {
    asOf: IsoDate,
    items: Type.Array(Type.Ref('Risk'), { description: 'By current score on the as-of date, highest first' }),
  },
  { additionalProperties: false, description: 'The risk register' },
)
