import type { Db } from '../../db/client.js'

/**
 * The theme groups among `groupIds` whose return for the round of `period` is in (submitted, not
 * reopened): their members' commentary for that period is then the return's, and stands until PMG
 * reopens it. With no period, the groups whose return is in for a round not yet issued: their actions
 * stand as returned until the round is issued or the return reopened.
 */
export async function submittedReturns(
  db: Db,
  partnershipId: string,
  period: string | null,
  groupIds: readonly string[],
) {
  if (groupIds.length === 0) return []
  const rows = await db
    .selectFrom('roundReturn')
    .innerJoin('reportingRound', (j) =>
      j
        .onRef('reportingRound.partnershipId', '=', 'roundReturn.partnershipId')
        .onRef('reportingRound.id', '=', 'roundReturn.roundId'),
    )
    .innerJoin('partnershipGroup', (j) =>
      j
        .onRef('partnershipGroup.partnershipId', '=', 'roundReturn.partnershipId')
        .onRef('partnershipGroup.id', '=', 'roundReturn.groupId'),
    )
    .select(['partnershipGroup.name', 'roundReturn.submittedAt'])
    .where('roundReturn.partnershipId', '=', partnershipId)
    .$if(period !== null, (q) => q.where('reportingRound.period', '=', period!))
    // Actions are no period's: a submitted return holds them only while its round is open.
    .$if(period === null, (q) => q.where('reportingRound.issuedAt', 'is', null))
    .where('roundReturn.groupId', 'in', groupIds)
    .where('roundReturn.submittedAt', 'is not', null)
    .execute()
  return rows.map((r) => r.name)
}
