import Type from 'typebox'
import {
  IsoDate,
  Nullable,
  Period,
  RecordFields,
  recordExample,
  Slug,
  StringEnum,
  Text,
  Uuid,
  updateOf,
} from '../../http/schemas.js'

const Code = Type.String({ minLength: 1, maxLength: 40, description: 'An official code (ONS, CSP): E07000137' })
const Source = Type.String({ maxLength: 200, description: 'Where the figure comes from' })

export const PopulationSchema = Type.Object(
  {
    ...RecordFields,
    code: Type.String(),
    year: Type.Integer({ description: 'The mid-year estimate of this calendar year' }),
    population: Type.Integer(),
    source: Nullable(Type.String()),
  },
  {
    $id: 'Population',
    additionalProperties: false,
    description: "An area's population in a year, by its official code: the denominator of its rates",
    examples: [recordExample({ code: 'E07000137', year: 2009, population: 140_700, source: 'ONS mid-2009 estimate' })],
  },
)
export const CreatePopulationSchema = Type.Object(
  {
    code: Code,
    year: Type.Integer({ minimum: 1900, maximum: 2200 }),
    population: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    source: Type.Optional(Nullable(Source)),
  },
  { additionalProperties: false, examples: [{ code: 'E07000137', year: 2009, population: 140_700 }] },
)
export const UpdatePopulationSchema = updateOf(CreatePopulationSchema)
export const PopulationFilters = { code: Code, year: Type.Integer({ minimum: 1900, maximum: 2200 }) }

export const PeerGroupSchema = Type.Object(
  { ...RecordFields, name: Type.String(), description: Nullable(Type.String()), source: Nullable(Type.String()) },
  {
    $id: 'PeerGroup',
    additionalProperties: false,
    description: 'A group of comparable areas (a Most Similar Group), its membership kept over dates',
  },
)
export const CreatePeerGroupSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Nullable(Text)),
    source: Type.Optional(Nullable(Source)),
  },
  { additionalProperties: false, examples: [{ name: 'East Lindsey MSG', source: 'iQuanta, 2009' }] },
)
export const UpdatePeerGroupSchema = updateOf(CreatePeerGroupSchema)

export const PeerMemberSchema = Type.Object(
  {
    ...RecordFields,
    code: Type.String(),
    name: Type.String(),
    areaId: Nullable(
      Type.String({ format: 'uuid', description: "Set when the peer is one of the partnership's areas" }),
    ),
    startsOn: IsoDate,
    endsOn: Nullable(IsoDate),
  },
  {
    $id: 'PeerMember',
    additionalProperties: false,
    description: 'An area in a peer group from startsOn to endsOn: a revision of the group ends one and starts another',
  },
)
export const CreatePeerMemberSchema = Type.Object(
  {
    code: Type.Optional(Code),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    areaId: Type.Optional(Nullable(Uuid)),
    startsOn: IsoDate,
    endsOn: Type.Optional(Nullable(IsoDate)),
  },
  {
    additionalProperties: false,
    description: 'One of our areas (areaId: its code and name by default), or a peer by name and code',
    examples: [{ code: 'E07000147', name: 'North Norfolk', startsOn: '2009-04-01' }],
  },
)
export const UpdatePeerMemberSchema = updateOf(CreatePeerMemberSchema)
export const PeerMemberFilters = {
  code: Code,
  asOf: Type.String({ format: 'date', description: 'Members on this day' }),
  on: Type.String({ format: 'date', description: 'The same as asOf, its earlier name (deprecated)' }),
}

export const PeerFigureSchema = Type.Object(
  {
    ...RecordFields,
    indicatorId: Uuid,
    code: Type.String(),
    period: Type.String(),
    periodStart: IsoDate,
    periodEnd: IsoDate,
    value: Type.String({ description: 'A count' }),
    source: Nullable(Type.String()),
    sentBy: Type.String(),
  },
  { $id: 'PeerFigure', additionalProperties: false, description: "A peer area's count for an indicator and period" },
)
const Count = Type.Union([Type.String({ pattern: '^\\d{1,15}$' }), Type.Integer({ minimum: 0 })], {
  description: 'A count: a whole number, as a string or a JSON number',
})
export const CreatePeerFigureSchema = Type.Object(
  { indicatorId: Uuid, code: Code, period: Period, value: Count, source: Type.Optional(Nullable(Source)) },
  { additionalProperties: false },
)
export const UpdatePeerFigureSchema = updateOf(
  Type.Object({ value: Count, source: Type.Optional(Nullable(Source)) }, { additionalProperties: false }),
)
export const PeerFigureFilters = { indicatorId: Uuid, code: Code, period: Period }

export const GroupParams = Type.Object({ partnership: Slug, id: Uuid }, { additionalProperties: false })
export const ComparisonQuery = Type.Object(
  {
    indicatorId: Uuid,
    period: Period,
    sort: Type.Optional(
      StringEnum(['code', 'rank'] as const, {
        description: 'code: members by code (the default); rank: best first by polarity, ties by code',
        default: 'code',
      }),
    ),
    format: Type.Optional(
      StringEnum(['json', 'csv', 'xlsx'] as const, {
        description: 'csv: a row per member; xlsx: the same in an Excel workbook',
      }),
    ),
  },
  { additionalProperties: false },
)
export const FunnelQuery = Type.Object({ indicatorId: Uuid, period: Period }, { additionalProperties: false })

const Band = StringEnum(['above', 'in_line', 'below'] as const)
export const ComparisonSchema = Type.Object(
  {
    group: Type.Object({ id: Uuid, name: Type.String() }, { additionalProperties: false }),
    indicator: Type.Object(
      {
        id: Uuid,
        reference: Type.String(),
        name: Type.String(),
        polarity: Type.String(),
        decimalPlaces: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    period: Type.String(),
    membersOn: IsoDate,
    ratePer: Type.Integer({ description: 'Rates are per this many people a year' }),
    groupRate: Nullable(Type.Number({ description: "The group's counts over its populations: never a mean of rates" })),
    members: Type.Array(
      Type.Object(
        {
          code: Type.String(),
          name: Type.String(),
          ours: Type.Boolean(),
          areaId: Nullable(Uuid),
          count: Type.Number(),
          population: Type.Integer(),
          populationYear: Type.Integer(),
          exposure: Type.Number({ description: 'Person-years: the population times the months over twelve' }),
          rate: Type.Number(),
          expected: Type.Number({ description: "The count the group's rate gives this member's population" }),
          bands: Type.Object({ '95': Band, '99.8': Band }, { additionalProperties: false }),
          rank: Type.Integer({ description: '1 is best by polarity; ties share a rank' }),
          quartile: Type.Integer({ minimum: 1, maximum: 4 }),
          othersRate: Nullable(Type.Number({ description: 'The rest of the group together: the MSG average' })),
          gap: Nullable(Type.Number()),
          gapPercent: Nullable(Type.Number()),
        },
        { additionalProperties: false },
      ),
    ),
    missing: Type.Array(
      Type.Object({ code: Type.String(), name: Type.String(), reason: Type.String() }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false, description: 'A peer group compared for one indicator and period' },
)
export const COMPARISON_COLUMNS = [
  'code',
  'name',
  'ours',
  'count',
  'population',
  'rate',
  'expected',
  'band_95',
  'band_99_8',
  'rank',
  'quartile',
  'others_rate',
  'gap',
  'gap_percent',
] as const

export const PopulationRowSchema = Type.Object(
  {
    code: Type.String({ description: "An area's official code: one of ours, or a peer's" }),
    year: Type.Union([Type.Integer(), Type.String()], { description: 'The calendar year of the mid-year estimate' }),
    population: Type.Union([Type.Integer(), Type.String()]),
    source: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  {
    $id: 'PopulationRow',
    additionalProperties: false,
    description: 'One row of a population batch; CSV columns have the same names',
    examples: [{ code: 'E07000137', year: 2009, population: 140700, source: 'ONS mid-2009' }],
  },
)

export const PeerFigureRowSchema = Type.Object(
  {
    indicator: Type.String({ description: 'Indicator id, or its reference (LOCAL CD)' }),
    code: Type.String({ description: "The peer's official code" }),
    period: Period,
    value: Type.Union([Type.Integer(), Type.String()], { description: 'A count' }),
    source: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  },
  {
    $id: 'PeerFigureRow',
    additionalProperties: false,
    description: 'One row of a peer figure batch; CSV columns have the same names',
    examples: [{ indicator: 'LOCAL CD', code: 'E07000147', period: 'FY2009-10', value: 1420, source: 'iQuanta' }],
  },
)
