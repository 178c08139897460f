import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { FileMigrationProvider, Migrator, type Kysely, type MigrationResultSet } from 'kysely'
import { installJobs } from './jobs.js'

// Resolves to ./migrations from src/db and to dist/migrations from dist/src/db alike.
const migrationFolder = fileURLToPath(new URL('../../migrations', import.meta.url))

/** Applies pending migrations (and the job queue's schema); Kysely's migrator holds an advisory lock, so concurrent starters queue. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) })
  const done = applied(await migrator.migrateToLatest())
  // The job queue's schema is pg-boss's to version; it is installed with the service's own.
  await installJobs(db)
  return done
}

export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new FileMigrationProvider({ fs, path, migrationFolder }) })
  return applied(await migrator.migrateDown())
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error })
  }
  return (results ?? []).map((r) => `${r.direction} ${r.migrationName}`)
}
