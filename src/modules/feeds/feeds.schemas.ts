import Type from 'typebox'
import { SKIP_REASONS } from '../../domain/feeds/tally.js'
import {
  EXAMPLE_IDS,
  Nullable,
  RecordFields,
  recordExample,
  Slug,
  StringEnum,
  Text,
  Timestamp,
  Uuid,
  updateOf,
} from '../../http/schemas.js'

export const FEED_KINDS = ['police_uk', 'incidents'] as const

const Month = Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'A month, YYYY-MM' })
const Column = Type.String({ minLength: 1, maxLength: 100 })
const Where = Type.Record(
  Type.String({ minLength: 1, maxLength: 100 }),
  Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 200 }),
  {
    description:
      'Column name to the values that count: a row counts when every column named holds one of its values (spaces around and letter case aside)',
    examples: [{ 'Crime type': ['Burglary'] }],
  },
)

const RuleSent = Type.Object(
  {
    indicator: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The indicator counted into: its id or its reference (NI 33(i)); a monthly count',
    }),
    where: Where,
  },
  { additionalProperties: false },
)
const Rule = Type.Object({ indicatorId: Uuid, reference: Type.String(), where: Where }, { additionalProperties: false })

const POLICE_EXAMPLE = {
  name: 'Lincolnshire Police street-level crime',
  kind: 'police_uk',
  agencyId: EXAMPLE_IDS.police,
  rules: [
    { indicator: 'LOCAL ASB', where: { 'Crime type': ['Anti-social behaviour'] } },
    { indicator: 'LOCAL CD', where: { 'Crime type': ['Criminal damage and arson'] } },
  ],
}

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: StringEnum(FEED_KINDS, {
    description:
      "police_uk: data.police.uk's street-level CSV (dated by Month, placed by LSOA code, rules on Crime type); incidents: any incident file, its columns named here",
  }),
  description: Nullable(Text),
  agencyId: Nullable(Type.String({ format: 'uuid', description: 'The agency whose files these are' })),
  dateColumn: Column,
  locationColumn: Column,
  fromMonth: Nullable(Month),
  toMonth: Nullable(Month),
}

export const FeedMappingSchema = Type.Object(
  {
    ...RecordFields,
    ...fields,
    dateColumn: Type.String({ description: 'The column that dates a row (its month is what counts)' }),
    locationColumn: Type.String({ description: 'The column that places a row: an LSOA, ward or station ground code' }),
    rules: Type.Array(Rule),
    locations: Type.Integer({ description: 'Location codes in its lookup' }),
    areas: Type.Integer({ description: 'Areas they place rows in' }),
  },
  {
    $id: 'FeedMapping',
    additionalProperties: false,
    description: "How a partner agency's files, as published, count into the partnership's indicators",
    examples: [
      recordExample({
        ...POLICE_EXAMPLE,
        description: null,
        dateColumn: 'Month',
        locationColumn: 'LSOA code',
        fromMonth: null,
        toMonth: null,
        rules: [
          {
            indicatorId: '0b6f1c2d-3e4f-4a5b-9c6d-7e8f9a0b1c2d',
            reference: 'LOCAL ASB',
            where: { 'Crime type': ['Anti-social behaviour'] },
          },
        ],
        locations: 168,
        areas: 2,
      }),
    ],
  },
)

export const CreateFeedMappingSchema = Type.Object(
  {
    name: fields.name,
    kind: fields.kind,
    description: Type.Optional(fields.description),
    agencyId: Type.Optional(fields.agencyId),
    dateColumn: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Required for incidents; police_uk reads Month' }),
    ),
    locationColumn: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Required for incidents; police_uk reads LSOA code' }),
    ),
    rules: Type.Array(RuleSent, { minItems: 1, maxItems: 100 }),
    fromMonth: Type.Optional(fields.fromMonth),
    toMonth: Type.Optional(fields.toMonth),
  },
  { additionalProperties: false, examples: [POLICE_EXAMPLE] },
)
export const UpdateFeedMappingSchema = updateOf(CreateFeedMappingSchema)
export const FeedMappingFilters = { kind: StringEnum(FEED_KINDS), agencyId: Uuid }

export const MappingParams = Type.Object({ partnership: Slug, mappingId: Uuid }, { additionalProperties: false })
export const ImportParams = Type.Object(
  { partnership: Slug, mappingId: Uuid, id: Uuid },
  { additionalProperties: false },
)

const LocationRow = Type.Object(
  {
    location: Type.String({ minLength: 1, maxLength: 40, description: 'The code a file places rows by (E01026184)' }),
    area: Type.String({ minLength: 1, maxLength: 100, description: "The partnership's area: its code or id" }),
  },
  { additionalProperties: false },
)
export const LocationsBody = Type.Array(LocationRow, { maxItems: 50_000 })
export const LOCATION_COLUMNS = ['location', 'area'] as const

export const LocationsSchema = Type.Object(
  {
    mappingId: Uuid,
    version: Type.Integer({ description: "The mapping's version: its ETag" }),
    locations: Type.Integer(),
    areas: Type.Integer(),
    items: Type.Array(
      Type.Object(
        { location: Type.String(), areaId: Uuid, area: Nullable(Type.String({ description: "The area's code" })) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: "A mapping's location lookup" },
)

const Skipped = Type.Object(
  Object.fromEntries(
    SKIP_REASONS.map((r) => [
      r,
      // Imports kept from before the force check have no otherForce.
      r === 'otherForce' ? Type.Optional(Type.Integer({ minimum: 0 })) : Type.Integer({ minimum: 0 }),
    ]),
  ) as Record<(typeof SKIP_REASONS)[number], ReturnType<typeof Type.Integer>>,
  {
    additionalProperties: false,
    description:
      'Rows that counted into nothing, by why: malformed (fields or date unreadable), outsideRange (a month outside the mapping), otherForce (a police.uk row of a force other than the mapping agency), noLocation, outsidePartnership (a location not in the lookup), notMapped (no rule matched: a crime type not mapped)',
  },
)

export const FeedImportSchema = Type.Object(
  {
    id: Nullable(Type.String({ format: 'uuid', description: 'null on a dry run: nothing was kept' })),
    mappingId: Uuid,
    fileName: Nullable(Type.String()),
    sha256: Type.String({ description: 'SHA-256 of the file as sent' }),
    bytes: Type.Integer(),
    agencyId: Nullable(Uuid),
    importedBy: Type.String(),
    months: Type.Array(Type.String(), { description: 'Months the file covers' }),
    rowsRead: Type.Integer(),
    rowsCounted: Type.Integer({ description: 'Rows counted into at least one indicator' }),
    skipped: Skipped,
    malformed: Type.Array(
      Type.Object({ line: Type.Integer(), problem: Type.String() }, { additionalProperties: false }),
      { description: 'Malformed rows by line (the header is line 1), at most 1,000 listed; all are counted' },
    ),
    malformedTruncated: Type.Boolean(),
    inserted: Type.Integer({ description: 'Measurements the counts made' }),
    updated: Type.Integer({ description: 'Measurements the counts revised (the old value kept as a revision)' }),
    unchanged: Type.Integer(),
    warnings: Type.Array(Type.String()),
    outliers: Type.Array(Type.Ref('Outlier'), {
      description: 'Counts written that look unlike their own history (at most 1,000): kept, and queried as findings',
    }),
    sameFileAs: Nullable(Type.String({ format: 'uuid', description: 'An earlier import of the very same file' })),
    durationMs: Type.Integer(),
    dryRun: Type.Optional(Type.Boolean({ description: 'true: counted and checked, nothing written' })),
    createdAt: Nullable(Timestamp),
  },
  { $id: 'FeedImport', additionalProperties: false, description: 'One file imported through a mapping' },
)

export const ImportQuery = Type.Object(
  {
    dryRun: Type.Optional(Type.Boolean({ description: 'Count and check everything, write nothing' })),
    fileName: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: 'The file name to keep (else Content-Disposition)' }),
    ),
  },
  { additionalProperties: false },
)
export const ImportHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'A retry with the same key and file replays the first answer',
    }),
  ),
  'content-disposition': Type.Optional(
    Type.String({ maxLength: 500, description: 'attachment; filename="2023-01-city-of-london-street.csv"' }),
  ),
})
export const ImportListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
)

export const PresetSchema = Type.Object(
  {
    name: Type.String(),
    kind: StringEnum(FEED_KINDS),
    description: Type.String(),
    dateColumn: Type.String(),
    locationColumn: Type.String(),
    rules: Type.Array(Type.Object({ indicator: Type.String(), where: Where }, { additionalProperties: false })),
  },
  { additionalProperties: false, description: 'A ready mapping for a published layout: adjust its indicators' },
)
