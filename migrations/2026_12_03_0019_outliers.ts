import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Data quality on arrival (issue 26): each figure a write brings is judged against its own history, and
// what looks like a typo is kept as a finding, until an officer confirms it (the figure is in doubt) or
// dismisses it (the figure stands), or a new value replaces it (superseded). A finding belongs to the
// measurement's revision it judged, once per figure and rule, so a feed re-sending the same month adds
// nothing. The partnership sets how unlikely a count must be to be queried, and the multiple of the
// previous maximum that always is; a feed import keeps the outliers it brought with its summary.
//
// Whose figure stands: a value keeps the agency whose feed sent it (`agency_id`); a person replacing an
// agency's figure gives a reason, and the figure then names the agency it overrode. Both travel into the
// revision when the value is replaced. The partial index serves the check, which looks only at figures an
// agency sent, so a batch of an officer's own figures pays nothing for it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table measurement
      add column agency_id uuid,
      add column reason text check (length(reason) between 1 and 2000),
      add column overridden_agency_id uuid,
      add foreign key (partnership_id, agency_id) references agency (partnership_id, id);
    create index measurement_agency_figure_idx on measurement (partnership_id, indicator_id, area_id, period)
      where agency_id is not null;
    -- Every evaluation asks which of its figures a person overrode: this keeps that a probe of the few.
    create index measurement_overridden_idx on measurement (partnership_id, period_start)
      where overridden_agency_id is not null;
    alter table measurement_revision
      add column agency_id uuid,
      add column reason text,
      add column overridden_agency_id uuid;

    create or replace function measurement_keep_revision() returns trigger language plpgsql as $$
    begin
      if (old.value, old.numerator, old.denominator) is distinct from (new.value, new.numerator, new.denominator) then
        insert into measurement_revision (partnership_id, measurement_id, indicator_id, area_id, period, period_start, revision, value, numerator, denominator, status, source, sent_by, sent_at, value_since, agency_id, reason, overridden_agency_id)
        values (old.partnership_id, old.id, old.indicator_id, old.area_id, old.period, old.period_start, old.revision, old.value, old.numerator, old.denominator, old.status, old.source, old.sent_by, old.updated_at, old.value_since, old.agency_id, old.reason, old.overridden_agency_id);
        new.value_since := now();
      end if;
      return new;
    end
    $$;
  `.execute(db)
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
    create or replace function measurement_keep_revision() returns trigger language plpgsql as $$
    begin
      if (old.value, old.numerator, old.denominator) is distinct from (new.value, new.numerator, new.denominator) then
        insert into measurement_revision (partnership_id, measurement_id, indicator_id, area_id, period, period_start, revision, value, numerator, denominator, status, source, sent_by, sent_at, value_since)
        values (old.partnership_id, old.id, old.indicator_id, old.area_id, old.period, old.period_start, old.revision, old.value, old.numerator, old.denominator, old.status, old.source, old.sent_by, old.updated_at, old.value_since);
        new.value_since := now();
      end if;
      return new;
    end
    $$;
    alter table measurement_revision drop column agency_id, drop column reason, drop column overridden_agency_id;
    alter table measurement drop column agency_id, drop column reason, drop column overridden_agency_id;
    drop table measurement_finding;
    alter table feed_import drop column outliers;
    alter table partnership drop column outlier_level, drop column outlier_max_multiple;
  `.execute(db)
}
