import Type from 'typebox'
import { ACTION_FLAGS, ACTION_STATUSES, ONGOING } from '../../domain/actions/index.js'
import { RAGS } from '../../domain/evaluation/types.js'
import { AsOf, IsoDate, Name, Nullable, RecordFields, StringEnum, Text, Uuid, updateOf } from '../../http/schemas.js'

const Status = StringEnum(ACTION_STATUSES, {
  description: 'Set by people (directly, or by the latest progress update); flags never overwrite it',
})
const Strings = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 100, description })
const When = (description: string) =>
  Type.String({
    minLength: 4,
    maxLength: 12,
    description: `${description}: a day (2010-08-21), a month (2010-04), a quarter (2010-Q2), a financial year (FY2010-11) or a year (2010)`,
  })

const Resource = Type.Object(
  {
    description: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 500 }))),
    amountPence: Type.Optional(
      Nullable(Type.Integer({ minimum: 0, maximum: 100_000_000_000, description: 'Integer pence' })),
    ),
    amountTbc: Type.Optional(Type.Boolean({ description: 'A sum is needed but not yet set ("Amount TBC")' })),
    approximate: Type.Optional(Type.Boolean({ description: 'The plan gives the sum as approximate' })),
    source: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200, description: 'Funding source' }))),
    secured: Type.Optional(Nullable(Type.Boolean({ description: 'null: the plan does not say' }))),
  },
  { additionalProperties: false },
)
const ResourceOut = Type.Object(
  {
    description: Nullable(Type.String()),
    amountPence: Nullable(Type.Integer()),
    amountTbc: Type.Boolean(),
    approximate: Type.Boolean(),
    source: Nullable(Type.String()),
    secured: Nullable(Type.Boolean()),
  },
  { additionalProperties: false },
)

const FlagEntry = Type.Object(
  { flag: StringEnum(ACTION_FLAGS), reason: Type.String() },
  { additionalProperties: false },
)
export const AssessmentSchema = Type.Object(
  {
    asOf: IsoDate,
    flags: Type.Array(FlagEntry),
    activityRag: StringEnum(RAGS, { description: 'The RAG of the activity (README: activity RAG)' }),
    activityRagReason: Type.String(),
    lastProgressOn: Nullable(IsoDate),
  },
  { additionalProperties: false, description: 'What the action looks like on the as-of date, worked out' },
)

const actionFields = {
  priorityId: Uuid,
  objectiveId: Nullable(Uuid),
  groupId: Nullable(Type.String({ format: 'uuid', description: 'The theme group that owns the action' })),
  reference: Nullable(Type.String()),
  title: Type.String(),
  description: Nullable(Type.String()),
  outputs: Type.Array(Type.String()),
  starts: Nullable(Type.String({ description: 'As written: a day or a period; null when to be confirmed' })),
  ends: Nullable(
    Type.String({ description: `As written: a day, a period or "${ONGOING}"; null when to be confirmed` }),
  ),
  timing: Nullable(Type.String({ description: 'The plan\'s own words for when ("April to March")' })),
  startsOn: Nullable(IsoDate),
  endsOn: Nullable(IsoDate),
  leadName: Nullable(Type.String()),
  leadAgencyId: Nullable(Uuid),
  leadTbc: Type.Boolean(),
  partnerAgencyIds: Type.Array(Uuid),
  otherPartners: Type.Array(Type.String(), { description: 'Partners that are not agencies of the partnership' }),
  resources: Type.Array(ResourceOut),
  outcomes: Type.Array(Type.String()),
  indicatorIds: Type.Array(Uuid),
  measures: Type.Array(Type.String()),
  status: Status,
}

export const ActionSchema = Type.Object(
  { ...RecordFields, ...actionFields, assessment: AssessmentSchema },
  {
    $id: 'Action',
    additionalProperties: false,
    description: "An action of a priority's action plan, with its flags and activity RAG worked out",
  },
)
export const CreateActionSchema = Type.Object(
  {
    priorityId: Uuid,
    objectiveId: Type.Optional(Nullable(Uuid)),
    groupId: Type.Optional(Nullable(Uuid)),
    reference: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 40 }))),
    title: Type.String({ minLength: 1, maxLength: 500 }),
    description: Type.Optional(Nullable(Text)),
    outputs: Type.Optional(Strings('What the action delivers')),
    starts: Type.Optional(Nullable(When('When it starts'))),
    ends: Type.Optional(Nullable(Type.Union([When('When it ends'), Type.Literal(ONGOING)]))),
    timing: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    leadName: Type.Optional(Nullable(Name)),
    leadAgencyId: Type.Optional(Nullable(Uuid)),
    leadTbc: Type.Optional(Type.Boolean({ description: 'The lead is to be confirmed (send no name or agency)' })),
    partnerAgencyIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
    otherPartners: Type.Optional(Strings('Partners that are not agencies of the partnership')),
    resources: Type.Optional(Type.Array(Resource, { maxItems: 50 })),
    outcomes: Type.Optional(Strings('Associated outcomes')),
    indicatorIds: Type.Optional(Type.Array(Uuid, { maxItems: 100, uniqueItems: true })),
    measures: Type.Optional(Strings('Free-text measures ("number of events held")')),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
)
export const UpdateActionSchema = updateOf(CreateActionSchema)
export const ActionFilters = {
  priorityId: Uuid,
  objectiveId: Uuid,
  groupId: Uuid,
  leadAgencyId: Uuid,
  status: Status,
  partnerAgencyId: Uuid,
  indicatorId: Uuid,
  flag: StringEnum(ACTION_FLAGS, { description: 'Actions raising this flag on the as-of date' }),
  activityRag: StringEnum(RAGS, { description: 'Actions of this activity RAG on the as-of date' }),
  asOf: AsOf,
}

export const MilestoneSchema = Type.Object(
  {
    ...RecordFields,
    actionItemId: Uuid,
    description: Type.String(),
    due: Type.String({ description: 'The day or period it is due in, as written' }),
    dueFrom: Nullable(Type.String({ description: 'For a milestone spread over periods (Q1-4): the first' })),
    dueOn: IsoDate,
    doneOn: Nullable(IsoDate),
  },
  {
    $id: 'Milestone',
    additionalProperties: false,
    description: "A milestone of an action, due by a day or period's end",
  },
)
export const CreateMilestoneSchema = Type.Object(
  {
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    due: When('When it is due (by the end of it)'),
    dueFrom: Type.Optional(Nullable(When('The first period of a spread ("Q1-4" is from 2010-Q2 to 2011-Q1)'))),
    doneOn: Type.Optional(Nullable(IsoDate)),
  },
  { additionalProperties: false },
)
export const UpdateMilestoneSchema = updateOf(CreateMilestoneSchema)
export const MilestoneFilters = {
  done: Type.Boolean({ description: 'Done (true) or still open (false)' }),
}

export const ProgressSchema = Type.Object(
  {
    ...RecordFields,
    actionItemId: Uuid,
    reportedOn: IsoDate,
    status: Status,
    body: Type.String(),
    author: Type.String({ description: 'From the token of whoever wrote it' }),
    editedBy: Nullable(Type.String()),
  },
  {
    $id: 'ProgressUpdate',
    additionalProperties: false,
    description: "A dated progress update; the latest sets the action's status",
  },
)
export const CreateProgressSchema = Type.Object(
  { reportedOn: IsoDate, status: Status, body: Type.String({ minLength: 1, maxLength: 10_000 }) },
  { additionalProperties: false },
)
export const UpdateProgressSchema = updateOf(CreateProgressSchema)
export const ProgressFilters = { status: Status }

const PlanAction = Type.Object(
  {
    action: Type.Ref('Action'),
    milestones: Type.Array(
      Type.Object(
        {
          label: Type.String({ description: 'As the plan prints it: Q1, Q1-4, or the period' }),
          description: Type.String(),
          dueOn: IsoDate,
          doneOn: Nullable(IsoDate),
        },
        { additionalProperties: false },
      ),
    ),
    lead: Type.String({ description: 'Lead as printed: name, agency, or TBC' }),
    partners: Type.Array(Type.String()),
    indicators: Type.Array(Type.String({ description: 'Indicator references (NI 32)' })),
    latestProgress: Nullable(
      Type.Object({ reportedOn: IsoDate, status: Status, body: Type.String(), author: Type.String() }),
    ),
  },
  { additionalProperties: false },
)
export const ActionPlanSchema = Type.Object(
  {
    priority: Type.Object({ id: Uuid, code: Nullable(Type.String()), name: Type.String() }),
    asOf: IsoDate,
    objectives: Type.Array(
      Type.Object(
        {
          objective: Nullable(Type.Object({ id: Uuid, title: Type.String() })),
          actions: Type.Array(PlanAction),
        },
        { additionalProperties: false },
      ),
      { description: 'By objective, in the order objectives were made; actions with no objective last' },
    ),
  },
  { additionalProperties: false, description: "A priority's action plan as the partnership prints it" },
)
export const ActionPlanQuery = Type.Object(
  {
    asOf: Type.Optional(AsOf),
    format: Type.Optional(
      StringEnum(['json', 'csv', 'xlsx'] as const, { description: 'json (default), csv, or xlsx (an Excel workbook)' }),
    ),
  },
  { additionalProperties: false },
)

/** What the evaluation and its reports show of an indicator's linked actions. */
export const LinkedActionSchema = Type.Object(
  {
    id: Uuid,
    reference: Nullable(Type.String()),
    title: Type.String(),
    status: Status,
    activityRag: StringEnum(RAGS),
    flags: Type.Array(StringEnum(ACTION_FLAGS)),
  },
  { $id: 'LinkedAction', additionalProperties: false, description: 'An action linked to the indicator' },
)
