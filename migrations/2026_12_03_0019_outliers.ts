import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Data quality on arrival (issue 26): each figure a write brings is judged against its own history, and
// what looks like a typo is kept as a finding, until an officer confirms it (the figure is in doubt) or
// dismisses it (the figure stands), or a new value replaces it (superseded). A finding belongs to the
// measurement's revision it judged, once per figure and rule, so a feed re-sending the same month adds
// nothing. The partnership sets how unlikely a count must be to be queried, and the multiple of the
// previous maximum that always is; a feed import keeps the outliers it brought with its summary.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table partnership
      add column outlier_level numeric not null default 0.001 check (outlier_level > 0 and outlier_level <= 0.01),
      add column outlier_max_multiple numeric not null default 3 check (outlier_max_multiple >= 1.5 and outlier_max_multiple <= 1000);

    alter table feed_import add column outliers jsonb not null default '[]';

    create table measurement_finding (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      measurement_id uuid not null references measurement (id) on delete cascade,
      indicator_id uuid not null,
      area_id uuid not null,
      period text not null,
      period_start date not null,
      revision integer not null,
      figure text not null check (figure in ('value', 'numerator', 'denominator')),
      rule text not null check (rule in ('poisson_tail', 'above_previous_max', 'unexpected_zero', 'rate_outlier')),
      sent numeric not null,
      expected numeric,
      low numeric,
      high numeric,
      score double precision,
      message text not null,
      state text not null default 'open' check (state in ('open', 'confirmed', 'dismissed', 'superseded')),
      reason text check (length(reason) between 1 and 2000),
      decided_by text,
      decided_at timestamptz(3),
      found_by text not null,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      unique (measurement_id, revision, figure, rule),
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id),
      foreign key (partnership_id, area_id) references area (partnership_id, id),
      check (state not in ('confirmed', 'dismissed') or (reason is not null and decided_by is not null))
    );
    create index measurement_finding_open_idx on measurement_finding (partnership_id, period_start)
      where state in ('open', 'confirmed');
  `.execute(db)
  await sql`grant select, insert, update, delete on measurement_finding to spa_tenant`.execute(db)
  await sql`alter table measurement_finding enable row level security`.execute(db)
  await sql`alter table measurement_finding force row level security`.execute(db)
  await sql`
    create policy tenant on measurement_finding to spa_tenant
      using (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
      with check (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table measurement_finding;
    alter table feed_import drop column outliers;
    alter table partnership drop column outlier_level, drop column outlier_max_multiple;
  `.execute(db)
}
