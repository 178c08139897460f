import Type from 'typebox'
import { StringEnum } from '../../http/schemas.js'
import { FieldErrorSchema } from '../../plugins/problem.js'

export const BulkQuery = Type.Object(
  {
    mode: Type.Optional(
      StringEnum(['all', 'partial'] as const, {
        default: 'all',
        description: 'all: one bad row refuses the batch; partial: good rows are written',
      }),
    ),
    dryRun: Type.Optional(
      Type.Boolean({
        description: 'Check and count everything as a real run would (inserted, updated, refused), and write nothing',
      }),
    ),
  },
  { additionalProperties: false },
)
export const BulkHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'A retry with the same key and body replays the first answer',
    }),
  ),
})

const Counts = {
  received: Type.Integer(),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  refused: Type.Integer(),
}
export const BulkResultSchema = Type.Object(
  {
    ...Counts,
    errors: Type.Array(FieldErrorSchema, { description: 'Each refused row as rows.<n>.<field> (rows from 1)' }),
    errorsTruncated: Type.Boolean(),
    outliers: Type.Optional(
      Type.Array(Type.Ref('Outlier'), {
        description:
          'Measurements: figures written that look unlike their own history (at most 1,000 listed). Told, never refused: each is kept as a finding to confirm or dismiss.',
      }),
    ),
    outliersTruncated: Type.Optional(Type.Boolean({ description: 'true: more outliers were found than listed' })),
    violations: Type.Optional(
      Type.Array(Type.Ref('RuleViolation'), {
        description:
          'Measurements: validation rules the figures break, at most 1,000 listed; refused only for a broken error under strict validation',
      }),
    ),
    dryRun: Type.Optional(Type.Boolean({ description: 'true: counted as written, but nothing was' })),
  },
  {
    additionalProperties: false,
    description: 'What happened to each row; in partial mode, errors say which rows were refused and why',
  },
)
