import { isLive, pounds, type ActionContext, type ActionFlagEntry, type ActionResource } from './context.js'

const described = (r: ActionResource): string =>
  [
    r.amountPence === null
      ? r.amountTbc
        ? 'amount TBC'
        : null
      : `${pounds(r.amountPence)}${r.approximate ? ' (approx)' : ''}`,
    r.description,
    r.source,
  ]
    .filter((part) => part !== null)
    .join(' ') || 'a resource'

/** A resource the action needs is stated as not secured ("£3500 (approx) for training – not yet secured"). */
export function resourcesUnsecured(ctx: ActionContext): ActionFlagEntry | null {
  if (!isLive(ctx.status)) return null
  const unsecured = ctx.resources.filter((r) => r.secured === false)
  if (unsecured.length === 0) return null
  return { flag: 'resources_unsecured', reason: `not secured: ${unsecured.map(described).join('; ')}` }
}
