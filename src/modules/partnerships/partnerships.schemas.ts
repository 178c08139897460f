import Type from 'typebox'
import { Name, RecordFields, Slug } from '../../http/schemas.js'

const YearStart = Type.Integer({ minimum: 1, maximum: 12, description: 'Month the financial year starts (4 = April)' })
const Threshold = Type.Integer({
  minimum: 0,
  maximum: 100_000_000_000,
  description:
    'Funding bids supported by a delivery group for more than this (pence) go to the Performance Group; the rest to the designated officer, chair and vice chair (default 100000: £1,000.00)',
})

export const PartnershipSchema = Type.Object(
  { ...RecordFields, slug: Slug, name: Name, financialYearStartMonth: YearStart, fundingThresholdPence: Threshold },
  { $id: 'Partnership', additionalProperties: false, description: 'A Community Safety Partnership: the tenant' },
)
export const CreatePartnershipSchema = Type.Object(
  {
    slug: Slug,
    name: Name,
    financialYearStartMonth: Type.Optional(YearStart),
    fundingThresholdPence: Type.Optional(Threshold),
  },
  { additionalProperties: false },
)
export const UpdatePartnershipSchema = Type.Object(
  {
    name: Type.Optional(Name),
    financialYearStartMonth: Type.Optional(YearStart),
    fundingThresholdPence: Type.Optional(Threshold),
    archived: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export const PartnershipListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    includeArchived: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
)
