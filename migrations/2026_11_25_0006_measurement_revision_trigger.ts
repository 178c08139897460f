import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// The value a measurement replaces is kept by the update itself. Copying it in a statement before the
// upsert lost a value when two writers raced to create the same measurement: the second saw no row to
// copy, then its ON CONFLICT update replaced the first writer's value. A row trigger sees exactly the
// version the update replaces, whoever wrote it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function measurement_keep_revision() returns trigger language plpgsql as $$
    begin
      if (old.value, old.numerator, old.denominator) is distinct from (new.value, new.numerator, new.denominator) then
        insert into measurement_revision (partnership_id, measurement_id, revision, value, numerator, denominator, status, source, sent_by, sent_at)
        values (old.partnership_id, old.id, old.revision, old.value, old.numerator, old.denominator, old.status, old.source, old.sent_by, old.updated_at);
      end if;
      return new;
    end
    $$;
    create trigger measurement_keep_revision before update of value, numerator, denominator on measurement
      for each row execute function measurement_keep_revision();
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop trigger measurement_keep_revision on measurement;
    drop function measurement_keep_revision();
  `.execute(db)
}
