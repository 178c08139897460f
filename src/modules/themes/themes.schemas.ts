import Type from 'typebox'
import { Name, Nullable, RecordFields, Text, updateOf } from '../../http/schemas.js'

export const ThemeSchema = Type.Object(
  { ...RecordFields, name: Name, description: Nullable(Type.String()) },
  {
    $id: 'Theme',
    additionalProperties: false,
    description: 'A cross-cutting theme, e.g. fear of crime or seasonality',
  },
)
export const CreateThemeSchema = Type.Object(
  { name: Name, description: Type.Optional(Nullable(Text)) },
  { additionalProperties: false },
)
export const UpdateThemeSchema = updateOf(CreateThemeSchema)
