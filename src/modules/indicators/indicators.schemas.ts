import Type from 'typebox'
import { AGGREGATIONS, FREQUENCIES, POLARITIES, RATE_DENOMINATORS, UNITS } from '../../domain/indicators.js'
import { decimalInput } from '../../http/decimals.js'
import {
  EXAMPLE_IDS,
  Nullable,
  recordExample,
  RecordFields,
  StringEnum,
  Text,
  Uuid,
  updateOf,
} from '../../http/schemas.js'

const Reference = Type.String({
  minLength: 1,
  maxLength: 40,
  description: 'e.g. NI 20, NI 33(i) or a local code; unique in the partnership',
})
export const Tolerance = decimalInput(
  '^\\d{1,4}(\\.\\d{1,3})?$',
  'Percent of the target within which a miss is amber',
  '5',
)
const RatePer = Type.Integer({ enum: [100, 1000, 10000, 100000], description: 'For a rate: per how many people' })

const fields = {
  reference: Reference,
  name: Type.String({ minLength: 1, maxLength: 300 }),
  definition: Nullable(Text),
  unit: StringEnum(UNITS),
  ratePer: Nullable(RatePer),
  polarity: StringEnum(POLARITIES, { description: 'Which direction is better; monitor_only has no target' }),
  frequency: StringEnum(FREQUENCIES),
  aggregation: StringEnum(AGGREGATIONS, {
    description: 'Over time: counts sum, ratios are sum(numerator)/sum(denominator), surveys take the latest',
  }),
  decimalPlaces: Type.Integer({ minimum: 0, maximum: 6 }),
  defaultTolerancePercent: Tolerance.schema,
  sourceAgencyId: Nullable(Uuid),
  dataLagDays: Type.Integer({
    minimum: 0,
    maximum: 730,
    description: 'How long after a period ends its data is expected',
  }),
  rateDenominator: StringEnum(RATE_DENOMINATORS, {
    description:
      "For a rate: sent (each figure comes with numerator and denominator) or population (figures are counts, divided by the area's population for the year: /populations)",
  }),
  parentId: Nullable(
    Type.String({ format: 'uuid', description: 'The headline indicator this one is a key diagnostic of' }),
  ),
  priorityIds: Type.Array(Uuid, {
    maxItems: 50,
    uniqueItems: true,
    description: 'The priorities this indicator serves',
  }),
}

/** Seed 000's NI 20, as a create body shows it. */
const NI_20 = {
  reference: 'NI 20',
  name: 'Assault with less serious injury',
  unit: 'count',
  polarity: 'lower_better',
  frequency: 'monthly',
  aggregation: 'sum',
  sourceAgencyId: EXAMPLE_IDS.police,
  priorityIds: [EXAMPLE_IDS.violentCrime],
}

export const IndicatorSchema = Type.Object(
  {
    ...RecordFields,
    ...fields,
    defaultTolerancePercent: Type.String({
      description: 'Percent of the target within which a miss is amber, a decimal string (5, 2.5)',
    }),
  },
  {
    $id: 'Indicator',
    additionalProperties: false,
    description: 'A performance indicator of the partnership',
    examples: [
      recordExample(
        {
          ...NI_20,
          definition: null,
          ratePer: null,
          decimalPlaces: 0,
          defaultTolerancePercent: '5',
          dataLagDays: 14,
          rateDenominator: 'sent',
          parentId: null,
        },
        EXAMPLE_IDS.ni20,
      ),
    ],
  },
)

export const CreateIndicatorSchema = Type.Object(
  {
    reference: fields.reference,
    name: fields.name,
    definition: Type.Optional(fields.definition),
    unit: fields.unit,
    ratePer: Type.Optional(fields.ratePer),
    polarity: fields.polarity,
    frequency: fields.frequency,
    aggregation: fields.aggregation,
    decimalPlaces: Type.Optional(fields.decimalPlaces),
    defaultTolerancePercent: Type.Optional(fields.defaultTolerancePercent),
    sourceAgencyId: Type.Optional(fields.sourceAgencyId),
    dataLagDays: Type.Optional(fields.dataLagDays),
    parentId: Type.Optional(fields.parentId),
    rateDenominator: Type.Optional(fields.rateDenominator),
    priorityIds: Type.Optional(fields.priorityIds),
  },
  { additionalProperties: false, examples: [NI_20] },
)
export const UpdateIndicatorSchema = updateOf(CreateIndicatorSchema)
export const IndicatorFilters = {
  priorityId: Type.Optional(Uuid),
  sourceAgencyId: Type.Optional(Uuid),
  polarity: Type.Optional(StringEnum(POLARITIES)),
  frequency: Type.Optional(StringEnum(FREQUENCIES)),
  parentId: Type.Optional(Uuid),
}
