import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Benchmarking (issue 18): populations by area code and year (the denominators of rates), peer groups
// (Most Similar Groups) whose membership is kept over dates so that a revision never rewrites a past
// comparison, and peer areas' counts by indicator and period. A rate indicator may take its denominator
// from the populations: its measurements are then counts. Every new table is a tenant table.
const TENANT_TABLES = ['population', 'peer_group', 'peer_member', 'peer_figure']

const RECORD = sql`
  archived boolean not null default false,
  version integer not null default 1,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table population (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      code text not null check (length(code) between 1 and 40),
      year integer not null check (year between 1900 and 2200),
      population integer not null check (population > 0),
      source text check (length(source) <= 200),
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, code, year)
    );

    create table peer_group (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      description text,
      source text check (length(source) <= 200),
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, name)
    );

    create table peer_member (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      group_id uuid not null,
      code text not null check (length(code) between 1 and 40),
      name text not null check (length(name) between 1 and 200),
      area_id uuid,
      starts_on date not null,
      ends_on date,
      ${RECORD},
      unique (partnership_id, id),
      check (ends_on is null or ends_on >= starts_on),
      foreign key (partnership_id, group_id) references peer_group (partnership_id, id) on delete cascade,
      foreign key (partnership_id, area_id) references area (partnership_id, id)
    );
    create index peer_member_group_idx on peer_member (partnership_id, group_id, code);

    create table peer_figure (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      indicator_id uuid not null,
      code text not null check (length(code) between 1 and 40),
      period text not null,
      period_start date not null,
      period_end date not null,
      value numeric not null check (value >= 0),
      source text check (length(source) <= 200),
      sent_by text not null,
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, indicator_id, code, period),
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id)
    );
    create index peer_figure_window_idx on peer_figure (partnership_id, indicator_id, period_start);

    alter table indicator add column rate_denominator text not null default 'sent'
      check (rate_denominator in ('sent', 'population'));
  `.execute(db)
  for (const table of TENANT_TABLES) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to spa_tenant`.execute(db)
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
    await sql`alter table ${sql.table(table)} force row level security`.execute(db)
    await sql`
      create policy tenant on ${sql.table(table)} to spa_tenant
        using (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
        with check (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
    `.execute(db)
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table indicator drop column rate_denominator`.execute(db)
  for (const table of [...TENANT_TABLES].reverse()) await sql`drop table ${sql.table(table)}`.execute(db)
}
