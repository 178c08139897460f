import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// People and access held by the service (issue 24): a partnership's members, each a token's issuer and
// subject with a role over a span of dates; the invitations that become members when the person they
// name by email first signs in; and the API keys an agency's system sends instead of a token (only a
// hash of each secret is kept). All are tenant tables held by the same policy as the others (migration
// 0007). Each has one more policy, for reading only: a caller's own rows, named by the transaction-local
// settings app.issuer, app.subject, app.email and app.key_id, so the service can ask "which partnerships
// is this caller in?" across partnerships without anything that bypasses row-level security.
const TENANT_TABLES = ['member', 'invitation', 'api_key']

const RECORD = sql`
  archived boolean not null default false,
  version integer not null default 1,
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now()
`

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table member (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      kind text not null default 'person' check (kind in ('person', 'client')),
      issuer text not null check (length(issuer) between 1 and 500),
      subject text not null check (length(subject) between 1 and 255),
      email text check (length(email) between 3 and 320 and email = lower(email)),
      name text check (length(name) between 1 and 200),
      role text not null check (role in ('viewer', 'officer', 'admin')),
      agency_id uuid,
      starts_on date not null,
      ends_on date check (ends_on >= starts_on),
      invitation_id uuid,
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, agency_id) references agency (partnership_id, id),
      check (kind = 'person' or agency_id is not null)
    );
    -- Asked on every request the instance has not cached: the caller's memberships, in every partnership.
    create index member_identity_idx on member (issuer, subject);

    create table invitation (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      email text not null check (length(email) between 3 and 320 and email = lower(email)),
      name text check (length(name) between 1 and 200),
      role text not null check (role in ('viewer', 'officer', 'admin')),
      agency_id uuid,
      expires_at timestamptz(3) not null,
      revoked boolean not null default false,
      accepted_at timestamptz(3),
      member_id uuid,
      invited_by text not null,
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, agency_id) references agency (partnership_id, id),
      foreign key (partnership_id, member_id) references member (partnership_id, id)
    );
    create index invitation_email_idx on invitation (email) where accepted_at is null and not revoked;

    create table api_key (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      agency_id uuid not null,
      name text not null check (length(name) between 1 and 200),
      secret_hash text not null check (length(secret_hash) = 64),
      expires_at timestamptz(3) not null,
      revoked boolean not null default false,
      last_used_at timestamptz(3),
      replaces uuid,
      created_by text not null,
      ${RECORD},
      unique (partnership_id, id),
      foreign key (partnership_id, agency_id) references agency (partnership_id, id),
      foreign key (partnership_id, replaces) references api_key (partnership_id, id)
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
  await sql`
    create policy own on member for select to spa_tenant
      using (issuer = current_setting('app.issuer', true) and subject = current_setting('app.subject', true));
    create policy own on invitation for select to spa_tenant
      using (email = nullif(current_setting('app.email', true), ''));
    create policy own on api_key for select to spa_tenant
      using (id = nullif(current_setting('app.key_id', true), '')::uuid);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table api_key`.execute(db)
  await sql`drop table invitation`.execute(db)
  await sql`drop table member`.execute(db)
}
