import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table partnership (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 63),
      name text not null check (length(name) between 1 and 200),
      financial_year_start_month smallint not null default 4 check (financial_year_start_month between 1 and 12),
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now()
    );

    create table area (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      type text not null check (type in ('partnership', 'county', 'district', 'ward', 'neighbourhood', 'lsoa',
        'msoa', 'police_area', 'police_bcu', 'fire_station_ground', 'other')),
      code text check (length(code) between 1 and 40),
      parent_id uuid,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      unique (partnership_id, code),
      -- the composite key keeps a parent inside the same partnership
      foreign key (partnership_id, parent_id) references area (partnership_id, id),
      check (parent_id <> id)
    );
    create index area_parent_idx on area (partnership_id, parent_id);
    create index area_name_idx on area (partnership_id, name, id);

    create table agency (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      role text not null check (role in ('responsible_authority', 'co_operating_body', 'invitee', 'other')),
      contact_name text,
      contact_email text,
      contact_phone text,
      data_supplied text,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      unique (partnership_id, name)
    );

    create table priority (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      code text check (length(code) between 1 and 40),
      description text,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      unique (partnership_id, name),
      unique (partnership_id, code)
    );

    create table objective (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      priority_id uuid not null,
      title text not null check (length(title) between 1 and 500),
      description text,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      foreign key (partnership_id, priority_id) references priority (partnership_id, id) on delete cascade
    );
    create index objective_priority_idx on objective (partnership_id, priority_id);

    create table theme (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      name text not null check (length(name) between 1 and 200),
      description text,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id),
      unique (partnership_id, name)
    );

    create table audit_event (
      id bigint generated always as identity primary key,
      partnership_id uuid references partnership (id),
      actor text not null,
      action text not null check (action in ('create', 'update', 'delete')),
      resource_type text not null,
      resource_id text not null,
      before jsonb,
      after jsonb,
      request_id text,
      occurred_at timestamptz(3) not null default now()
    );
    create index audit_event_scope_idx on audit_event (partnership_id, id);
    create index audit_event_resource_idx on audit_event (partnership_id, resource_type, resource_id, id);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table audit_event, theme, objective, priority, agency, area, partnership`.execute(db)
}
