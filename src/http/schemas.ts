import type { Readable } from 'node:stream'
import Type, { type Static, type TObject, type TOptional, type TSchema } from 'typebox'

/** A string enum as `{type: string, enum}`, which client generators turn into a union of literals. */
export const StringEnum = <const T extends readonly string[]>(values: T, options: object = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const Uuid = Type.String({ format: 'uuid' })
export const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/
export const Slug = Type.String({
  pattern: SLUG.source,
  minLength: 1,
  maxLength: 63,
  description: 'URL-safe identifier: lower-case letters, digits and single hyphens',
})
export const Name = Type.String({ minLength: 1, maxLength: 200 })
export const Code = Type.String({ minLength: 1, maxLength: 40 })
export const Text = Type.String({ maxLength: 10_000 })
/** An instant: the serializer writes a Date as its ISO form, so handlers may hand either. */
export const Timestamp = Type.Unsafe<string | Date>(Type.String({ format: 'date-time' }))
/** A period in its one string form (periods.ts). */
export const Period = Type.String({
  minLength: 4,
  maxLength: 12,
  description:
    "A period: 2010-04 (month), 2010-Q2 (calendar quarter: April to June), FY2010-11 (financial year), FY2010-11-Q2 (a quarter of the partnership's year: July to September 2010 in an April year, FY2010-Q3 in a January one; also 2010/11 Q2 or Q2 2010/11; answers print a partnership's quarters so) or 2010 (calendar year)",
})
/** A calendar date (dates are dates, not timestamps). */
export const IsoDate = Type.String({ format: 'date' })
/** The date a report or list is worked out for. */
export const AsOf = Type.String({
  format: 'date',
  description:
    'Judge as on this date (default today): what is overdue, late or missing then; figures otherwise come from stored data only',
})
/** A 204's empty body. */
export const NoContent = (description: string) => Type.Unsafe<undefined>(Type.Null({ description }))
/** A CSV answer, written from a string or a stream. */
export const CsvAnswer = (description: string, columns: readonly string[]) => ({
  description,
  content: {
    'text/csv': { schema: Type.Unsafe<string | Readable>(Type.String({ description: columns.join(',') })) },
  },
})

/** An answer as JSON, or as CSV with format=csv; the contract names the CSV's columns. */
export const JsonOrCsv = (description: string, json: TSchema, columns: readonly string[]) => ({
  description,
  content: {
    'application/json': { schema: json },
    'text/csv': { schema: Type.String({ description: columns.join(',') }) },
  },
})

export const PartnershipParams = Type.Object({ partnership: Slug }, { additionalProperties: false })
export const IdParams = Type.Object({ partnership: Slug, id: Uuid }, { additionalProperties: false })

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'The ETag of the version being changed (required)', maxLength: 200 }),
  ),
})

export const IfMatchOptionalHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      description: 'Optional: the ETag of the version being replaced; a stale one is 412',
      maxLength: 200,
    }),
  ),
})

export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(
    Type.String({
      description: 'ETags the client holds: 304 Not Modified when the record still has one',
      maxLength: 2000,
    }),
  ),
})

/** RFC 9110 13.1.2: If-None-Match compares weakly, and * matches any current record. */
export function isNotModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false
  const tags = ifNoneMatch.split(',').map((t) => t.trim().replace(/^W\//, ''))
  return tags.includes('*') || tags.includes(etag)
}

/** Fields every stored record shows. */
export const RecordFields = {
  id: Uuid,
  archived: Type.Boolean(),
  version: Type.Integer({ minimum: 1, description: 'Increases with each change; the ETag carries it' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}

/** A stored record as an example shows it: the fields every record has, around the ones given. */
export const recordExample = (fields: Record<string, unknown>, id = '3f2b8a6e-4c1d-4e8f-9a2b-6d5c4b3a2f10') => ({
  id,
  archived: false,
  version: 1,
  createdAt: '2010-04-06T09:30:00.000Z',
  updatedAt: '2010-04-06T09:30:00.000Z',
  ...fields,
})

/** Ids the examples share, so that one example's reference reads as another's record. */
export const EXAMPLE_IDS = {
  boston: '8198ca06-e244-4f9b-b816-8c64186fe268',
  police: 'b6f0c1d2-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  violentCrime: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
  ni20: '6fb87caf-0270-4c70-a3ff-0511fb20f428',
}

/** A list's query: paging, sort, text search and its filters, every one optional (a filter narrows, never demands). */
export function listQuery<const S extends readonly string[], F extends Record<string, TSchema>>(sorts: S, filters: F) {
  const optional = Object.fromEntries(
    Object.entries(filters).map(([name, schema]) => [name, Type.IsOptional(schema) ? schema : Type.Optional(schema)]),
  ) as {
    [K in keyof F]: TOptional<F[K]>
  }
  const sortValues = sorts.flatMap((s) => [s, `-${s}`])
  return Type.Object(
    {
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'How many items a page holds at most' }),
      ),
      cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor of the previous page' })),
      sort: Type.Optional(
        StringEnum(sortValues, { description: 'Sort key; a leading - sorts descending', default: sorts[0] }),
      ),
      q: Type.Optional(
        Type.String({ minLength: 1, maxLength: 200, description: 'Text contained in the name (case-insensitive)' }),
      ),
      includeArchived: Type.Optional(
        Type.Boolean({ default: false, description: 'true: archived records as well as current ones' }),
      ),
      ...optional,
    },
    { additionalProperties: false },
  )
}

/** The paging of a short list with one fixed order (a bid's decisions, a measurement's revisions). */
export const PageQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'How many items a page holds at most' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
)

export const page = <T extends TSchema>(item: T, name: string) =>
  Type.Object(
    { items: Type.Array(item), nextCursor: Nullable(Type.String({ description: 'Pass as cursor for the next page' })) },
    { additionalProperties: false, description: `A page of ${name}` },
  )

export type ListQuery = Static<ReturnType<typeof listQuery>>

/** The PATCH body of a resource: any of its create fields, plus archiving; at least one field. */
export function updateOf<T extends TObject>(create: T) {
  const properties = Object.fromEntries(
    Object.entries(create.properties).map(([key, schema]) => [key, Type.Optional(schema as TSchema)]),
  )
  return Type.Object(
    {
      ...properties,
      archived: Type.Optional(
        Type.Boolean({ description: 'Archived records leave lists unless includeArchived=true' }),
      ),
    },
    { additionalProperties: false, minProperties: 1 },
  )
}
