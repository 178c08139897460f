import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// The risk register (seed 000): each partnership's scales, bands and appetite; risks with the actions that
// treat them; and their assessments over time, append-only (a mistaken one is withdrawn with a reason,
// never edited). An assessment keeps the scale it was made on. Every table is a tenant table.
const TENANT_TABLES = ['risk_setting', 'risk', 'risk_action', 'risk_assessment']

const RECORD = sql`
  archived boolean not null default false,
  version integer not null default 1,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table risk_setting (
      partnership_id uuid primary key references partnership (id),
      likelihood_levels integer not null default 4 check (likelihood_levels between 2 and 5),
      impact_levels integer not null default 4 check (impact_levels between 2 and 5),
      likelihood_labels text[] not null default '{}',
      impact_labels text[] not null default '{}',
      medium_from integer not null default 4,
      high_from integer not null default 8,
      very_high_from integer not null default 12,
      appetite integer not null default 8,
      version integer not null default 1,
      updated_at timestamptz(3) not null default now(),
      check (1 < medium_from and medium_from <= high_from and high_from <= very_high_from)
    );

    create table risk (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      reference text not null check (length(reference) between 1 and 40),
      title text not null check (length(title) between 1 and 500),
      description text,
      category text check (length(category) between 1 and 100),
      owner_name text check (length(owner_name) between 1 and 200),
      owner_agency_id uuid,
      priority_id uuid,
      objective_id uuid,
      controls text,
      priority_actions text[] not null default '{}',
      review_interval_months integer not null default 6 check (review_interval_months between 1 and 60),
      closed_on date,
      closed_reason text,
      -- Kept by every assessment written or withdrawn, so that lists sort by it.
      current_score integer not null default 0,
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, reference),
      check ((closed_on is null) = (closed_reason is null)),
      foreign key (partnership_id, owner_agency_id) references agency (partnership_id, id),
      foreign key (partnership_id, priority_id) references priority (partnership_id, id),
      foreign key (partnership_id, objective_id) references objective (partnership_id, id)
    );

    create table risk_action (
      partnership_id uuid not null,
      risk_id uuid not null,
      action_item_id uuid not null,
      primary key (risk_id, action_item_id),
      foreign key (partnership_id, risk_id) references risk (partnership_id, id) on delete cascade,
      foreign key (partnership_id, action_item_id) references action_item (partnership_id, id) on delete cascade
    );

    create table risk_assessment (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      risk_id uuid not null,
      assessed_on date not null,
      assessor text not null,
      likelihood_levels integer not null,
      impact_levels integer not null,
      inherent_likelihood integer not null check (inherent_likelihood between 1 and likelihood_levels),
      inherent_impact integer not null check (inherent_impact between 1 and impact_levels),
      current_likelihood integer not null check (current_likelihood between 1 and likelihood_levels),
      current_impact integer not null check (current_impact between 1 and impact_levels),
      target_likelihood integer check (target_likelihood between 1 and likelihood_levels),
      target_impact integer check (target_impact between 1 and impact_levels),
      -- Scores are derived, never typed.
      inherent_score integer generated always as (inherent_likelihood * inherent_impact) stored,
      current_score integer generated always as (current_likelihood * current_impact) stored,
      target_score integer generated always as (target_likelihood * target_impact) stored,
      note text,
      withdrawn_by text,
      withdrawn_reason text,
      withdrawn_at timestamptz(3),
      ${RECORD},
      unique (partnership_id, id),
      check ((target_likelihood is null) = (target_impact is null)),
      check ((withdrawn_at is null) = (withdrawn_reason is null)),
      foreign key (partnership_id, risk_id) references risk (partnership_id, id) on delete cascade
    );
    create index risk_assessment_risk_idx on risk_assessment (partnership_id, risk_id, assessed_on);
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
