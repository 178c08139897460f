import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Partner data feeds (issue 16): a mapping says how an agency's files as published (police.uk street-level
// crime, fire incident records) count into the partnership's indicators; its location lookup places each
// row's code (an LSOA, a ward, a station ground) in one of the partnership's areas; each import run is kept
// with what it read, counted, skipped and wrote. Every table is a tenant table.
const TENANT_TABLES = ['feed_mapping', 'feed_location', 'feed_import']

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table feed_mapping (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      kind text not null check (kind in ('police_uk', 'incidents')),
      description text,
      agency_id uuid,
      date_column text not null check (length(date_column) between 1 and 100),
      location_column text not null check (length(location_column) between 1 and 100),
      rules jsonb not null,
      from_month text check (from_month ~ '^\\d{4}-\\d{2}$'),
      to_month text check (to_month ~ '^\\d{4}-\\d{2}$'),
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      unique (partnership_id, name),
      check (from_month is null or to_month is null or from_month <= to_month),
      foreign key (partnership_id, agency_id) references agency (partnership_id, id)
    );

    create table feed_location (
      partnership_id uuid not null references partnership (id),
      mapping_id uuid not null,
      code text not null check (length(code) between 1 and 40),
      area_id uuid not null,
      primary key (partnership_id, mapping_id, code),
      foreign key (partnership_id, mapping_id) references feed_mapping (partnership_id, id) on delete cascade,
      foreign key (partnership_id, area_id) references area (partnership_id, id)
    );

    create table feed_import (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      mapping_id uuid not null,
      file_name text,
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      bytes bigint not null,
      agency_id uuid,
      imported_by text not null,
      months text[] not null,
      rows_read integer not null,
      rows_counted integer not null,
      skipped jsonb not null,
      malformed jsonb not null,
      malformed_truncated boolean not null,
      inserted integer not null,
      updated integer not null,
      unchanged integer not null,
      warnings text[] not null default '{}',
      same_file_as uuid,
      duration_ms integer not null,
      request_id text,
      created_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      foreign key (partnership_id, mapping_id) references feed_mapping (partnership_id, id),
      foreign key (partnership_id, agency_id) references agency (partnership_id, id)
    );
    create index feed_import_mapping_idx on feed_import (partnership_id, mapping_id, created_at);
    create index feed_import_sha_idx on feed_import (partnership_id, mapping_id, sha256);
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
  for (const table of [...TENANT_TABLES].reverse()) await sql`drop table ${sql.table(table)}`.execute(db)
}
