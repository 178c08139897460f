import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Row-level security as a second wall behind every query's own partnership condition. The service
// connects as spa_tenant (a role without BYPASSRLS that owns nothing), and on each tenant table a policy
// lets it see and write only the rows of the partnership its transaction names in app.partnership_id.
// Unset (or reset to '' at the end of a transaction that set it) the setting matches nothing. Only a
// superuser or a role with BYPASSRLS sees past the policies (migrations that change data need one).
// The partnership table is the directory tenants are looked up in, by slug, before one is known: it has
// no policy, and spa_tenant may not delete from it. A table added later needs its own grant and policy;
// test/db/tenancy.test.ts fails until it has them.
const TENANT_TABLES = [
  'area',
  'agency',
  'priority',
  'objective',
  'theme',
  'audit_event',
  'indicator',
  'indicator_priority',
  'target',
  'measurement',
  'measurement_revision',
  'idempotency_key',
  'commentary',
]

export async function up(db: Kysely<any>): Promise<void> {
  // Roles belong to the whole server, so another database's migration may be making it at the same time.
  await sql`
    do $$
    begin
      begin
        create role spa_tenant nologin;
      exception when duplicate_object or unique_violation then null;
      end;
      begin
        grant spa_tenant to current_user;
      exception when unique_violation then null;
      end;
    end
    $$
  `.execute(db)
  await sql`grant usage on schema public to spa_tenant`.execute(db)
  await sql`grant select, insert, update on partnership to spa_tenant`.execute(db)
  await sql`grant usage on all sequences in schema public to spa_tenant`.execute(db)
  for (const table of TENANT_TABLES) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to spa_tenant`.execute(db)
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
    // Forced, so that a service connecting as the owner (its role option lost) is held to it too.
    await sql`alter table ${sql.table(table)} force row level security`.execute(db)
    await sql`
      create policy tenant on ${sql.table(table)} to spa_tenant
        using (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
        with check (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
    `.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TENANT_TABLES) {
    await sql`drop policy tenant on ${sql.table(table)}`.execute(db)
    await sql`alter table ${sql.table(table)} no force row level security`.execute(db)
    await sql`alter table ${sql.table(table)} disable row level security`.execute(db)
    await sql`revoke all on ${sql.table(table)} from spa_tenant`.execute(db)
  }
  await sql`revoke all on partnership from spa_tenant`.execute(db)
  await sql`revoke usage on all sequences in schema public from spa_tenant`.execute(db)
  await sql`revoke usage on schema public from spa_tenant`.execute(db)
  // The role stays: other databases on the same server may still use it.
}
