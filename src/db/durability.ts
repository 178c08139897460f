import type pg from 'pg'

export interface DurabilitySettings {
  fsync: string
  fullPageWrites: string
  synchronousCommit: string
  autovacuum: string
  trackCounts: string
}

/**
 * A server that does not fsync, or writes torn pages, can lose committed rows on a crash, while the
 * service has already answered 200 for them: the service will not run on it. Asynchronous commit loses
 * at most the last moments of commits on a crash, without corruption: a warning.
 */
export function judgeDurability(settings: DurabilitySettings): { refuse: string[]; warn: string[] } {
  const refuse: string[] = []
  const warn: string[] = []
  if (settings.fsync !== 'on') refuse.push('fsync is off: a crash can lose or corrupt committed data')
  if (settings.fullPageWrites !== 'on') refuse.push('full_page_writes is off: a crash can leave torn pages')
  if (settings.synchronousCommit === 'off')
    warn.push('synchronous_commit is off: a crash can lose the last acknowledged writes')
  // Bulk feeds grow tables fast; the migrations ask autovacuum to analyse them early (0012), which it
  // cannot do when it is off or counts nothing: the planner then misjudges one partnership's queries.
  if (settings.autovacuum !== 'on' || settings.trackCounts !== 'on')
    warn.push('autovacuum or track_counts is off: statistics go stale after bulk imports; run ANALYZE after each')
  return { refuse, warn }
}

export class DurabilityError extends Error {
  constructor(reasons: string[]) {
    super(`The database is not safe to run on: ${reasons.join('; ')}. Turn the setting on in postgresql.conf.`)
    this.name = 'DurabilityError'
  }
}

/** Reads the server's settings; throws DurabilityError when they are unsafe, logs a warning when doubtful. */
export async function checkDurability(pool: pg.Pool, log: { warn(obj: object, msg: string): void }): Promise<void> {
  const { rows } = await pool.query<DurabilitySettings>(
    `select current_setting('fsync') as "fsync", current_setting('full_page_writes') as "fullPageWrites",
            current_setting('synchronous_commit') as "synchronousCommit", current_setting('autovacuum') as "autovacuum",
            current_setting('track_counts') as "trackCounts"`,
  )
  const verdict = judgeDurability(rows[0]!)
  if (verdict.refuse.length > 0) throw new DurabilityError(verdict.refuse)
  for (const warning of verdict.warn) log.warn({ check: 'database settings' }, warning)
}
