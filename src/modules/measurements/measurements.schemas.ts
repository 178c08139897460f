import Type from 'typebox'
import { MEASUREMENT_STATUSES } from '../../domain/measurements.js'
import { EXAMPLE_IDS, Nullable, Period, Slug, StringEnum, Timestamp, Uuid } from '../../http/schemas.js'

const Sent = Type.Union([Type.String({ maxLength: 40 }), Type.Number()], {
  description:
    'A decimal string ("1651", "47.3"), or a JSON number of at most 15 significant digits (a double holds no more exactly; send longer figures as strings)',
})

/** Whose a value is: the agency whose feed sent it, or the person who replaced an agency's figure, and why. */
const WhoseFigure = {
  agencyId: Nullable({
    ...Uuid,
    description:
      'The agency whose feed sent this value (its figure stands: a person replacing it gives a reason); null when a person sent it',
  }),
  reason: Nullable(
    Type.String({
      description: 'Why the sender changed the figure (required where a person replaced an agency’s figure)',
    }),
  ),
  overriddenAgencyId: Nullable({
    ...Uuid,
    description:
      'Set when a person’s value replaced an agency feed’s figure: that agency (until its feed sends the month again)',
  }),
}

const SentReason = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'Why this value replaces the one there: required where a person replaces a figure an agency’s feed sent (kept in the revision)',
})

export const MeasurementSchema = Type.Object(
  {
    id: Uuid,
    indicatorId: Uuid,
    areaId: Uuid,
    period: Type.String(),
    periodStart: Type.String({ format: 'date' }),
    periodEnd: Type.String({ format: 'date' }),
    value: Type.String({
      description: 'Decimal string; derived from numerator/denominator where the indicator is a ratio',
    }),
    numerator: Nullable(Type.String()),
    denominator: Nullable(Type.String()),
    status: StringEnum(MEASUREMENT_STATUSES, {
      description: 'Only published figures are final; the others are shown marked',
    }),
    source: Nullable(Type.String()),
    sentBy: Type.String({ description: 'Token subject of whoever sent the current value' }),
    ...WhoseFigure,
    revision: Type.Integer({ minimum: 1, description: 'How many different values this measurement has had' }),
    version: Type.Integer({ minimum: 1 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  {
    $id: 'Measurement',
    additionalProperties: false,
    description: 'The value of an indicator for an area and a period',
    examples: [
      {
        id: '2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c',
        indicatorId: EXAMPLE_IDS.ni20,
        areaId: EXAMPLE_IDS.boston,
        period: '2010-04',
        periodStart: '2010-04-01',
        periodEnd: '2010-04-30',
        value: '31',
        numerator: null,
        denominator: null,
        status: 'provisional',
        source: 'Lincolnshire Police monthly return',
        sentBy: 'feed@lincs.police.uk',
        agencyId: EXAMPLE_IDS.police,
        reason: null,
        overriddenAgencyId: null,
        revision: 1,
        version: 1,
        createdAt: '2010-05-14T07:02:11.000Z',
        updatedAt: '2010-05-14T07:02:11.000Z',
      },
    ],
  },
)

export const RevisionSchema = Type.Object(
  {
    measurementId: Uuid,
    revision: Type.Integer({
      description:
        'Counts the values of one measurement; one deleted and sent again starts at 1 under a new measurementId',
    }),
    value: Type.String(),
    numerator: Nullable(Type.String()),
    denominator: Nullable(Type.String()),
    status: Type.String(),
    source: Nullable(Type.String()),
    sentBy: Type.String(),
    sentAt: Timestamp,
    ...WhoseFigure,
    deletedBy: Nullable(Type.String({ description: 'Set when a deletion removed this value: who deleted it' })),
    deletedAt: Nullable(Timestamp),
  },
  { additionalProperties: false },
)

export const MeasurementKeyParams = Type.Object(
  {
    partnership: Slug,
    indicatorId: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The indicator: its id, or its reference as the bulk rows take it (NI 20, sent as NI%2020)',
      examples: ['NI%2020'],
    }),
    areaId: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'The area: its id, or its code (E07000136)',
      examples: ['E07000136'],
    }),
    period: Period,
  },
  { additionalProperties: false },
)

export const PutMeasurementSchema = Type.Object(
  {
    value: Type.Optional(Nullable(Sent)),
    numerator: Type.Optional(Nullable(Sent)),
    denominator: Type.Optional(Nullable(Sent)),
    source: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    reason: Type.Optional(Nullable(SentReason)),
  },
  { additionalProperties: false, examples: [{ value: 31, source: 'Lincolnshire Police monthly return' }] },
)

export const StatusSchema = Type.Object({ status: StringEnum(MEASUREMENT_STATUSES) }, { additionalProperties: false })

export const MeasurementRowSchema = Type.Object(
  {
    indicator: Type.String({ description: 'Indicator id, or its reference (NI 20)' }),
    area: Type.String({ description: 'Area id, or its code (E07000136)' }),
    period: Period,
    value: Type.Optional(Nullable(Sent)),
    numerator: Type.Optional(Nullable(Sent)),
    denominator: Type.Optional(Nullable(Sent)),
    status: Type.Optional(Nullable(StringEnum(MEASUREMENT_STATUSES))),
    source: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    reason: Type.Optional(Nullable(SentReason)),
  },
  {
    $id: 'MeasurementRow',
    additionalProperties: false,
    description: 'One row of a bulk batch; CSV columns have the same names',
    examples: [
      { indicator: 'NI 20', area: 'E07000136', period: '2010-04', value: 31, source: 'Police monthly return' },
    ],
  },
)

export const MeasurementListQuery = Type.Object(
  {
    indicatorId: Type.Optional(Uuid),
    areaId: Type.Optional(Uuid),
    from: Type.Optional(
      Type.String({
        minLength: 4,
        maxLength: 12,
        description:
          'Periods starting on or after this date (2010-04-01) or the start of this period (2010-04, FY2010-11)',
      }),
    ),
    to: Type.Optional(
      Type.String({
        minLength: 4,
        maxLength: 12,
        description: 'Periods starting on or before this date, or within this period (to=FY2010-11 takes its March)',
      }),
    ),
    status: Type.Optional(StringEnum(MEASUREMENT_STATUSES)),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'Text contained in the source or the reason given (case-insensitive)',
      }),
    ),
    sort: Type.Optional(
      StringEnum(['period', '-period'] as const, {
        description: 'period: earliest first (then id); -period: latest first',
        default: 'period',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'How many items a page holds at most' }),
    ),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    format: Type.Optional(
      StringEnum(['json', 'csv', 'xlsx'] as const, {
        description:
          'csv: every row the filters take (not a page), in the columns the bulk import takes (also with Accept: text/csv); xlsx: the same rows as an Excel workbook; json by default',
      }),
    ),
  },
  { additionalProperties: false },
)
