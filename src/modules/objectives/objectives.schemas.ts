import Type from 'typebox'
import { Nullable, RecordFields, Text, Uuid, updateOf } from '../../http/schemas.js'

const Title = Type.String({ minLength: 1, maxLength: 500 })

export const ObjectiveSchema = Type.Object(
  { ...RecordFields, priorityId: Uuid, title: Title, description: Nullable(Type.String()) },
  { $id: 'Objective', additionalProperties: false, description: 'An objective under a priority' },
)
export const CreateObjectiveSchema = Type.Object(
  { title: Title, description: Type.Optional(Nullable(Text)) },
  { additionalProperties: false },
)
export const UpdateObjectiveSchema = updateOf(CreateObjectiveSchema)
