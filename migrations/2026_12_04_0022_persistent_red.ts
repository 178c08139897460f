import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Persistent under-performance (issue 27): PMG escalates what has been red for several reported periods
// running; how many is the partnership's to say (default 3; at most a year, which the evaluation's
// two years of figures can judge).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table partnership add column persistent_red_periods smallint not null default 3
      check (persistent_red_periods between 2 and 12)
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table partnership drop column persistent_red_periods`.execute(db)
}
