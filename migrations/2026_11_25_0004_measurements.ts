import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table measurement (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      indicator_id uuid not null,
      area_id uuid not null,
      period text not null,
      period_start date not null,
      period_end date not null,
      value numeric not null,
      numerator numeric,
      denominator numeric,
      status text not null default 'provisional' check (status in ('provisional', 'validated', 'published')),
      source text,
      sent_by text not null,
      revision integer not null default 1,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      -- also serves a series (one indicator and area) read
      unique (partnership_id, indicator_id, area_id, period),
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id) on delete cascade,
      foreign key (partnership_id, area_id) references area (partnership_id, id),
      check (period_end >= period_start)
    );
    create index measurement_period_idx on measurement (partnership_id, period_start, id);

    -- The values a measurement had before its current one, with who sent each and when.
    create table measurement_revision (
      partnership_id uuid not null,
      measurement_id uuid not null references measurement (id) on delete cascade,
      revision integer not null,
      value numeric not null,
      numerator numeric,
      denominator numeric,
      status text not null,
      source text,
      sent_by text not null,
      sent_at timestamptz(3) not null,
      primary key (measurement_id, revision)
    );

    -- A bulk request's key and first answer, committed with the data it wrote.
    create table idempotency_key (
      partnership_id uuid not null references partnership (id),
      client text not null,
      key text not null,
      request_hash text not null,
      status integer not null,
      response jsonb not null,
      created_at timestamptz(3) not null default now(),
      primary key (partnership_id, client, key)
    );
    create index idempotency_key_created_idx on idempotency_key (created_at);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table idempotency_key, measurement_revision, measurement`.execute(db)
}
