import Type from 'typebox'
import { RULE_OPS, RULE_SEVERITIES } from '../../domain/validation.js'
import { Name, Nullable, RecordFields, StringEnum, Uuid, updateOf } from '../../http/schemas.js'

const Term = Type.Object(
  {
    indicatorId: { ...Uuid, description: "One of the partnership's indicators" },
    area: Type.Optional(
      StringEnum(['same', 'parent'] as const, {
        default: 'same',
        description: "same: the figure of the area the rule is checked at; parent: that area's parent's figure",
      }),
    ),
  },
  { additionalProperties: false },
)

const Expression = Type.Object(
  {
    terms: Type.Array(Term, { maxItems: 20, description: 'Figures summed (none: the constant alone)' }),
    constant: Type.Optional(Type.Number({ default: 0, description: 'Added to the sum (default 0)' })),
  },
  { additionalProperties: false, description: 'A sum of indicators’ figures and a constant' },
)

const ruleFields = {
  name: Name,
  leftSide: Expression,
  op: StringEnum(RULE_OPS, { description: 'How the left side stands to the right' }),
  rightSide: Expression,
  severity: StringEnum(RULE_SEVERITIES, {
    description: 'error: refuses the write where the partnership has strict validation; warning: told only',
  }),
  message: Nullable(Type.String({ minLength: 1, maxLength: 500, description: 'Shown with a broken rule' })),
}

export const ValidationRuleSchema = Type.Object(
  { ...RecordFields, ...ruleFields },
  {
    $id: 'ValidationRule',
    additionalProperties: false,
    description:
      'A rule between figures of the same area and period: NI 33(i) + NI 33(ii) = NI 33; repeat cases <= cases; an area’s figure <= its parent’s',
  },
)

export const CreateValidationRuleSchema = Type.Object(
  {
    ...ruleFields,
    severity: Type.Optional({ ...ruleFields.severity, default: 'warning' }),
    message: Type.Optional(ruleFields.message),
  },
  { additionalProperties: false },
)
export const UpdateValidationRuleSchema = updateOf(CreateValidationRuleSchema)

export const RuleCheckSchema = Type.Object(
  {
    ruleId: Uuid,
    name: Type.String(),
    severity: StringEnum(RULE_SEVERITIES),
    message: Nullable(Type.String()),
    areaId: Uuid,
    period: Type.String(),
    outcome: StringEnum(['holds', 'violated', 'not_evaluable'] as const, {
      description: 'not_evaluable: a figure the rule needs is missing (neither kept nor broken)',
    }),
    left: Nullable(Type.Number()),
    right: Nullable(Type.Number()),
    description: Type.String({ description: 'The check in words: "Arson adds up: 16 = 15 is broken"' }),
  },
  { additionalProperties: false },
)

export const ViolationSchema = Type.Object(
  {
    ...RuleCheckSchema.properties,
    rows: Type.Array(Type.Integer({ minimum: 1 }), { description: 'The rows of the write the broken rule rests on' }),
    refused: Type.Boolean({ description: 'true: a broken error under strict validation, so those rows were refused' }),
  },
  {
    $id: 'RuleViolation',
    additionalProperties: false,
    description: 'A validation rule a write breaks, at an area and period',
  },
)
