import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// What a target is judged on (issue 27): the year to date (as before), the rolling twelve months (seed
// 003 judges MARAC and NI 20 so), or the single period.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table target add column judged_on text not null default 'year_to_date'
      check (judged_on in ('year_to_date', 'rolling_12_months', 'period'))
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table target drop column judged_on`.execute(db)
}
