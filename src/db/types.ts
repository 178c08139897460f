import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { Role } from '../domain/access.js'
import type { Aggregation, Frequency, Polarity, RateDenominator, Unit } from '../domain/indicators.js'
import type { MeasurementStatus } from '../domain/measurements.js'
import type { JudgedOn } from '../domain/targets.js'
import type { ActionResource, ActionStatus, GroupKind, Office } from '../domain/actions/context.js'
import type { BidState, Mainstreaming } from '../domain/funding/states.js'

// Column names are camelCase here and snake_case in SQL: the client uses Kysely's CamelCasePlugin.

interface Tenanted {
  id: Generated<string>
  partnershipId: ColumnType<string, string, never>
  archived: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface PartnershipTable {
  id: Generated<string>
  slug: string
  name: string
  financialYearStartMonth: Generated<number>
  fundingThresholdPence: Generated<number>
  /** Numeric (read as text): a count's tail probability below this is an outlier. */
  outlierLevel: ColumnType<string, number | undefined, number>
  outlierMaxMultiple: ColumnType<string, number | undefined, number>
  strictValidation: Generated<boolean>
  persistentRedPeriods: Generated<number>
  viewerMinimumStatus: Generated<MeasurementStatus>
  /** Its published figures, their evaluation and its issued rounds are open to anyone (/public). */
  publicView: Generated<boolean>
  archived: Generated<boolean>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface AreaTable extends Tenanted {
  name: string
  type: string
  code: string | null
  parentId: string | null
}

export interface AgencyTable extends Tenanted {
  name: string
  role: string
  contactName: string | null
  contactEmail: string | null
  contactPhone: string | null
  dataSupplied: string | null
}

export interface PriorityTable extends Tenanted {
  name: string
  code: string | null
  description: string | null
}

export interface ObjectiveTable extends Tenanted {
  priorityId: string
  title: string
  description: string | null
}

export interface ThemeTable extends Tenanted {
  name: string
  description: string | null
}

export interface ValidationRuleTable extends Tenanted {
  name: string
  /** Expressions as JSON: { terms: [{ indicatorId, area: 'same' | 'parent' }], constant }. */
  leftSide: unknown
  op: '=' | '<=' | '>=' | '<' | '>'
  rightSide: unknown
  severity: Generated<'warning' | 'error'>
  message: string | null
}

export interface IndicatorTable extends Tenanted {
  reference: string
  name: string
  definition: string | null
  unit: Unit
  ratePer: number | null
  polarity: Polarity
  frequency: Frequency
  aggregation: Aggregation
  decimalPlaces: Generated<number>
  defaultTolerancePercent: Generated<string>
  sourceAgencyId: string | null
  dataLagDays: Generated<number>
  parentId: string | null
  rateDenominator: Generated<RateDenominator>
}

export interface IndicatorPriorityTable {
  partnershipId: string
  indicatorId: string
  priorityId: string
}

export interface TargetTable extends Tenanted {
  indicatorId: string
  areaId: string
  period: string
  periodStart: string
  periodEnd: string
  status: Generated<string>
  baselineValue: string | null
  baselinePeriod: string | null
  changePercent: string | null
  targetValue: string | null
  derivation: string | null
  tolerancePercent: string | null
  profile: unknown
  judgedOn: Generated<JudgedOn>
}

export interface CommentaryTable extends Tenanted {
  indicatorId: string
  areaId: string
  period: string
  periodStart: string
  body: string
  author: string
  editedBy: string | null
  visibility: Generated<CommentaryVisibility>
}

/** internal: the partnership's own; public: shown in its public view, when it has one. */
export type CommentaryVisibility = 'internal' | 'public'

export interface CommentaryRevisionTable {
  id: Generated<number>
  partnershipId: string
  commentaryId: string
  body: string
  writtenBy: string
  writtenAt: Date
}

export interface PartnershipGroupTable extends Tenanted {
  name: string
  kind: GroupKind
  priorityId: string | null
  description: string | null
}

export interface GroupMemberTable extends Tenanted {
  groupId: string
  subject: string
  name: string | null
  agencyId: string | null
  offices: Generated<Office[]>
  startsOn: string
  endsOn: string | null
}

export interface MemberTable extends Tenanted {
  kind: Generated<'person' | 'client'>
  issuer: string
  subject: string
  email: string | null
  name: string | null
  role: Role
  agencyId: string | null
  startsOn: string
  endsOn: string | null
  invitationId: string | null
}

export interface InvitationTable extends Tenanted {
  email: string
  name: string | null
  role: Role
  agencyId: string | null
  expiresAt: Date
  revoked: Generated<boolean>
  acceptedAt: Date | null
  memberId: string | null
  invitedBy: string
}

export interface ApiKeyTable extends Tenanted {
  agencyId: string
  name: string
  secretHash: string
  expiresAt: Date
  revoked: Generated<boolean>
  lastUsedAt: Date | null
  replaces: string | null
  createdBy: string
}

export interface ReportingRoundTable extends Tenanted {
  period: string
  periodStart: string
  periodEnd: string
  themeMeetingsOn: string
  pmgMeetingOn: string
  strategicMeetingOn: string
  sendDays: Generated<number>
  returnDays: Generated<number>
  openedBy: string
  issuedAt: Date | null
  issuedBy: string | null
  missingReturnsReason: string | null
}

export interface RoundReturnTable extends Tenanted {
  roundId: string
  groupId: string
  meetingOn: string
  summary: string | null
  submittedAt: Date | null
  submittedBy: string | null
}

export interface RoundSelectionTable extends Tenanted {
  roundId: string
  indicatorId: string
  areaId: string
  decision: 'keep' | 'drop' | 'add'
  direction: 'bad' | 'good' | null
  reason: string | null
  actionId: string | null
  decidedBy: string
}

export interface RoundRequestTable extends Tenanted {
  roundId: string
  groupId: string
  question: string
  dueOn: string
  askedBy: string
  answer: string | null
  answeredBy: string | null
  answeredAt: Date | null
}

export type StrategicResponse = 'accepted' | 'further_support_required' | 'raise_at_county_board'

export interface StrategicResponseTable extends Tenanted {
  roundId: string
  indicatorId: string
  areaId: string
  response: StrategicResponse
  note: string | null
  followUp: string | null
  followUpDueOn: string | null
  respondedBy: string
  answer: string | null
  answeredInRoundId: string | null
  answeredBy: string | null
  answeredAt: Date | null
}

export interface IssuedReportTable {
  id: Generated<string>
  partnershipId: string
  roundId: string
  issuedAt: Generated<Date>
  issuedBy: string
  exceptions: unknown
  performance: unknown
}

export interface ActionItemTable extends Tenanted {
  priorityId: string
  objectiveId: string | null
  groupId: string | null
  reference: string | null
  title: string
  description: string | null
  outputs: Generated<string[]>
  starts: string | null
  ends: string | null
  timing: string | null
  startsOn: string | null
  endsOn: string | null
  leadName: string | null
  leadAgencyId: string | null
  leadTbc: Generated<boolean>
  otherPartners: Generated<string[]>
  resources: ColumnType<ActionResource[], string | undefined, string>
  outcomes: Generated<string[]>
  measures: Generated<string[]>
  status: Generated<ActionStatus>
}

export interface ActionItemPartnerTable {
  partnershipId: string
  actionItemId: string
  agencyId: string
}

export interface ActionItemIndicatorTable {
  partnershipId: string
  actionItemId: string
  indicatorId: string
}

export interface ActionMilestoneTable extends Tenanted {
  actionItemId: string
  description: string
  due: string
  dueFrom: string | null
  dueOn: string
  doneOn: string | null
}

export interface ActionProgressTable extends Tenanted {
  actionItemId: string
  reportedOn: string
  status: ActionStatus
  body: string
  author: string
  editedBy: string | null
}

export interface FundingStreamTable extends Tenanted {
  name: string
  funder: string | null
  financialYear: string
  totalPence: number
  accountableBody: string | null
  notes: string | null
}

export interface FundingAllocationTable extends Tenanted {
  streamId: string
  description: string
  amountPence: number
  priorityId: string | null
  actionItemId: string | null
  contingency: Generated<boolean>
}

export interface FundingBidTable extends Tenanted {
  streamId: string
  allocationId: string
  applicant: string
  applicantAgencyId: string | null
  amountPence: number
  title: string
  description: string | null
  priorityId: string | null
  outcomes: Generated<string[]>
  actionItemId: string | null
  groupId: string
  attachments: Generated<string[]>
  state: Generated<BidState>
  evaluationDueOn: string | null
  mainstreaming: Mainstreaming | null
  mainstreamingReason: string | null
}

export interface FundingDecisionTable {
  id: Generated<string>
  partnershipId: string
  bidId: string
  action: string
  stage: string
  fromState: BidState
  toState: BidState
  actor: string
  offices: Generated<Office[]>
  groupId: string | null
  reason: string | null
  amountPence: number
  /** The day the decision was taken (the meeting's date). */
  decidedOn: string
  /** When the decision was entered. */
  recordedAt: Generated<Date>
}

export interface FundingEvaluationTable extends Tenanted {
  bidId: string
  evaluatedOn: string
  summary: string
  outcomeFigures: Generated<string[]>
  author: string
}

export interface FundingEvaluationIndicatorTable {
  partnershipId: string
  evaluationId: string
  indicatorId: string
}

export interface FundingPaymentTable extends Tenanted {
  bidId: string
  paidOn: string
  amountPence: number
  reference: string | null
}

export interface RiskSettingTable {
  partnershipId: string
  likelihoodLevels: Generated<number>
  impactLevels: Generated<number>
  likelihoodLabels: Generated<string[]>
  impactLabels: Generated<string[]>
  mediumFrom: Generated<number>
  highFrom: Generated<number>
  veryHighFrom: Generated<number>
  appetite: Generated<number>
  version: Generated<number>
  updatedAt: Generated<Date>
}

export interface RiskTable extends Tenanted {
  reference: string
  title: string
  description: string | null
  category: string | null
  ownerName: string | null
  ownerAgencyId: string | null
  priorityId: string | null
  objectiveId: string | null
  controls: string | null
  priorityActions: Generated<string[]>
  reviewIntervalMonths: Generated<number>
  closedOn: string | null
  closedReason: string | null
  currentScore: Generated<number>
}

export interface RiskActionTable {
  partnershipId: string
  riskId: string
  actionItemId: string
}

export interface RiskAssessmentTable extends Tenanted {
  riskId: string
  assessedOn: string
  assessor: string
  likelihoodLevels: number
  impactLevels: number
  inherentLikelihood: number
  inherentImpact: number
  currentLikelihood: number
  currentImpact: number
  targetLikelihood: number | null
  targetImpact: number | null
  inherentScore: ColumnType<number, never, never>
  currentScore: ColumnType<number, never, never>
  targetScore: ColumnType<number | null, never, never>
  note: string | null
  withdrawnBy: string | null
  withdrawnReason: string | null
  withdrawnAt: Date | null
}

export interface MeasurementTable {
  id: Generated<string>
  partnershipId: string
  indicatorId: string
  areaId: string
  period: string
  periodStart: string
  periodEnd: string
  value: string
  numerator: string | null
  denominator: string | null
  status: Generated<MeasurementStatus>
  source: string | null
  sentBy: string
  revision: Generated<number>
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
  /** Since when this version has held its value (a status change alone keeps it). */
  valueSince: Generated<Date>
  /** The agency whose feed sent the value; null when a person did. */
  agencyId: string | null
  /** Why the sender changed it: required where a person replaced an agency's figure. */
  reason: string | null
  /** The agency whose figure a person's value overrode. */
  overriddenAgencyId: Generated<string | null>
}

export type FindingState = 'open' | 'confirmed' | 'dismissed' | 'superseded'

export interface MeasurementFindingTable {
  id: Generated<string>
  partnershipId: string
  measurementId: string
  indicatorId: string
  areaId: string
  period: string
  periodStart: string
  revision: number
  figure: 'value' | 'numerator' | 'denominator'
  rule: 'poisson_tail' | 'above_previous_max' | 'unexpected_zero' | 'rate_outlier'
  sent: string
  expected: string | null
  low: string | null
  high: string | null
  score: number | null
  message: string
  state: Generated<FindingState>
  reason: string | null
  decidedBy: string | null
  decidedAt: Date | null
  foundBy: string
  version: Generated<number>
  createdAt: Generated<Date>
  updatedAt: Generated<Date>
}

export interface MeasurementRevisionTable {
  partnershipId: string
  measurementId: string
  indicatorId: string
  areaId: string
  period: string
  revision: number
  value: string
  numerator: string | null
  denominator: string | null
  status: MeasurementStatus
  source: string | null
  sentBy: string
  sentAt: Date
  deletedBy: string | null
  deletedAt: Date | null
  periodStart: string
  valueSince: Date
  agencyId: string | null
  reason: string | null
  overriddenAgencyId: string | null
}

export interface IdempotencyKeyTable {
  partnershipId: string
  client: string
  key: string
  requestHash: string
  status: number
  response: unknown
  createdAt: Generated<Date>
}

export interface AuditEventTable {
  id: Generated<number>
  partnershipId: string | null
  actor: string
  action: string
  resourceType: string
  resourceId: string
  before: unknown
  after: unknown
  requestId: string | null
  correlationId: string | null
  occurredAt: Generated<Date>
}

export interface FeedMappingTable extends Tenanted {
  name: string
  kind: 'police_uk' | 'incidents'
  description: string | null
  agencyId: string | null
  dateColumn: string
  locationColumn: string
  rules: unknown
  fromMonth: string | null
  toMonth: string | null
}

export interface FeedLocationTable {
  partnershipId: string
  mappingId: string
  code: string
  areaId: string
}

export interface FeedImportTable {
  id: Generated<string>
  partnershipId: string
  mappingId: string
  fileName: string | null
  sha256: string
  bytes: number
  agencyId: string | null
  importedBy: string
  months: string[]
  rowsRead: number
  rowsCounted: number
  skipped: unknown
  malformed: unknown
  malformedTruncated: boolean
  inserted: number
  updated: number
  unchanged: number
  warnings: Generated<string[]>
  outliers: Generated<unknown>
  sameFileAs: string | null
  durationMs: number
  requestId: string | null
  createdAt: Generated<Date>
}

export interface PopulationTable extends Tenanted {
  code: string
  year: number
  population: number
  source: string | null
}

export interface PeerGroupTable extends Tenanted {
  name: string
  description: string | null
  source: string | null
}

export interface PeerMemberTable extends Tenanted {
  groupId: string
  code: string
  name: string
  areaId: string | null
  startsOn: string
  endsOn: string | null
}

export interface PeerFigureTable extends Tenanted {
  indicatorId: string
  code: string
  period: string
  periodStart: string
  periodEnd: string
  value: string
  source: string | null
  sentBy: string
}

export interface OutboxEventTable {
  seq: Generated<string>
  id: Generated<string>
  partnershipId: string
  type: string
  body: unknown
  dedupeKey: string | null
  occurredAt: Generated<Date>
}

export interface WebhookSubscriptionTable extends Tenanted {
  url: string
  eventTypes: string[]
  description: string | null
  secret: string
  enabled: Generated<boolean>
  disabledReason: string | null
  leaseUntil: Date | null
  leaseToken: string | null
}

export interface WebhookDeliveryTable {
  id: Generated<string>
  partnershipId: string
  subscriptionId: string
  eventSeq: string
  status: Generated<'pending' | 'delivered' | 'failed'>
  attemptCount: Generated<number>
  nextAttemptAt: Generated<Date>
  deliveredAt: Date | null
  attempts: Generated<unknown>
  createdAt: Generated<Date>
}

export interface Database {
  partnership: PartnershipTable
  area: AreaTable
  agency: AgencyTable
  priority: PriorityTable
  objective: ObjectiveTable
  theme: ThemeTable
  validationRule: ValidationRuleTable
  indicator: IndicatorTable
  indicatorPriority: IndicatorPriorityTable
  target: TargetTable
  measurement: MeasurementTable
  commentary: CommentaryTable
  commentaryRevision: CommentaryRevisionTable
  measurementRevision: MeasurementRevisionTable
  measurementFinding: MeasurementFindingTable
  idempotencyKey: IdempotencyKeyTable
  partnershipGroup: PartnershipGroupTable
  groupMember: GroupMemberTable
  member: MemberTable
  invitation: InvitationTable
  apiKey: ApiKeyTable
  reportingRound: ReportingRoundTable
  roundReturn: RoundReturnTable
  roundSelection: RoundSelectionTable
  issuedReport: IssuedReportTable
  roundRequest: RoundRequestTable
  strategicResponse: StrategicResponseTable
  actionItem: ActionItemTable
  actionItemPartner: ActionItemPartnerTable
  actionItemIndicator: ActionItemIndicatorTable
  actionMilestone: ActionMilestoneTable
  actionProgress: ActionProgressTable
  fundingStream: FundingStreamTable
  fundingAllocation: FundingAllocationTable
  fundingBid: FundingBidTable
  fundingDecision: FundingDecisionTable
  fundingEvaluation: FundingEvaluationTable
  fundingEvaluationIndicator: FundingEvaluationIndicatorTable
  fundingPayment: FundingPaymentTable
  riskSetting: RiskSettingTable
  risk: RiskTable
  riskAction: RiskActionTable
  riskAssessment: RiskAssessmentTable
  auditEvent: AuditEventTable
  feedMapping: FeedMappingTable
  feedLocation: FeedLocationTable
  feedImport: FeedImportTable
  population: PopulationTable
  peerGroup: PeerGroupTable
  peerMember: PeerMemberTable
  peerFigure: PeerFigureTable
  outboxEvent: OutboxEventTable
  webhookSubscription: WebhookSubscriptionTable
  webhookDelivery: WebhookDeliveryTable
}

export type Partnership = Selectable<PartnershipTable>
export type NewPartnership = Insertable<PartnershipTable>
export type PartnershipUpdate = Updateable<PartnershipTable>
