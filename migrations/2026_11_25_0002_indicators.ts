import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table indicator (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      reference text not null check (length(reference) between 1 and 40),
      name text not null check (length(name) between 1 and 300),
      definition text,
      unit text not null check (unit in ('count', 'percentage', 'rate', 'ratio')),
      rate_per integer check (rate_per in (100, 1000, 10000, 100000)),
      polarity text not null check (polarity in ('lower_better', 'higher_better', 'monitor_only')),
      frequency text not null check (frequency in ('monthly', 'quarterly', 'annual', 'biennial')),
      aggregation text not null check (aggregation in ('sum', 'ratio_of_sums', 'latest')),
      decimal_places smallint not null default 0 check (decimal_places between 0 and 6),
      default_tolerance_percent numeric(7, 3) not null default 5 check (default_tolerance_percent >= 0),
      source_agency_id uuid,
      data_lag_days integer not null default 0 check (data_lag_days between 0 and 730),
      parent_id uuid,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      unique (partnership_id, reference),
      foreign key (partnership_id, source_agency_id) references agency (partnership_id, id),
      foreign key (partnership_id, parent_id) references indicator (partnership_id, id),
      check (parent_id <> id),
      check ((unit = 'rate') = (rate_per is not null))
    );
    create index indicator_parent_idx on indicator (partnership_id, parent_id);
    create index indicator_agency_idx on indicator (partnership_id, source_agency_id);

    create table indicator_priority (
      partnership_id uuid not null,
      indicator_id uuid not null,
      priority_id uuid not null,
      primary key (indicator_id, priority_id),
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id) on delete cascade,
      foreign key (partnership_id, priority_id) references priority (partnership_id, id)
    );
    create index indicator_priority_priority_idx on indicator_priority (partnership_id, priority_id);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table indicator_priority, indicator`.execute(db)
}
