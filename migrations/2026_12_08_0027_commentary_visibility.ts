import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Commentary marked for the public (issue 27): a comment is the partnership's own until an officer marks it
// public; a partnership's public view then shows it beside the figures it explains.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table commentary add column visibility text not null default 'internal'
    constraint commentary_visibility check (visibility in ('internal', 'public'))`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table commentary drop column visibility`.execute(db)
}
