import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Funding (seed 002, Charnwood's funding process): streams and their allocations to initiatives, bids
// through the staged approval process with every decision kept, evaluations and payments of funded bids.
// Money is integer pence (bigint). Every table is a tenant table, held by the same policy as the others.
const TENANT_TABLES = [
  'funding_stream',
  'funding_allocation',
  'funding_bid',
  'funding_decision',
  'funding_evaluation',
  'funding_evaluation_indicator',
  'funding_payment',
]

const RECORD = sql`
  archived boolean not null default false,
  version integer not null default 1,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
`

const STATES = sql`('draft', 'submitted', 'returned', 'supported', 'referred', 'approved', 'rejected', 'withdrawn')`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Seed 002: a supported bid over £1,000.00 goes to the Performance Group; at or under it, to the officers.
    alter table partnership add column funding_threshold_pence bigint not null default 100000
      check (funding_threshold_pence >= 0);

    create table funding_stream (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      funder text check (length(funder) between 1 and 200),
      financial_year text not null,
      total_pence bigint not null check (total_pence >= 0),
      accountable_body text check (length(accountable_body) between 1 and 200),
      notes text,
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, name, financial_year)
    );

    create table funding_allocation (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      stream_id uuid not null,
      description text not null check (length(description) between 1 and 500),
      amount_pence bigint not null check (amount_pence >= 0),
      priority_id uuid,
      action_item_id uuid,
      contingency boolean not null default false,
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, stream_id, description),
      foreign key (partnership_id, stream_id) references funding_stream (partnership_id, id),
      foreign key (partnership_id, priority_id) references priority (partnership_id, id),
      foreign key (partnership_id, action_item_id) references action_item (partnership_id, id)
    );

    create table funding_bid (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      stream_id uuid not null,
      allocation_id uuid not null,
      applicant text not null,
      applicant_agency_id uuid,
      amount_pence bigint not null check (amount_pence > 0),
      title text not null check (length(title) between 1 and 500),
      description text,
      priority_id uuid,
      outcomes text[] not null default '{}',
      action_item_id uuid,
      group_id uuid not null,
      attachments text[] not null default '{}',
      state text not null default 'draft' check (state in ${STATES}),
      evaluation_due_on date,
      mainstreaming text check (mainstreaming in ('mainstream', 'fund_again', 'end')),
      mainstreaming_reason text,
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, stream_id) references funding_stream (partnership_id, id),
      foreign key (partnership_id, allocation_id) references funding_allocation (partnership_id, id),
      foreign key (partnership_id, applicant_agency_id) references agency (partnership_id, id),
      foreign key (partnership_id, priority_id) references priority (partnership_id, id),
      foreign key (partnership_id, action_item_id) references action_item (partnership_id, id),
      foreign key (partnership_id, group_id) references partnership_group (partnership_id, id)
    );
    -- What an allocation has committed is the sum of its approved bids.
    create index funding_bid_allocation_idx on funding_bid (partnership_id, allocation_id, state);

    -- Append-only: every transition of every bid, who took it, in which office, when and why.
    create table funding_decision (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      bid_id uuid not null,
      action text not null,
      stage text not null,
      from_state text not null check (from_state in ${STATES}),
      to_state text not null check (to_state in ${STATES}),
      actor text not null,
      offices text[] not null default '{}',
      group_id uuid,
      reason text,
      amount_pence bigint not null,
      decided_at timestamptz(3) not null default now(),
      foreign key (partnership_id, bid_id) references funding_bid (partnership_id, id) on delete cascade
    );
    create index funding_decision_bid_idx on funding_decision (partnership_id, bid_id, decided_at);
    create index funding_decision_time_idx on funding_decision (partnership_id, decided_at);

    create table funding_evaluation (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      bid_id uuid not null,
      evaluated_on date not null,
      summary text not null check (length(summary) between 1 and 10000),
      outcome_figures text[] not null default '{}',
      author text not null,
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, bid_id) references funding_bid (partnership_id, id)
    );
    create index funding_evaluation_bid_idx on funding_evaluation (partnership_id, bid_id);

    create table funding_evaluation_indicator (
      partnership_id uuid not null,
      evaluation_id uuid not null,
      indicator_id uuid not null,
      primary key (evaluation_id, indicator_id),
      foreign key (partnership_id, evaluation_id) references funding_evaluation (partnership_id, id) on delete cascade,
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id) on delete cascade
    );

    create table funding_payment (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      bid_id uuid not null,
      paid_on date not null,
      amount_pence bigint not null check (amount_pence > 0),
      reference text check (length(reference) between 1 and 200),
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, bid_id) references funding_bid (partnership_id, id)
    );
    create index funding_payment_bid_idx on funding_payment (partnership_id, bid_id);
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
  await sql`alter table partnership drop column funding_threshold_pence`.execute(db)
}
