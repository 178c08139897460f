import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// The reporting round (issue 25, seed 000 Appendix 1): a period's cycle from the theme groups' returns
// through PMG's curation of the exceptions to the issued report. An issued report is a frozen snapshot:
// its table takes inserts only (no grant of update or delete to the service, and a trigger that refuses
// both to anyone, the owner included), as the audit trail does.
const TENANT_TABLES = ['reporting_round', 'round_return', 'round_selection', 'issued_report']

const RECORD = sql`
  archived boolean not null default false,
  version integer not null default 1,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table reporting_round (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      period text not null,
      period_start date not null,
      period_end date not null,
      theme_meetings_on date not null,
      pmg_meeting_on date not null check (pmg_meeting_on >= theme_meetings_on),
      strategic_meeting_on date not null check (strategic_meeting_on >= pmg_meeting_on),
      send_days integer not null default 7 check (send_days between 0 and 60),
      return_days integer not null default 7 check (return_days between 0 and 60),
      opened_by text not null,
      issued_at timestamptz(3),
      issued_by text,
      missing_returns_reason text check (length(missing_returns_reason) between 1 and 2000),
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, period)
    );

    create table round_return (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      round_id uuid not null,
      group_id uuid not null,
      meeting_on date not null,
      summary text check (length(summary) between 1 and 10000),
      submitted_at timestamptz(3),
      submitted_by text,
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, round_id, group_id),
      foreign key (partnership_id, round_id) references reporting_round (partnership_id, id),
      foreign key (partnership_id, group_id) references partnership_group (partnership_id, id)
    );

    create table round_selection (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      round_id uuid not null,
      indicator_id uuid not null,
      area_id uuid not null,
      decision text not null check (decision in ('keep', 'drop', 'add')),
      direction text check (direction in ('bad', 'good')),
      reason text check (length(reason) between 1 and 2000),
      action_id uuid,
      decided_by text not null,
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, round_id, indicator_id, area_id),
      foreign key (partnership_id, round_id) references reporting_round (partnership_id, id),
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id),
      foreign key (partnership_id, area_id) references area (partnership_id, id),
      foreign key (partnership_id, action_id) references action_item (partnership_id, id),
      check (decision = 'keep' or reason is not null),
      check (decision <> 'add' or direction is not null)
    );

    create table issued_report (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      round_id uuid not null,
      issued_at timestamptz(3) not null default now(),
      issued_by text not null,
      exceptions jsonb not null,
      performance jsonb not null,
      unique (partnership_id, id),
      unique (partnership_id, round_id),
      foreign key (partnership_id, round_id) references reporting_round (partnership_id, id)
    );

    create function issued_report_frozen() returns trigger language plpgsql as $$
    begin
      raise exception 'an issued report is never changed or deleted' using errcode = 'restrict_violation';
    end $$;
    create trigger issued_report_frozen before update or delete on issued_report
      for each row execute function issued_report_frozen();
  `.execute(db)
  for (const table of TENANT_TABLES) {
    const rights = table === 'issued_report' ? sql`select, insert` : sql`select, insert, update, delete`
    await sql`grant ${rights} on ${sql.table(table)} to spa_tenant`.execute(db)
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
  await sql`drop function issued_report_frozen()`.execute(db)
}
