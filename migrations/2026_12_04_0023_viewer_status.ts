import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Published figures (issue 27): the least settled figure a partnership's viewers (scrutiny members) see in
// its evaluation and reports; default provisional, as before.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table partnership add column viewer_minimum_status text not null default 'provisional'
      check (viewer_minimum_status in ('provisional', 'validated', 'published'))
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table partnership drop column viewer_minimum_status`.execute(db)
}
