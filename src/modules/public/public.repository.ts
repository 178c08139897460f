import type { Db } from '../../db/client.js'

/** A partnership that opted in to the public view, by slug; none otherwise, as if it did not exist. */
export function publicPartnership(db: Db, slug: string) {
  return db
    .selectFrom('partnership')
    .select(['id', 'slug', 'name', 'financialYearStartMonth'])
    .where('slug', '=', slug)
    .where('publicView', '=', true)
    .executeTakeFirst()
}

/** Its priorities, indicators (with the priorities each measures) and areas: the columns anyone may read. */
export async function publicCatalogue(db: Db, partnershipId: string) {
  const [priorities, indicators, links, areas] = await Promise.all([
    db
      .selectFrom('priority')
      .select(['id', 'code', 'name', 'description'])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .orderBy('code')
      .orderBy('name')
      .execute(),
    db
      .selectFrom('indicator')
      .select(['id', 'reference', 'name', 'definition', 'unit', 'ratePer', 'polarity', 'frequency', 'decimalPlaces'])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .orderBy('reference')
      .execute(),
    db
      .selectFrom('indicatorPriority')
      .select(['indicatorId', 'priorityId'])
      .where('partnershipId', '=', partnershipId)
      .execute(),
    db
      .selectFrom('area')
      .select(['id', 'name', 'type', 'code', 'parentId'])
      .where('partnershipId', '=', partnershipId)
      .where('archived', '=', false)
      .orderBy('name')
      .execute(),
  ])
  const measures = new Map<string, string[]>()
  for (const link of links) measures.set(link.indicatorId, [...(measures.get(link.indicatorId) ?? []), link.priorityId])
  return {
    priorities,
    indicators: indicators.map((i) => ({ ...i, priorityIds: measures.get(i.id) ?? [] })),
    areas,
  }
}

const ISSUED_ROUND = ['id', 'period', 'periodStart', 'periodEnd', 'strategicMeetingOn', 'issuedAt'] as const

const issued = (db: Db, partnershipId: string) =>
  db
    .selectFrom('reportingRound')
    .select(ISSUED_ROUND)
    .where('partnershipId', '=', partnershipId)
    .where('issuedAt', 'is not', null)

/** The rounds issued, latest period first. */
export const issuedRounds = (db: Db, partnershipId: string) =>
  issued(db, partnershipId).orderBy('periodStart', 'desc').execute()

/** One issued round; none while it is not issued. */
export const issuedRound = (db: Db, partnershipId: string, id: string) =>
  issued(db, partnershipId).where('id', '=', id).executeTakeFirst()
