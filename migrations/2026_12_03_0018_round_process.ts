import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// The rest of the reporting round (issue 25):
// - Reports as the figures stood at a time (`knownAt`): every version of a measurement says since when it
//   held its value (`value_since`; a status change alone is not a new value), and a revision keeps its
//   period's first day, so a window of periods reads revisions as it reads measurements. Rows written
//   before this migration take the best time they have (when they were last changed).
// - PMG's requests to a theme group for more explanation, answered within the round.
// - The Strategic Group's response to each issued exception, and its follow-up request to the PMG chair,
//   answered in a later round.
const TENANT_TABLES = ['round_request', 'strategic_response']

const RECORD = sql`
  archived boolean not null default false,
  version integer not null default 1,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table measurement no force row level security;
    alter table measurement_revision no force row level security;

    alter table measurement add column value_since timestamptz(3);
    update measurement set value_since = updated_at;
    alter table measurement alter column value_since set not null, alter column value_since set default now();

    alter table measurement_revision add column value_since timestamptz(3), add column period_start date;
    update measurement_revision set value_since = sent_at;
    update measurement_revision r set period_start = case
        when r.period ~ '^\\d{4}-\\d{2}$' then to_date(r.period || '-01', 'YYYY-MM-DD')
        when r.period ~ '^\\d{4}-Q[1-4]$' then make_date(left(r.period, 4)::int, right(r.period, 1)::int * 3 - 2, 1)
        when r.period ~ '^\\d{4}$' then make_date(r.period::int, 1, 1)
        else make_date(substr(r.period, 3, 4)::int, p.financial_year_start_month, 1)
      end
      from partnership p where p.id = r.partnership_id;
    alter table measurement_revision
      alter column value_since set not null,
      alter column period_start set not null;
    create index measurement_revision_window_idx on measurement_revision (partnership_id, period_start);

    alter table measurement force row level security;
    alter table measurement_revision force row level security;

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

    create table round_request (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      round_id uuid not null,
      group_id uuid not null,
      question text not null check (length(question) between 1 and 4000),
      due_on date not null,
      asked_by text not null,
      answer text check (length(answer) between 1 and 10000),
      answered_by text,
      answered_at timestamptz(3),
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, round_id) references reporting_round (partnership_id, id),
      foreign key (partnership_id, group_id) references partnership_group (partnership_id, id),
      check ((answer is null) = (answered_at is null))
    );
    create index round_request_round_idx on round_request (partnership_id, round_id);

    create table strategic_response (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      round_id uuid not null,
      indicator_id uuid not null,
      area_id uuid not null,
      response text not null check (response in ('accepted', 'further_support_required', 'raise_at_county_board')),
      note text check (length(note) between 1 and 4000),
      follow_up text check (length(follow_up) between 1 and 4000),
      follow_up_due_on date,
      responded_by text not null,
      answer text check (length(answer) between 1 and 10000),
      answered_in_round_id uuid,
      answered_by text,
      answered_at timestamptz(3),
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, round_id, indicator_id, area_id),
      foreign key (partnership_id, round_id) references reporting_round (partnership_id, id),
      foreign key (partnership_id, answered_in_round_id) references reporting_round (partnership_id, id),
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id),
      foreign key (partnership_id, area_id) references area (partnership_id, id),
      check ((follow_up is null) = (follow_up_due_on is null)),
      check (answer is null or follow_up is not null),
      check ((answer is null) = (answered_at is null))
    );
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
  await sql`
    create or replace function measurement_keep_revision() returns trigger language plpgsql as $$
    begin
      if (old.value, old.numerator, old.denominator) is distinct from (new.value, new.numerator, new.denominator) then
        insert into measurement_revision (partnership_id, measurement_id, indicator_id, area_id, period, revision, value, numerator, denominator, status, source, sent_by, sent_at)
        values (old.partnership_id, old.id, old.indicator_id, old.area_id, old.period, old.revision, old.value, old.numerator, old.denominator, old.status, old.source, old.sent_by, old.updated_at);
      end if;
      return new;
    end
    $$;
    drop index measurement_revision_window_idx;
    alter table measurement_revision drop column value_since, drop column period_start;
    alter table measurement drop column value_since;
  `.execute(db)
}
