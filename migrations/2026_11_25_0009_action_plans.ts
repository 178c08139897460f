import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// The partnership's groups (theme groups, PMG, the Strategic Group...) with their members over time, and
// the action plans the theme groups own: actions under a priority, their partners, linked indicators,
// milestones and progress updates. Every table is a tenant table: granted to spa_tenant and held by the
// same policy as the others (migration 0007).
const TENANT_TABLES = [
  'partnership_group',
  'group_member',
  'action_item',
  'action_item_partner',
  'action_item_indicator',
  'action_milestone',
  'action_progress',
]

const RECORD = sql`
  archived boolean not null default false,
  version integer not null default 1,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table partnership_group (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      kind text not null check (kind in ('theme', 'performance', 'strategic', 'delivery', 'other')),
      priority_id uuid,
      description text,
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, name),
      foreign key (partnership_id, priority_id) references priority (partnership_id, id)
    );

    create table group_member (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      group_id uuid not null,
      subject text not null check (length(subject) between 1 and 255),
      name text check (length(name) between 1 and 200),
      agency_id uuid,
      offices text[] not null default '{}' check (offices <@ array['chair', 'vice_chair', 'designated_officer']),
      starts_on date not null,
      ends_on date check (ends_on >= starts_on),
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, group_id) references partnership_group (partnership_id, id) on delete cascade,
      foreign key (partnership_id, agency_id) references agency (partnership_id, id)
    );
    create index group_member_group_idx on group_member (partnership_id, group_id, starts_on);
    -- "Which groups is this token's subject in?" is asked on every write by a theme group member.
    create index group_member_subject_idx on group_member (partnership_id, subject);

    create table action_item (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      priority_id uuid not null,
      objective_id uuid,
      group_id uuid,
      reference text check (length(reference) between 1 and 40),
      title text not null check (length(title) between 1 and 500),
      description text,
      outputs text[] not null default '{}',
      starts text,
      ends text,
      timing text,
      starts_on date,
      ends_on date check (ends_on >= starts_on),
      lead_name text,
      lead_agency_id uuid,
      lead_tbc boolean not null default false,
      other_partners text[] not null default '{}',
      resources jsonb not null default '[]',
      outcomes text[] not null default '{}',
      measures text[] not null default '{}',
      status text not null default 'not_started'
        check (status in ('not_started', 'on_track', 'at_risk', 'off_track', 'complete', 'cancelled')),
      ${RECORD},
      unique (partnership_id, id),
      unique (partnership_id, reference),
      foreign key (partnership_id, priority_id) references priority (partnership_id, id),
      foreign key (partnership_id, objective_id) references objective (partnership_id, id),
      foreign key (partnership_id, group_id) references partnership_group (partnership_id, id),
      foreign key (partnership_id, lead_agency_id) references agency (partnership_id, id)
    );
    create index action_item_priority_idx on action_item (partnership_id, priority_id);

    create table action_item_partner (
      partnership_id uuid not null,
      action_item_id uuid not null,
      agency_id uuid not null,
      primary key (action_item_id, agency_id),
      foreign key (partnership_id, action_item_id) references action_item (partnership_id, id) on delete cascade,
      foreign key (partnership_id, agency_id) references agency (partnership_id, id) on delete cascade
    );

    create table action_item_indicator (
      partnership_id uuid not null,
      action_item_id uuid not null,
      indicator_id uuid not null,
      primary key (action_item_id, indicator_id),
      foreign key (partnership_id, action_item_id) references action_item (partnership_id, id) on delete cascade,
      foreign key (partnership_id, indicator_id) references indicator (partnership_id, id) on delete cascade
    );
    -- Reports list each indicator's actions.
    create index action_item_indicator_indicator_idx on action_item_indicator (partnership_id, indicator_id);

    create table action_milestone (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      action_item_id uuid not null,
      description text not null check (length(description) between 1 and 2000),
      due text not null,
      due_from text,
      due_on date not null,
      done_on date,
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, action_item_id) references action_item (partnership_id, id) on delete cascade
    );
    create index action_milestone_action_idx on action_milestone (partnership_id, action_item_id, due_on);

    create table action_progress (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      action_item_id uuid not null,
      reported_on date not null,
      status text not null
        check (status in ('not_started', 'on_track', 'at_risk', 'off_track', 'complete', 'cancelled')),
      body text not null check (length(body) between 1 and 10000),
      author text not null,
      edited_by text,
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, action_item_id) references action_item (partnership_id, id) on delete cascade
    );
    create index action_progress_action_idx on action_progress (partnership_id, action_item_id, reported_on desc);
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
