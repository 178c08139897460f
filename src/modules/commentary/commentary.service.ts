import type { Db } from '../../db/client.js'
import { requireAuthor, roleAtLeast, type Actor } from '../../domain/access.js'
import { DomainError, notFound } from '../../domain/errors.js'
import { dateRange, parsePeriod } from '../../domain/periods.js'
import { today } from '../../http/clock.js'
import { themeGroupsOf } from '../groups/groups.repository.js'
import { requireRoleOrMembership } from '../groups/groups.service.js'
import type { Row } from '../resource/resource.repository.js'
import { createResourceService, type WriteHooks } from '../resource/resource.service.js'
import { submittedReturns } from '../rounds/rounds.repository.js'
import { commentaryHistory, commentarySpec, namesExist } from './commentary.repository.js'

/** Officers and admins: not bound by a group's return, and the ones who show a comment to the public. */
const isOfficer = (actor: Actor) => actor.role !== undefined && roleAtLeast(actor.role, 'officer')

const checkAuthor = (existing: Row<'commentary'>, actor: Actor, action: 'change' | 'delete') =>
  requireAuthor({ author: existing.author, what: 'comment', code: 'COMMENTARY.NOT_AUTHOR' }, actor, action)

/**
 * A theme group's members write its commentary for a round's period until their return is submitted
 * (issue 25); PMG reopens it for more. Officers are not bound by a group's return.
 */
async function refuseAfterReturn(trx: Db, partnershipId: string, actor: Actor, indicatorId: string, period: string) {
  if (isOfficer(actor)) return
  const groups = await themeGroupsOf(trx, partnershipId, indicatorId)
  const submitted = await submittedReturns(trx, partnershipId, period, groups)
  if (submitted.length > 0)
    throw new DomainError(
      'COMMENTARY.RETURN_SUBMITTED',
      'conflict',
      `${submitted.join(', ')} submitted its return for ${period}: its commentary stands until PMG reopens the return.`,
    )
}

/**
 * The public reads a comment only as an officer or admin approved it: they alone mark one public, and a
 * change of its text by anyone else makes it internal again.
 */
function visibilityOf(values: Record<string, unknown>, existing: Row<'commentary'> | undefined, actor: Actor) {
  if (isOfficer(actor)) return values
  const rewritten = existing !== undefined && values.body !== undefined && values.body !== existing.body
  if (values.visibility === 'public' && (existing?.visibility !== 'public' || rewritten))
    throw new DomainError(
      'COMMENTARY.PUBLISH',
      'forbidden',
      'Only an officer or an admin may show a comment to the public (visibility public).',
      [{ field: 'body.visibility', message: 'public needs an officer or an admin' }],
    )
  return rewritten && existing.visibility === 'public' ? { ...values, visibility: 'internal' } : values
}

const hooks: WriteHooks<'commentary'> = {
  // The author is whoever the token says, never what the body claims; the period gets its canonical form.
  async beforeWrite(trx, scope, asked, existing, actor) {
    const values = visibilityOf(asked, existing, actor)
    if (existing !== undefined) {
      // An officer shows another's comment to the public (or takes it back) without becoming its editor.
      const onlyVisibility = Object.keys(asked).every((key) => key === 'visibility')
      if (onlyVisibility && isOfficer(actor)) return values
      checkAuthor(existing, actor, 'change')
      await refuseAfterReturn(trx, scope.partnershipId, actor, existing.indicatorId, existing.period)
      return { ...values, editedBy: actor.subject }
    }
    const period = parsePeriod(values.period as string, scope.yearStartMonth, 'body.period')
    const found = await namesExist(trx, scope.partnershipId, values.indicatorId as string, values.areaId as string)
    const missing = [found.indicator ? null : 'indicatorId', found.area ? null : 'areaId'].filter((f) => f !== null)
    if (missing.length > 0) {
      throw new DomainError(
        'COMMENTARY.REFERENCE',
        'unprocessable',
        'The comment must name an indicator and an area of this partnership.',
        missing.map((f) => ({ field: `body.${f}`, message: 'does not exist in this partnership' })),
      )
    }
    // A theme group's members write its indicators' commentary, whatever their role (officers write any).
    await requireRoleOrMembership(
      trx,
      scope.partnershipId,
      actor,
      'officer',
      await themeGroupsOf(trx, scope.partnershipId, values.indicatorId as string),
      today(),
      "this indicator's commentary",
      'any',
    )
    await refuseAfterReturn(trx, scope.partnershipId, actor, values.indicatorId as string, period.key)
    return { ...values, period: period.key, periodStart: dateRange(period).start, author: actor.subject }
  },
  async beforeDelete(trx, scope, existing, actor) {
    checkAuthor(existing, actor, 'delete')
    await refuseAfterReturn(trx, scope.partnershipId, actor, existing.indicatorId, existing.period)
  },
}

export function createCommentaryService(db: Db) {
  return {
    ...createResourceService(db, commentarySpec, hooks),

    /** The comment's text now and every text an edit replaced, newest first. */
    async history(partnershipId: string, id: string) {
      const items = await commentaryHistory(db, partnershipId, id)
      if (items.length === 0) throw notFound('commentary')
      return items
    },
  }
}
