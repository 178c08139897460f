import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table target (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      indicator_id uuid not null,
      area_id uuid not null,
      period text not null,
      period_start date not null,
      period_end date not null,
      status text not null default 'set' check (status in ('set', 'tbc')),
      baseline_value numeric(20, 6),
      baseline_period text,
      change_percent numeric(9, 3),
      target_value numeric(20, 6),
      derivation text,
      tolerance_percent numeric(7, 3) check (tolerance_percent >= 0),
      profile jsonb,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      unique (partnership_id, indicator_id, area_id, period),
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id) on delete cascade,
      foreign key (partnership_id, area_id) references area (partnership_id, id),
      check (status = 'tbc' or target_value is not null),
      check (change_percent is null or baseline_value is not null),
      check (period_end >= period_start)
    );
    create index target_area_idx on target (partnership_id, area_id);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table target`.execute(db)
}
