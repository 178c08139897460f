import Type from 'typebox'
import { OFFICES } from '../../domain/actions/context.js'
import { BID_ACTIONS, BID_STATES, MAINSTREAMING, STAGES } from '../../domain/funding/index.js'
import { AsOf, IsoDate, Name, Nullable, RecordFields, StringEnum, Text, Uuid, updateOf } from '../../http/schemas.js'

const Pence = (description: string) => Type.Integer({ minimum: 0, maximum: 100_000_000_000, description })
const State = StringEnum(BID_STATES)

const LedgerFields = {
  committedPence: Type.Integer({ description: 'Approved bids drawing on it' }),
  spentPence: Type.Integer({ description: 'Payments recorded against those bids' }),
  remainingPence: Type.Integer({ description: 'Not yet committed' }),
}

export const StreamSchema = Type.Object(
  {
    ...RecordFields,
    name: Type.String(),
    funder: Nullable(Type.String()),
    financialYear: Type.String({ description: 'FY2010-11' }),
    totalPence: Type.Integer(),
    accountableBody: Nullable(Type.String()),
    notes: Nullable(Type.String()),
  },
  { $id: 'FundingStream', additionalProperties: false, description: 'A funding stream for a financial year' },
)
export const CreateStreamSchema = Type.Object(
  {
    name: Name,
    funder: Type.Optional(Nullable(Name)),
    financialYear: Type.String({ minLength: 4, maxLength: 12, description: 'The financial year: FY2010-11' }),
    totalPence: Pence('The stream total in pence'),
    accountableBody: Type.Optional(Nullable(Name)),
    notes: Type.Optional(Nullable(Text)),
  },
  { additionalProperties: false },
)
export const UpdateStreamSchema = updateOf(CreateStreamSchema)
export const StreamFilters = { financialYear: Type.String({ maxLength: 12 }) }

export const AllocationSchema = Type.Object(
  {
    ...RecordFields,
    streamId: Uuid,
    description: Type.String(),
    amountPence: Type.Integer(),
    priorityId: Nullable(Uuid),
    actionItemId: Nullable(Uuid),
    contingency: Type.Boolean(),
  },
  { $id: 'FundingAllocation', additionalProperties: false, description: "A line of a stream's allocation table" },
)
export const CreateAllocationSchema = Type.Object(
  {
    description: Type.String({ minLength: 1, maxLength: 500 }),
    amountPence: Pence('The amount allocated in pence'),
    priorityId: Type.Optional(Nullable(Uuid)),
    actionItemId: Type.Optional(Nullable(Uuid)),
    contingency: Type.Optional(Type.Boolean({ description: 'The contingency fund line' })),
  },
  { additionalProperties: false },
)
export const UpdateAllocationSchema = updateOf(CreateAllocationSchema)
export const AllocationFilters = { priorityId: Uuid, contingency: Type.Boolean() }

const FlagEntry = Type.Object(
  {
    flag: StringEnum(['evaluation_overdue', 'agency_evaluation_overdue', 'no_independent_decider'] as const),
    reason: Type.String(),
  },
  { additionalProperties: false },
)

export const BidSchema = Type.Object(
  {
    ...RecordFields,
    streamId: Uuid,
    allocationId: Uuid,
    applicant: Type.String({ description: 'Token subject of whoever made the bid' }),
    applicantAgencyId: Nullable(Uuid),
    amountPence: Type.Integer(),
    title: Type.String(),
    description: Nullable(Type.String()),
    priorityId: Nullable(Uuid),
    outcomes: Type.Array(Type.String()),
    actionItemId: Nullable(Uuid),
    groupId: Type.String({ format: 'uuid', description: 'The delivery group it goes to' }),
    attachments: Type.Array(Type.String()),
    state: State,
    evaluationDueOn: Nullable(IsoDate),
    mainstreaming: Nullable(StringEnum(MAINSTREAMING)),
    mainstreamingReason: Nullable(Type.String()),
    route: StringEnum(['officers', 'performance_group'] as const, {
      description:
        "Who decides once it is supported: the partnership's officers (at or under the threshold) or the Performance Group",
    }),
    allowedActions: Type.Array(StringEnum(BID_ACTIONS), { description: 'What its state allows next' }),
    flags: Type.Array(FlagEntry, { description: "On the as-of date (evaluation overdue, its own or its agency's)" }),
  },
  { $id: 'FundingBid', additionalProperties: false, description: 'A bid for funding and where it stands' },
)
const bidFields = {
  allocationId: Type.String({ format: 'uuid', description: 'The allocation line (or contingency) it draws on' }),
  applicantAgencyId: Type.Optional(Nullable(Uuid)),
  amountPence: Type.Integer({ minimum: 1, maximum: 100_000_000_000, description: 'Amount requested in pence' }),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  description: Type.Optional(Nullable(Text)),
  priorityId: Type.Optional(Nullable(Uuid)),
  outcomes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 50 })),
  actionItemId: Type.Optional(Nullable(Uuid)),
  groupId: Type.String({ format: 'uuid', description: 'The delivery group it goes to' }),
  attachments: Type.Optional(
    Type.Array(Type.String({ format: 'uri', maxLength: 2000 }), { maxItems: 20, description: 'Links to documents' }),
  ),
}
export const CreateBidSchema = Type.Object(bidFields, { additionalProperties: false })
export const UpdateBidSchema = updateOf(CreateBidSchema)
export const BidFilters = {
  streamId: Uuid,
  allocationId: Uuid,
  groupId: Uuid,
  applicantAgencyId: Uuid,
  state: State,
  flag: StringEnum(['evaluation_overdue', 'agency_evaluation_overdue', 'no_independent_decider'] as const),
  asOf: AsOf,
}

const DecidedOn = Type.Optional(
  Type.String({
    format: 'date',
    description:
      "The day the decision was taken, the meeting's date when it is minuted later (default today): not after today, not before the bid's previous step. Offices are checked on this day and the stage 4 report lists the decision under it.",
  }),
)

export const TransitionBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 5000, description: 'Required to reject or return' })),
    evaluationDueOn: Type.Optional(
      Type.String({
        format: 'date',
        description: "On a final approval: when the evaluation is due (default the end of the stream's year)",
      }),
    ),
    decidedOn: DecidedOn,
  },
  { additionalProperties: false },
)

export const DecisionSchema = Type.Object(
  {
    id: Uuid,
    bidId: Uuid,
    action: Type.String(),
    stage: StringEnum([...STAGES, 'year_end'] as const),
    fromState: State,
    toState: State,
    actor: Type.String(),
    offices: Type.Array(StringEnum(OFFICES)),
    groupId: Nullable(Uuid),
    reason: Nullable(Type.String()),
    amountPence: Type.Integer(),
    decidedOn: Type.String({ format: 'date', description: "The day the decision was taken (the meeting's date)" }),
    recordedAt: Type.Unsafe<string | Date>(Type.String({ format: 'date-time', description: 'When it was entered' })),
  },
  {
    $id: 'FundingDecision',
    additionalProperties: false,
    description: 'One step of a bid, as the stage 4 report lists it',
  },
)

export const TransitionResult = Type.Object(
  {
    bid: Type.Ref('FundingBid'),
    decision: Type.Ref('FundingDecision'),
    inform: Type.Array(Type.Object({ subject: Type.String(), name: Nullable(Type.String()) }), {
      description: "Who must be told: on a Performance Group rejection, the delivery group's chair",
    }),
  },
  { additionalProperties: false },
)

export const MainstreamingBody = Type.Object(
  { decision: StringEnum(MAINSTREAMING), reason: Type.String({ minLength: 1, maxLength: 5000 }), decidedOn: DecidedOn },
  { additionalProperties: false },
)

export const EvaluationSchema = Type.Object(
  {
    ...RecordFields,
    bidId: Uuid,
    evaluatedOn: IsoDate,
    summary: Type.String(),
    outcomeFigures: Type.Array(Type.String()),
    indicatorIds: Type.Array(Uuid),
    author: Type.String(),
  },
  { $id: 'FundingEvaluation', additionalProperties: false, description: 'The evaluation of a funded project' },
)
export const CreateEvaluationSchema = Type.Object(
  {
    evaluatedOn: IsoDate,
    summary: Type.String({ minLength: 1, maxLength: 10_000 }),
    outcomeFigures: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 500 }), {
        maxItems: 50,
        description: '"36 licensees trained"',
      }),
    ),
    indicatorIds: Type.Optional(Type.Array(Uuid, { maxItems: 50, uniqueItems: true })),
  },
  { additionalProperties: false },
)
export const UpdateEvaluationSchema = updateOf(CreateEvaluationSchema)

export const PaymentSchema = Type.Object(
  {
    ...RecordFields,
    bidId: Uuid,
    paidOn: IsoDate,
    amountPence: Type.Integer(),
    reference: Nullable(Type.String()),
  },
  { $id: 'FundingPayment', additionalProperties: false, description: 'Money paid out on a funded bid' },
)
export const CreatePaymentSchema = Type.Object(
  {
    paidOn: IsoDate,
    amountPence: Type.Integer({ minimum: 1, maximum: 100_000_000_000 }),
    reference: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
  },
  { additionalProperties: false },
)
export const UpdatePaymentSchema = updateOf(CreatePaymentSchema)

const LedgerSchema = Type.Object({ amountPence: Type.Integer(), ...LedgerFields }, { additionalProperties: false })
export const StatementSchema = Type.Object(
  {
    stream: Type.Ref('FundingStream'),
    asOf: IsoDate,
    ledger: Type.Object(
      { ...LedgerSchema.properties, allocatedPence: Type.Integer(), unallocatedPence: Type.Integer() },
      { additionalProperties: false },
    ),
    allocations: Type.Array(
      Type.Object(
        {
          id: Uuid,
          description: Type.String(),
          contingency: Type.Boolean(),
          ledger: LedgerSchema,
        },
        { additionalProperties: false },
      ),
    ),
    bids: Type.Array(
      Type.Object(
        { state: State, count: Type.Integer(), amountPence: Type.Integer() },
        { additionalProperties: false },
      ),
      { description: 'Bids on the stream by state' },
    ),
  },
  {
    additionalProperties: false,
    description: 'A stream statement: allocations, bids by state, committed, spent, remaining',
  },
)
export const StatementQuery = Type.Object(
  { format: Type.Optional(StringEnum(['json', 'csv', 'xlsx'] as const)) },
  { additionalProperties: false },
)

export const DecisionsQuery = Type.Object(
  {
    from: IsoDate,
    to: IsoDate,
    format: Type.Optional(StringEnum(['json', 'csv', 'xlsx'] as const)),
  },
  { additionalProperties: false },
)
export const DecisionsReportSchema = Type.Object(
  {
    from: IsoDate,
    to: IsoDate,
    items: Type.Array(
      Type.Object(
        {
          decision: Type.Ref('FundingDecision'),
          bidTitle: Type.String(),
          groupName: Nullable(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Every decision in the range (seed 002 stage 4)' },
)
