import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// The public view (issue 27): a partnership that opts in shows its published figures, the evaluation on them
// and its issued rounds to anyone, without a token. Off until an admin turns it on.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table partnership add column public_view boolean not null default false`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table partnership drop column public_view`.execute(db)
}
