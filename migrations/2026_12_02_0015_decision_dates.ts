import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// A funding decision is taken at a meeting and often recorded days later (issue 31, item 17): the
// decision's own date is kept beside the time it was entered, offices are checked on the first and the
// stage 4 report runs on it. Decisions already kept were recorded as they were taken, so the date they
// were entered is their date.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table funding_decision rename column decided_at to recorded_at;
    alter table funding_decision add column decided_on date;
    update funding_decision set decided_on = (recorded_at at time zone 'UTC')::date;
    alter table funding_decision alter column decided_on set not null;
    drop index funding_decision_bid_idx;
    drop index funding_decision_time_idx;
    create index funding_decision_bid_idx on funding_decision (partnership_id, bid_id, decided_on, recorded_at);
    create index funding_decision_date_idx on funding_decision (partnership_id, decided_on);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index funding_decision_date_idx;
    drop index funding_decision_bid_idx;
    alter table funding_decision drop column decided_on;
    alter table funding_decision rename column recorded_at to decided_at;
    create index funding_decision_bid_idx on funding_decision (partnership_id, bid_id, decided_at);
    create index funding_decision_time_idx on funding_decision (partnership_id, decided_at);
  `.execute(db)
}
