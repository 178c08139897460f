import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// - A measurement can be deleted (a mistaken figure) and its history still read: revisions are kept by
//   the measurement's key (indicator, area, period) instead of hanging off the row by a cascading key,
//   and the value a deletion removed is kept with who deleted it and when.
// - A comment keeps the text each edit replaced, with who wrote it; the latest editor is on the comment.
// - An audit event keeps the client's own request id as a correlation id beside the service's.
// - measurement's own foreign key to partnership goes: the keys to indicator and area, both
//   (partnership_id, id), already hold a row to an existing partnership, and checking it a third time
//   was an eighth of the cost of writing a row.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table measurement drop constraint measurement_partnership_id_fkey;

    alter table measurement_revision
      add column indicator_id uuid,
      add column area_id uuid,
      add column period text,
      add column deleted_by text,
      add column deleted_at timestamptz(3);
    -- The owner is held to the policies too (forced): lifted while the table's own rows are filled in.
    alter table measurement_revision no force row level security;
    alter table measurement no force row level security;
    update measurement_revision r set indicator_id = m.indicator_id, area_id = m.area_id, period = m.period
      from measurement m where m.id = r.measurement_id;
    alter table measurement_revision force row level security;
    alter table measurement force row level security;
    alter table measurement_revision
      alter column indicator_id set not null,
      alter column area_id set not null,
      alter column period set not null,
      drop constraint measurement_revision_measurement_id_fkey,
      add foreign key (partnership_id, indicator_id) references indicator (partnership_id, id) on delete cascade,
      add foreign key (partnership_id, area_id) references area (partnership_id, id);
    create index measurement_revision_key_idx on measurement_revision (partnership_id, indicator_id, area_id, period);

    create or replace function measurement_keep_revision() returns trigger language plpgsql as $$
    begin
      if (old.value, old.numerator, old.denominator) is distinct from (new.value, new.numerator, new.denominator) then
        insert into measurement_revision (partnership_id, measurement_id, indicator_id, area_id, period, revision, value, numerator, denominator, status, source, sent_by, sent_at)
        values (old.partnership_id, old.id, old.indicator_id, old.area_id, old.period, old.revision, old.value, old.numerator, old.denominator, old.status, old.source, old.sent_by, old.updated_at);
      end if;
      return new;
    end
    $$;

    alter table commentary add column edited_by text;
    create table commentary_revision (
      id bigint generated always as identity primary key,
      partnership_id uuid not null,
      commentary_id uuid not null,
      body text not null,
      written_by text not null,
      written_at timestamptz(3) not null,
      foreign key (partnership_id, commentary_id) references commentary (partnership_id, id) on delete cascade
    );
    create index commentary_revision_comment_idx on commentary_revision (partnership_id, commentary_id, id);
    create function commentary_keep_revision() returns trigger language plpgsql as $$
    begin
      if old.body is distinct from new.body then
        insert into commentary_revision (partnership_id, commentary_id, body, written_by, written_at)
        values (old.partnership_id, old.id, old.body, coalesce(old.edited_by, old.author), old.updated_at);
      end if;
      return new;
    end
    $$;
    create trigger commentary_keep_revision before update of body on commentary
      for each row execute function commentary_keep_revision();

    alter table audit_event add column correlation_id text;
  `.execute(db)
  await sql`grant select, insert, update, delete on commentary_revision to spa_tenant`.execute(db)
  await sql`alter table commentary_revision enable row level security`.execute(db)
  await sql`alter table commentary_revision force row level security`.execute(db)
  await sql`
    create policy tenant on commentary_revision to spa_tenant
      using (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
      with check (partnership_id = nullif(current_setting('app.partnership_id', true), '')::uuid)
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table audit_event drop column correlation_id;
    alter table measurement add foreign key (partnership_id) references partnership (id);
    drop trigger commentary_keep_revision on commentary;
    drop function commentary_keep_revision();
    drop table commentary_revision;
    alter table commentary drop column edited_by;

    create or replace function measurement_keep_revision() returns trigger language plpgsql as $$
    begin
      if (old.value, old.numerator, old.denominator) is distinct from (new.value, new.numerator, new.denominator) then
        insert into measurement_revision (partnership_id, measurement_id, revision, value, numerator, denominator, status, source, sent_by, sent_at)
        values (old.partnership_id, old.id, old.revision, old.value, old.numerator, old.denominator, old.status, old.source, old.sent_by, old.updated_at);
      end if;
      return new;
    end
    $$;
    alter table measurement_revision no force row level security;
    alter table measurement no force row level security;
    delete from measurement_revision r where not exists (select 1 from measurement m where m.id = r.measurement_id);
    alter table measurement_revision force row level security;
    alter table measurement force row level security;
    drop index measurement_revision_key_idx;
    alter table measurement_revision
      drop constraint measurement_revision_partnership_id_indicator_id_fkey,
      drop constraint measurement_revision_partnership_id_area_id_fkey,
      add foreign key (measurement_id) references measurement (id) on delete cascade,
      drop column deleted_at,
      drop column deleted_by,
      drop column period,
      drop column area_id,
      drop column indicator_id;
  `.execute(db)
}
