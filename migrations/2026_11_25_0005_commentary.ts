import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table commentary (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      indicator_id uuid not null,
      area_id uuid not null,
      period text not null,
      period_start date not null,
      body text not null check (length(body) between 1 and 10000),
      author text not null,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id) on delete cascade,
      foreign key (partnership_id, area_id) references area (partnership_id, id)
    );
    -- Reports ask for the latest comment on each indicator and area up to a period.
    create index commentary_latest_idx on commentary (partnership_id, indicator_id, area_id, period_start desc, created_at desc);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table commentary`.execute(db)
}
