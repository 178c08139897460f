import Type from 'typebox'
import {
  Code,
  EXAMPLE_IDS,
  Name,
  Nullable,
  RecordFields,
  recordExample,
  StringEnum,
  Uuid,
  updateOf,
} from '../../http/schemas.js'

export const AREA_TYPES = [
  'partnership',
  'county',
  'district',
  'ward',
  'neighbourhood',
  'lsoa',
  'msoa',
  'police_area',
  'police_bcu',
  'fire_station_ground',
  'other',
] as const

const fields = {
  name: Name,
  type: StringEnum(AREA_TYPES, { description: 'Kind of geography' }),
  code: Type.Optional(Nullable(Code)),
  parentId: Type.Optional(Nullable(Uuid)),
}

export const AreaSchema = Type.Object(
  {
    ...RecordFields,
    name: Name,
    type: StringEnum(AREA_TYPES),
    code: Nullable(Type.String({ description: 'Official code, e.g. an ONS or LSOA code; unique in the partnership' })),
    parentId: Nullable(Uuid),
  },
  {
    $id: 'Area',
    additionalProperties: false,
    description: 'A geography figures are reported for, in a hierarchy',
    examples: [
      recordExample(
        { name: 'Boston', type: 'district', code: 'E07000136', parentId: '0c9e8d7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f' },
        EXAMPLE_IDS.boston,
      ),
    ],
  },
)
export const CreateAreaSchema = Type.Object(fields, {
  additionalProperties: false,
  examples: [{ name: 'Boston', type: 'district', code: 'E07000136' }],
})
export const UpdateAreaSchema = updateOf(CreateAreaSchema)
export const AreaFilters = {
  type: Type.Optional(StringEnum(AREA_TYPES)),
  parentId: Type.Optional(Uuid),
  code: Type.Optional(Code),
}
