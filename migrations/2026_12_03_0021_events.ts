import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// Events for other systems (issue 29). outbox_event is the transactional outbox: a change writes its
// event in its own transaction, so no change commits without it and none exists for a change rolled
// back; its identity column is the order events are read in (the pull feed's cursor). dedupe_key makes a
// time-based event (a return overdue on a day) raised once, whichever instance gets there first.
// A subscription sends some event types to a URL, signed with its secret (kept as written: signing
// needs it); each event it wants is a delivery, created with the event, so that a delivery is never
// lost between the event and its sending. lease_until holds one instance to a subscription's deliveries
// at a time (in order); it expires, so an instance killed mid-delivery holds nothing. All three are
// tenant tables held by the same policy as the others (migration 0007).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table outbox_event (
      seq bigint generated always as identity primary key,
      id uuid not null default gen_random_uuid() unique,
      partnership_id uuid not null references partnership (id),
      type text not null check (length(type) between 1 and 100),
      body jsonb not null,
      dedupe_key text check (length(dedupe_key) between 1 and 300),
      occurred_at timestamptz(3) not null default now(),
      unique (partnership_id, dedupe_key)
    );
    create index outbox_event_feed_idx on outbox_event (partnership_id, seq);

    create table webhook_subscription (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null references partnership (id),
      url text not null check (length(url) between 1 and 2000),
      event_types text[] not null check (cardinality(event_types) between 1 and 50),
      description text check (length(description) between 1 and 500),
      secret text not null,
      enabled boolean not null default true,
      disabled_reason text,
      lease_until timestamptz(3),
      lease_token uuid,
      archived boolean not null default false,
      version integer not null default 1,
      created_at timestamptz(3) not null default now(),
      updated_at timestamptz(3) not null default now(),
      unique (partnership_id, id)
    );
    create index webhook_subscription_types_idx on webhook_subscription using gin (event_types) where not archived;

    create table webhook_delivery (
      id uuid primary key default gen_random_uuid(),
      partnership_id uuid not null,
      subscription_id uuid not null,
      event_seq bigint not null references outbox_event (seq),
      status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
      attempt_count integer not null default 0,
      next_attempt_at timestamptz(3) not null default now(),
      delivered_at timestamptz(3),
      attempts jsonb not null default '[]',
      created_at timestamptz(3) not null default now(),
      foreign key (partnership_id, subscription_id) references webhook_subscription (partnership_id, id) on delete cascade,
      unique (subscription_id, event_seq)
    );
    create index webhook_delivery_pending_idx on webhook_delivery (subscription_id, event_seq) where status = 'pending';
    create index webhook_delivery_event_idx on webhook_delivery (event_seq);
  `.execute(db)
  for (const table of ['outbox_event', 'webhook_subscription', 'webhook_delivery']) {
    await sql`grant select, insert, update, delete on ${sql.table(table)} to spa_tenant`.execute(db)
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
    await sql`alter table ${sql.table(table)} force row level security`.execute(db)
    await sql`
      create policy tenant on ${sql.table(table)} to spa_tenant
        using (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
        with check (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
    `.execute(db)
  }
  // Events are history: the service adds them and never changes one.
  await sql`revoke update on outbox_event from spa_tenant`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table webhook_delivery; drop table webhook_subscription; drop table outbox_event;`.execute(db)
}
