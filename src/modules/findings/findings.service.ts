import type { Db } from '../../db/client.js'
import type { Actor } from '../../domain/access.js'
import { DomainError, notFound } from '../../domain/errors.js'
import { recordAudit } from '../audit/audit.repository.js'
import { checkIfMatch } from '../resource/resource.service.js'
import { decideFinding, findFinding, listFindings, type FindingFilter } from './findings.repository.js'

export function createFindingService(db: Db) {
  return {
    list: (partnershipId: string, filter: FindingFilter) => listFindings(db, partnershipId, filter),

    async get(partnershipId: string, id: string) {
      const finding = await findFinding(db, partnershipId, id)
      if (finding === undefined) throw notFound('finding')
      return finding
    },

    /**
     * An officer's word on a queried figure: confirmed (in doubt, being corrected: still queried) or
     * dismissed (it stands: no longer queried). A finding whose value was replaced has nothing left to
     * decide; one decided may be decided again (a dismissal taken back), each time with its reason.
     */
    decide(
      partnershipId: string,
      actor: Actor,
      id: string,
      ifMatch: string | undefined,
      decision: { state: 'confirmed' | 'dismissed'; reason: string },
    ) {
      return db.transaction().execute(async (trx) => {
        const before = await findFinding(trx, partnershipId, id, true)
        if (before === undefined) throw notFound('finding')
        checkIfMatch(ifMatch, before.version)
        if (before.state === 'superseded')
          throw new DomainError(
            'FINDING.SUPERSEDED',
            'conflict',
            'A new value has replaced the figure this finding queried: there is nothing left to decide.',
          )
        const after = await decideFinding(trx, id, { ...decision, decidedBy: actor.subject })
        await recordAudit(trx, actor, {
          partnershipId,
          action: 'update',
          resourceType: 'finding',
          resourceId: id,
          before,
          after,
        })
        return after
      })
    },
  }
}
