import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Validation rules between figures of the same area and period (issue 26): `left op right`, each side a
// sum of indicators' figures (from the area checked, or its parent) and a constant, kept as JSON; checked
// on arrival and on demand. A broken rule of severity error refuses the write only where the partnership
// has chosen strict validation.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table partnership add column strict_validation boolean not null default false;

    create table validation_rule (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      left_side jsonb not null,
      op text not null check (op in ('=', '<=', '>=', '<', '>')),
      right_side jsonb not null,
      severity text not null default 'warning' check (severity in ('warning', 'error')),
      message text check (length(message) between 1 and 500),
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id)
    );
    create index validation_rule_partnership_idx on validation_rule (partnership_id) where not archived;
  `.execute(db)
  await sql`grant select, insert, update, delete on validation_rule to spa_tenant`.execute(db)
  await sql`alter table validation_rule enable row level security`.execute(db)
  await sql`alter table validation_rule force row level security`.execute(db)
  await sql`
    create policy tenant on validation_rule to spa_tenant
      using (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
      with check (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table validation_rule;
    alter table partnership drop column strict_validation;
  `.execute(db)
}
