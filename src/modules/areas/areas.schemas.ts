import Type from 'typebox'
import { Code, Name, Nullable, RecordFields, StringEnum, Uuid, updateOf } from '../../http/schemas.js'

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
  { $id: 'Area', additionalProperties: false, description: 'A geography figures are reported for, in a hierarchy' },
)
export const CreateAreaSchema = Type.Object(fields, { additionalProperties: false })
export const UpdateAreaSchema = updateOf(CreateAreaSchema)
export const AreaFilters = {
  type: Type.Optional(StringEnum(AREA_TYPES)),
  parentId: Type.Optional(Uuid),
  code: Type.Optional(Code),
}
