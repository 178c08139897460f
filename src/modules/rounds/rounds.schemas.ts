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

const RequestSchema = Type.Object(
  {
    id: Uuid,
    groupId: Uuid,
    question: Type.String(),
    dueOn: IsoDate,
    askedBy: Type.String(),
    answer: Nullable(Type.String()),
    answeredBy: Nullable(Type.String()),
    answeredAt: Nullable(Timestamp),
    status: StringEnum(['answered', 'due', 'overdue'] as const, { description: 'On today' }),
  },
  { additionalProperties: false, description: "PMG's request to a theme group for more explanation" },
)

export const STRATEGIC_RESPONSES = ['accepted', 'further_support_required', 'raise_at_county_board'] as const

const ResponseFields = {
  id: Uuid,
  roundId: Uuid,
  indicatorId: Uuid,
  areaId: Uuid,
  response: StringEnum(STRATEGIC_RESPONSES, {
    description: "The Strategic Group's response to the exception (seed 000 Appendix 1, stage 4)",
  }),
  note: Nullable(Type.String()),
  followUp: Nullable(Type.String({ description: 'A follow-up request to the PMG chair, answered in a later round' })),
  followUpDueOn: Nullable(IsoDate),
  respondedBy: Type.String(),
  answer: Nullable(Type.String({ description: "The PMG chair's answer to the follow-up" })),
  answeredInRoundId: Nullable(Uuid),
  answeredBy: Nullable(Type.String()),
  answeredAt: Nullable(Timestamp),
}
const ResponseSchema = Type.Object(ResponseFields, {
  additionalProperties: false,
  description: "The Strategic Group's response to one issued exception",
})

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
    requests: Type.Array(RequestSchema, { description: "PMG's requests to the theme groups, oldest first" }),
    responses: Type.Array(ResponseSchema, { description: "The Strategic Group's responses to the issued exceptions" }),
    followUps: Type.Array(ResponseSchema, {
      description: "The Strategic Group's follow-up requests from earlier rounds still open, or answered in this round",
    }),
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

export const RequestBodySchema = Type.Object(
  {
    groupId: Uuid,
    question: Type.String({ minLength: 1, maxLength: 4000 }),
    dueOn: Type.String({ format: 'date', description: 'Answered by this day; on or before the Strategic Group meets' }),
  },
  { additionalProperties: false },
)

export const AnswerBodySchema = Type.Object(
  { answer: Type.String({ minLength: 1, maxLength: 10_000 }) },
  { additionalProperties: false },
)

export const ResponseBodySchema = Type.Object(
  {
    response: ResponseFields.response,
    note: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 4000 }))),
    followUp: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 4000 }))),
    followUpDueOn: Type.Optional(
      Nullable(Type.String({ format: 'date', description: 'Required with followUp: when PMG answers by' })),
    ),
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
    knownAt: Type.Optional(Type.String({ format: 'date-time' })),
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

const Moved = Type.Object(
  {
    actual: Nullable(Type.Number()),
    target: Nullable(Type.Number()),
    rag: Type.String(),
    flags: Type.Array(Type.String()),
  },
  { additionalProperties: false },
)

export const RoundChangesSchema = Type.Object(
  {
    roundId: Uuid,
    period: Type.String(),
    issuedAt: Timestamp,
    items: Type.Array(
      Type.Object(
        {
          indicator: Type.Object(
            { id: Uuid, reference: Type.String(), name: Type.String() },
            { additionalProperties: false },
          ),
          area: Type.Object(
            { id: Uuid, code: Nullable(Type.String()), name: Type.String() },
            { additionalProperties: false },
          ),
          issued: Nullable(Moved),
          now: Nullable(Moved),
          revisions: Type.Array(
            Type.Object(
              {
                period: Type.String(),
                value: Nullable(Type.String({ description: 'The value written (null: the figure was deleted)' })),
                sentBy: Type.String(),
                at: Timestamp,
              },
              { additionalProperties: false },
            ),
            { description: "The figures written since issue for the item's indicator and area, oldest first" },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'What moved since the round was issued: each indicator and area whose figure, target, RAG or flags differ between the issued report and the same report now, with the figures written since',
  },
)

export const RoundMissingSchema = Type.Object(
  {
    roundId: Uuid,
    period: Type.String(),
    groups: Type.Array(
      Type.Object(
        {
          groupId: Uuid,
          groupName: Type.String(),
          status: StringEnum(['submitted', 'due', 'overdue'] as const),
          commentary: Type.Array(
            Type.Object(
              {
                indicatorId: Uuid,
                reference: Type.String(),
                areaId: Uuid,
                areaName: Type.String(),
                direction: StringEnum(['bad', 'good'] as const),
              },
              { additionalProperties: false },
            ),
            { description: "Exceptions of the group's priority going up with no commentary for the round's period" },
          ),
          progress: Type.Array(
            Type.Object(
              { actionId: Uuid, reference: Nullable(Type.String()), title: Type.String() },
              { additionalProperties: false },
            ),
            { description: "The group's running actions with no progress update since the period began" },
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: "What each theme group's return still lacks" },
)
