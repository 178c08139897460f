import Type from 'typebox'
import { MEASUREMENT_STATUSES } from '../../domain/measurements.js'
import { listQuery, Name, RecordFields, Slug, StringEnum } from '../../http/schemas.js'
import { Email } from '../members/members.schemas.js'

const YearStart = Type.Integer({ minimum: 1, maximum: 12, description: 'Month the financial year starts (4 = April)' })
const Threshold = Type.Integer({
  minimum: 0,
  maximum: 100_000_000_000,
  description:
    'Funding bids supported by a delivery group for more than this (pence) go to the Performance Group; the rest to the designated officer, chair and vice chair (default 100000: £1,000.00)',
})

const OutlierLevel = Type.Number({
  exclusiveMinimum: 0,
  maximum: 0.01,
  description:
    'A count written whose Poisson tail probability under what its history leads to expect is below this (either side) is queried as an outlier (default 0.001)',
})
const OutlierMultiple = Type.Number({
  minimum: 1.5,
  maximum: 1000,
  description:
    'A figure written that is more than this many times the largest earlier one is always queried (default 3)',
})

const Strict = Type.Boolean({
  description:
    'true: a figure that breaks a validation rule of severity error is refused (default false: every broken rule is told, none refuses)',
})

const PersistentRed = Type.Integer({
  minimum: 2,
  maximum: 12,
  description: 'An indicator red for this many reported periods running is flagged persistently_off_target (default 3)',
})

const ViewerStatus = StringEnum(MEASUREMENT_STATUSES, {
  description:
    "The least settled figure the partnership's viewers (scrutiny members) see in its evaluation and reports: published shows them published figures only (default provisional: every figure)",
})

const PublicView = Type.Boolean({
  description:
    'Its published figures, the evaluation on them and its issued rounds are open to anyone without a token, under /public/{partnership} (default false)',
})

export const PartnershipSchema = Type.Object(
  {
    ...RecordFields,
    slug: Slug,
    name: Name,
    financialYearStartMonth: YearStart,
    fundingThresholdPence: Threshold,
    outlierLevel: OutlierLevel,
    outlierMaxMultiple: OutlierMultiple,
    strictValidation: Strict,
    persistentRedPeriods: PersistentRed,
    viewerMinimumStatus: ViewerStatus,
    publicView: PublicView,
  },
  { $id: 'Partnership', additionalProperties: false, description: 'A Community Safety Partnership: the tenant' },
)
const FirstAdmin = Type.Object(
  {
    subject: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'Their token subject: they are a member at once' }),
    ),
    issuer: Type.Optional(
      Type.String({ minLength: 1, maxLength: 500, description: "Their identity provider's issuer (default yours)" }),
    ),
    email: Type.Optional({ ...Email, description: 'Without a subject: they are invited, and join on first sign-in' }),
    name: Type.Optional(Name),
  },
  {
    additionalProperties: false,
    description:
      "The partnership's first admin, who then invites the rest: by subject (a member from today) or by email (an invitation)",
  },
)

export const CreatePartnershipSchema = Type.Object(
  {
    slug: Slug,
    name: Name,
    financialYearStartMonth: Type.Optional(YearStart),
    fundingThresholdPence: Type.Optional(Threshold),
    firstAdmin: Type.Optional(FirstAdmin),
  },
  { additionalProperties: false },
)
export const UpdatePartnershipSchema = Type.Object(
  {
    name: Type.Optional(Name),
    financialYearStartMonth: Type.Optional(YearStart),
    fundingThresholdPence: Type.Optional(Threshold),
    outlierLevel: Type.Optional(OutlierLevel),
    outlierMaxMultiple: Type.Optional(OutlierMultiple),
    strictValidation: Type.Optional(Strict),
    persistentRedPeriods: Type.Optional(PersistentRed),
    viewerMinimumStatus: Type.Optional(ViewerStatus),
    publicView: Type.Optional(PublicView),
    archived: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export const PartnershipListQuery = listQuery(['slug', 'name', 'createdAt'] as const, {})
