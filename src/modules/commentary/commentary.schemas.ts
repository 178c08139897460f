import Type from 'typebox'
import { Nullable, Period, RecordFields, StringEnum, Timestamp, Uuid, updateOf } from '../../http/schemas.js'

const Visibility = StringEnum(['internal', 'public'] as const, {
  description:
    "internal (the default): the partnership's own; public: shown in its public view beside the figures, once an officer or admin marks it so (a change of its text by anyone else makes it internal again)",
})

const Body = Type.String({
  minLength: 1,
  maxLength: 10_000,
  description: 'What the theme group says about the figures',
})

export const CommentarySchema = Type.Object(
  {
    ...RecordFields,
    indicatorId: Uuid,
    areaId: Uuid,
    period: Type.String(),
    periodStart: Type.String({ format: 'date' }),
    body: Type.String(),
    author: Type.String({ description: 'The token subject that wrote it' }),
    editedBy: Nullable(Type.String({ description: 'Who last changed the text: the author, or an admin' })),
    visibility: Visibility,
  },
  {
    $id: 'Commentary',
    additionalProperties: false,
    description: 'A comment on an indicator for an area and reporting period',
  },
)

export const CreateCommentarySchema = Type.Object(
  { indicatorId: Uuid, areaId: Uuid, period: Period, body: Body, visibility: Type.Optional(Visibility) },
  {
    additionalProperties: false,
    examples: [
      {
        indicatorId: '6fb87caf-0270-4c70-a3ff-0511fb20f428',
        areaId: '8198ca06-e244-4f9b-b816-8c64186fe268',
        period: '2010-Q2',
        body: 'Assaults in Boston town centre rose over the summer; Pubwatch and the Street Pastors are now out on Fridays.',
      },
    ],
  },
)
export const UpdateCommentarySchema = updateOf(
  Type.Object({ body: Body, visibility: Visibility }, { additionalProperties: false }),
)
export const CommentaryFilters = {
  indicatorId: Uuid,
  areaId: Uuid,
  period: Period,
  author: Type.String({ maxLength: 200 }),
  visibility: Visibility,
}

export const CommentaryRevisionSchema = Type.Object(
  {
    body: Type.String(),
    writtenBy: Type.String({ description: 'Who wrote this text: the author, or an admin who edited it' }),
    writtenAt: Timestamp,
    current: Type.Boolean({ description: 'true for the text the comment has now' }),
  },
  { additionalProperties: false },
)

/** The latest comment as reports show it. */
export const LatestCommentarySchema = Nullable(
  Type.Object(
    {
      id: Uuid,
      period: Type.String(),
      body: Type.String(),
      author: Type.String(),
      updatedAt: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false },
  ),
)
