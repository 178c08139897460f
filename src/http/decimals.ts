import Type, { type TSchema } from 'typebox'
import { EXACT_DIGITS, numberText } from '../domain/decimal.js'
import { DomainError } from '../domain/errors.js'

/**
 * A decimal field as clients may send it: a decimal string ("17.3"), exact in any client, or a JSON number
 * of at most 15 significant digits, read as the text it stands for. Measurement values, target figures and
 * tolerances all take both, the same way.
 */
export interface DecimalInput {
  schema: TSchema
  /** The text of a value sent (null and absent pass through); refuses a number that breaks the pattern. */
  text<V>(sent: V | number, field: string): V | string
}

export function decimalInput(pattern: string, description: string, example: string): DecimalInput {
  const form = new RegExp(pattern)
  return {
    schema: Type.Union(
      [
        Type.String({ pattern, description: `${description}, as a decimal string` }),
        Type.Number({ description: `or as a JSON number of at most ${EXACT_DIGITS} significant digits` }),
      ],
      { description: `${description}: a decimal string ("${example}") or a JSON number`, examples: [example] },
    ),
    text(sent, field) {
      if (typeof sent !== 'number') return sent
      const text = numberText(sent)
      if (text !== null && form.test(text)) return text
      throw new DomainError('DECIMAL.INVALID', 'validation', `${field} must be a decimal number like ${example}.`, [
        {
          field,
          message:
            text === null
              ? `has more than ${EXACT_DIGITS} significant digits, more than a JSON number carries exactly: send it as a string`
              : `must be a decimal number like ${example} (${text} is out of its range or has too many decimal places)`,
        },
      ])
    },
  }
}
