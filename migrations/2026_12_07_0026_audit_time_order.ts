import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// The audit trail sorts by when each change happened, oldest or newest first (issue 28: every list sorts):
// a page of a long trail is read from this index, not sorted from the whole of it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index audit_event_time_idx on audit_event (partnership_id, occurred_at, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index audit_event_time_idx`.execute(db)
}
