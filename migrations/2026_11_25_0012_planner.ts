import { sql, type Kysely } from 'kysely'

// Frozen in time: this file never imports from src/ and is never edited once landed.
//
// What keeps the planner right for one partnership among many (issue 19):
// - a series reads one indicator's window: without an index on (partnership, indicator, period_start) the
//   unique key (partnership, indicator, area, period) served it and every period of the indicator was
//   read and thrown away;
// - a bulk feed can add hundreds of thousands of measurements at once: autovacuum's default (analyse once
//   10% of a table changed) leaves large tables on stale statistics for long, so the two tables bulk
//   writes grow are analysed after 2% (at least 10,000 rows) changed.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index measurement_indicator_period_idx on measurement (partnership_id, indicator_id, period_start);
    alter table measurement set (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 10000);
    alter table target set (autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 10000);
  `.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index measurement_indicator_period_idx;
    alter table measurement reset (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
    alter table target reset (autovacuum_analyze_scale_factor, autovacuum_analyze_threshold);
  `.execute(db)
}
