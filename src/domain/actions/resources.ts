import { DomainError } from '../errors.js'
import { pounds, type ActionResource } from './context.js'

/** A resource line states a sum or says it is TBC, never both. */
export function checkResources(resources: readonly ActionResource[]): void {
  resources.forEach((r, i) => {
    if (r.amountTbc && r.amountPence !== null)
      throw new DomainError(
        'ACTION.RESOURCE',
        'unprocessable',
        'A resource has an amount or an amount TBC, not both.',
        [{ field: `body.resources.${i}.amountTbc`, message: 'cannot be true with an amountPence' }],
      )
    if (r.approximate && r.amountPence === null)
      throw new DomainError('ACTION.RESOURCE', 'unprocessable', 'Only a stated amount can be approximate.', [
        { field: `body.resources.${i}.approximate`, message: 'needs an amountPence' },
      ])
  })
}

/** A resource line as the plan prints it: "£6,000 DA SMB - Secured", "Amount TBC - Not secured". */
export function describeResource(r: ActionResource): string {
  const amount = r.amountTbc
    ? 'Amount TBC'
    : r.amountPence === null
      ? null
      : `${pounds(r.amountPence)}${r.approximate ? ' (approx)' : ''}`
  const what = [r.description, amount, r.source].filter((x) => x !== null).join(' ')
  const secured = r.secured === null ? '' : r.secured ? ' - Secured' : ' - Not secured'
  return `${what}${secured}`
}
