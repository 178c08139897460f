import Type from 'typebox'
import { Code, Name, Nullable, RecordFields, Text, updateOf } from '../../http/schemas.js'

export const PrioritySchema = Type.Object(
  {
    ...RecordFields,
    name: Name,
    code: Nullable(Type.String({ description: 'Short code, unique in the partnership (e.g. ASB)' })),
    description: Nullable(Type.String()),
  },
  {
    $id: 'Priority',
    additionalProperties: false,
    description: 'A strategic priority (theme) of the partnership; its objectives are a sub-resource',
  },
)
export const CreatePrioritySchema = Type.Object(
  { name: Name, code: Type.Optional(Nullable(Code)), description: Type.Optional(Nullable(Text)) },
  { additionalProperties: false },
)
export const UpdatePrioritySchema = updateOf(CreatePrioritySchema)
export const PriorityFilters = { code: Type.Optional(Code) }
