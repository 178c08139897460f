import Type from 'typebox'
import { IsoDate, Nullable, Period, RecordFields, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'
import { ReportSchema } from '../evaluation/evaluation.schemas.js'

const Days = (what: string, fallback: number) =>
  Type.Integer({ minimum: 0, maximum: 60, default: fallback, description: `${what} (default ${fallback})` })

const ReturnSchema = Type.Object(
  {
    id: Uuid,
    groupId: Uuid,
    groupName: Type.String(),
    priorityId: Nullable(Uuid),
    meetingOn: IsoDate,
    sendBy: Type.String({ format: 'date', description: 'The report reaches the group by this day' }),
    returnBy: Type.String({ format: 'date', description: 'Its return is due by this day' }),
    status: StringEnum(['submitted', 'due', 'overdue'] as const, { description: 'On today' }),
    summary: Nullable(Type.String({ description: "The group's overall summary" })),
    submittedAt: Nullable(Timestamp),
    submittedBy: Nullable(Type.String()),
  },
  { additionalProperties: false, description: "A theme group's return for the round" },
)

const SelectionSchema = Type.Object(
  {
    indicatorId: Uuid,
    areaId: Uuid,
    decision: StringEnum(['keep', 'drop', 'add'] as const, {
      description:
        'keep: a computed exception goes up (with the action that will address it); drop: it does not (with a reason); add: one the computation did not raise goes up (with a reason and a direction)',
    }),
    direction: Nullable(StringEnum(['bad', 'good'] as const)),
    reason: Nullable(Type.String()),
    actionId: Nullable(Uuid),
    decidedBy: Type.String(),
  },
  { additionalProperties: false, description: "PMG's decision on one indicator and area" },
)

export const RoundSchema = Type.Object(
  {
    ...RecordFields,
    period: Type.String(),
    periodStart: IsoDate,
    periodEnd: IsoDate,
    themeMeetingsOn: IsoDate,
    pmgMeetingOn: IsoDate,
    strategicMeetingOn: IsoDate,
    sendDays: Type.Integer(),
    returnDays: Type.Integer(),
    openedBy: Type.String(),
    issuedAt: Nullable(Timestamp),
    issuedBy: Nullable(Type.String()),
    missingReturnsReason: Nullable(Type.String()),
    returns: Type.Array(ReturnSchema),
    selections: Type.Array(SelectionSchema),
  },
  {
    $id: 'Round',
    additionalProperties: false,
    description:
      "A reporting round for a period: the theme groups' returns, PMG's curation of the exceptions, and once issued the frozen report",
  },
)

export const OpenRoundSchema = Type.Object(
  {
    period: Period,
    themeMeetingsOn: Type.String({ format: 'date', description: "The theme groups' meetings (each may have its own)" }),
    pmgMeetingOn: Type.String({ format: 'date', description: "The Performance Management Group's meeting" }),
    strategicMeetingOn: Type.String({ format: 'date', description: "The Strategic Group's meeting" }),
    sendDays: Type.Optional(Days('Days before its meeting a theme group gets the report', 7)),
    returnDays: Type.Optional(Days('Days after its meeting a theme group returns its commentary', 7)),
    groupMeetings: Type.Optional(
      Type.Array(Type.Object({ groupId: Uuid, meetingOn: IsoDate }, { additionalProperties: false }), {
        maxItems: 100,
        description: 'A theme group whose meeting is not on themeMeetingsOn',
      }),
    ),
  },
  { additionalProperties: false },
)

export const RoundFilters = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
)

export const SubmitReturnSchema = Type.Object(
  { summary: Type.String({ minLength: 1, maxLength: 10_000, description: "The group's overall summary" }) },
  { additionalProperties: false },
)

export const SelectionBodySchema = Type.Object(
  {
    decision: SelectionSchema.properties.decision,
    direction: Type.Optional(Nullable(StringEnum(['bad', 'good'] as const))),
    reason: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 2000 }))),
    actionId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
)

export const IssueRoundSchema = Type.Object(
  {
    missingReturnsReason: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 2000,
        description: 'Why the round is issued while a theme group has not returned (required then)',
      }),
    ),
  },
  { additionalProperties: false },
)

/** A report item as exceptionReport answers it, with PMG's selection beside it. */
const Item = (description: string) =>
  Type.Array(Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true }), { description })

export const CuratedReportSchema = Type.Object(
  {
    period: Type.String(),
    asOf: IsoDate,
    priorities: Item(
      'The exceptions going up, by priority ({priority, items}), bad before good; each item as exceptionReport answers it, with its selection (null: computed and kept by default)',
    ),
    dataIssues: Item('Flagged only for want of a target or a figure: chased, not escalated (PMG may keep one)'),
    dropped: Item('Computed exceptions PMG dropped, each with its selection and reason'),
  },
  { additionalProperties: false, description: 'The exception report as curated for the round' },
)

export const IssuedReportSchema = Type.Object(
  {
    roundId: Uuid,
    period: Type.String(),
    issuedAt: Timestamp,
    issuedBy: Type.String(),
    exceptions: CuratedReportSchema,
    performance: ReportSchema,
  },
  {
    additionalProperties: false,
    description: 'The report as issued: a frozen snapshot of figures, flags, commentary and actions, never changed',
  },
)
