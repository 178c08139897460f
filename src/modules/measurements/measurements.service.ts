import type { Db } from '../../db/client.js'
import { DomainError, notFound, type FieldError } from '../../domain/errors.js'
import {
  checkMeasurement,
  checkPeriodEnded,
  checkStatusMove,
  MEASUREMENT_STATUSES,
  type MeasurementStatus,
  type SentNumber,
} from '../../domain/measurements.js'
import { dateRange, parsePeriod, PERIOD_KINDS } from '../../domain/periods.js'
import { recordAudit } from '../audit/audit.repository.js'
import type { Actor } from '../../domain/access.js'
import { checkIfMatch } from '../resource/resource.service.js'
import { today } from '../../http/clock.js'
import { CSV_COLUMNS } from '../../http/bulk-body.js'
import { judgeWritten, type Judging, type Outlier } from '../findings/findings.repository.js'
import { rulesInForce, violationsOf, type RulesInForce, type Violation } from '../validation/validation.service.js'
import { RowCheckerBase, runBatch, type BulkAnswer, type BulkOptions } from '../batch/batch.service.js'
import { WrittenLatest } from '../evaluation/evaluation.queue.js'

export type { BulkAnswer, BulkOptions, BulkResult } from '../batch/batch.service.js'
/** Published figures, as the public view reads them. */
export { listPublished } from './measurements.repository.js'
import {
  emptyColumns,
  findMeasurement,
  keepRows,
  keyIds,
  listRevisions,
  lookups,
  setStatus,
  upsertMeasurements,
  deleteMeasurement,
  type MeasurementColumns,
  type MeasurementKey,
} from './measurements.repository.js'

/** A row's fields are the CSV's columns, whatever format the batch comes in. */
const ROW_FIELDS = new Set<string>(CSV_COLUMNS)
/** Months are counted from year 0 and years stop at 2200 (periods.ts), so a month fits in 15 bits. */
const MONTHS_SPAN = 2 ** 15
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface Writer extends Actor {
  /** Set for a partner agency's feed token: only indicators this agency supplies. */
  agency?: string
}

type Lookups = Awaited<ReturnType<typeof lookups>>

/** The partnership written to, as the request knows it: its id, and the year-start month periods are read in. */
export interface Tenant {
  id: string
  financialYearStartMonth: number
}

/** Refusals of a row that a single PUT answers otherwise than as invalid input. */
type RowRefusal = 'no_indicator' | 'no_area' | 'not_your_agency'

/** Resolves names in rows (id, reference or code) and checks each row, collecting every refusal. */
class BatchChecker extends RowCheckerBase<MeasurementColumns> {
  private readonly indicators = new Map<string, Lookups['indicators'][number] & { index: number }>()
  private readonly areas = new Map<string, { id: string; index: number }>()
  /**
   * Each row's indicator, area and period packed in one number, to the row that first had it: held for
   * the whole batch (a repeat may come a chunk later), at about 40 bytes a row (a string key cost 150).
   */
  private readonly seen = new Map<number, number>()
  columns: MeasurementColumns = emptyColumns()

  constructor(
    private readonly context: Lookups,
    private readonly fyStartMonth: number,
    private readonly agency: string | undefined,
    /** The day the batch arrived: every row is judged against the same one, even across midnight. */
    private readonly today: string,
  ) {
    super()
    for (const [index, indicator] of context.indicators.entries()) {
      this.indicators.set(indicator.id, { ...indicator, index })
      this.indicators.set(`ref:${indicator.reference}`, { ...indicator, index })
    }
    for (const [index, area] of context.areas.entries()) {
      this.areas.set(area.id, { id: area.id, index })
      if (area.code !== null) this.areas.set(`code:${area.code}`, { id: area.id, index })
    }
  }

  get pending(): number {
    return this.columns.row.length
  }

  /** Hands over the rows accepted so far and starts a new chunk. */
  take(): MeasurementColumns {
    const taken = this.columns
    this.columns = emptyColumns()
    return taken
  }

  /** Why the rows were refused, beyond their messages: a single PUT answers these as 404 or 403. */
  readonly reasons = new Set<RowRefusal>()
  /** The first refusal a rule raised with its own code and words (PERIOD.MISMATCH), for a single PUT. */
  firstRule: DomainError | undefined

  override refuse(errors: FieldError[], reasons: RowRefusal[] = []): void {
    for (const reason of reasons) this.reasons.add(reason)
    super.refuse(errors)
  }

  add(raw: unknown, rowNumber: number): void {
    const row = this.begin(raw, rowNumber, ROW_FIELDS)
    if (row === undefined) return
    const at = `rows.${rowNumber}.`
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '')
    const indicatorName = text(row.indicator)
    const areaName = text(row.area)
    // A name of another partnership's thing reads exactly like an absent one.
    const indicator = this.indicators.get(
      UUID.test(indicatorName) ? indicatorName.toLowerCase() : `ref:${indicatorName}`,
    )
    const area = this.areas.get(UUID.test(areaName) ? areaName.toLowerCase() : `code:${areaName}`)
    const areaId = area?.id
    const problems: FieldError[] = []
    const reasons: RowRefusal[] = []
    if (indicator === undefined) {
      problems.push({ field: `${at}indicator`, message: 'names no indicator of this partnership' })
      reasons.push('no_indicator')
    }
    if (areaId === undefined) {
      problems.push({ field: `${at}area`, message: 'names no area of this partnership' })
      reasons.push('no_area')
    }
    if (indicator !== undefined && this.agency !== undefined && indicator.sourceAgencyId !== this.agency) {
      problems.push({ field: `${at}indicator`, message: 'is not supplied by your agency' })
      reasons.push('not_your_agency')
    }
    const sentStatus = row.status === undefined || row.status === null || row.status === '' ? null : row.status
    if (sentStatus !== null && !MEASUREMENT_STATUSES.includes(sentStatus as MeasurementStatus)) {
      problems.push({ field: `${at}status`, message: `must be one of: ${MEASUREMENT_STATUSES.join(', ')}` })
    } else if (this.agency !== undefined && sentStatus !== null && sentStatus !== 'provisional') {
      // The same rule as PATCH: validating and publishing are an officer's.
      problems.push({
        field: `${at}status`,
        message: 'an agency feed sends provisional figures; an officer validates and publishes them',
      })
    }
    // A feed's "provisional" is what any new value starts as, not a request to move a figure back.
    const status = this.agency !== undefined ? null : sentStatus
    const source = row.source === undefined || row.source === null || row.source === '' ? null : row.source
    if (source !== null && (typeof source !== 'string' || source.length > 200))
      problems.push({ field: `${at}source`, message: 'must be text of 200 characters at most' })
    const reason = row.reason === undefined || row.reason === null || row.reason === '' ? null : row.reason
    if (reason !== null && (typeof reason !== 'string' || reason.length > 2000))
      problems.push({ field: `${at}reason`, message: 'must be text of 2,000 characters at most' })
    if (typeof row.period !== 'string') problems.push({ field: `${at}period`, message: 'is required' })
    if (problems.length > 0 || indicator === undefined || area === undefined || areaId === undefined)
      return this.refuse(problems, reasons)
    try {
      const settled = checkMeasurement(
        indicator,
        {
          period: row.period as string,
          value: row.value as SentNumber,
          numerator: row.numerator as SentNumber,
          denominator: row.denominator as SentNumber,
        },
        this.fyStartMonth,
        at,
      )
      checkPeriodEnded(settled.period, this.today, `${at}period`)
      const { kind, firstMonth } = settled.period
      const key =
        ((indicator.index * this.context.areas.length + area.index) * PERIOD_KINDS.length +
          PERIOD_KINDS.indexOf(kind)) *
          MONTHS_SPAN +
        firstMonth
      const first = this.seen.get(key)
      if (first !== undefined)
        return this.refuse([
          { field: `${at}period`, message: `repeats row ${first} (same indicator, area and period)` },
        ])
      this.seen.set(key, rowNumber)
      const { start, end } = dateRange(settled.period)
      const c = this.columns
      c.row.push(rowNumber)
      c.indicatorId.push(indicator.id)
      c.areaId.push(areaId)
      c.period.push(settled.period.key)
      c.periodStart.push(start)
      c.periodEnd.push(end)
      c.value.push(settled.value)
      c.numerator.push(settled.numerator)
      c.denominator.push(settled.denominator)
      c.status.push(status as string | null)
      c.source.push(source as string | null)
      c.reason.push(reason as string | null)
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      this.firstRule ??= err
      this.refuse(err.errors ?? [{ field: `rows.${rowNumber}`, message: err.message }])
    }
  }
}

/**
 * The rules a chunk's figures break, checked before they are stored; in strict mode the rows a broken
 * error rests on are taken out of the chunk (and refused, each saying which rule).
 */
async function checkRules(
  trx: Db,
  partnershipId: string,
  rules: RulesInForce,
  chunk: MeasurementColumns,
): Promise<{ violations: Violation[]; chunk: MeasurementColumns; refused: FieldError[][] }> {
  if (rules.rules.length === 0 || chunk.row.length === 0) return { violations: [], chunk, refused: [] }
  const figures = chunk.row.map((row, i) => ({
    row,
    indicatorId: chunk.indicatorId[i]!,
    areaId: chunk.areaId[i]!,
    period: chunk.period[i]!,
    value: Number(chunk.value[i]),
  }))
  const violations = await violationsOf(trx, partnershipId, rules, figures)
  const refusedBy = new Map<number, Violation>()
  for (const v of violations) if (v.refused) for (const row of v.rows) if (!refusedBy.has(row)) refusedBy.set(row, v)
  if (refusedBy.size === 0) return { violations, chunk, refused: [] }
  return {
    violations,
    chunk: keepRows(chunk, (row) => !refusedBy.has(row)),
    refused: [...refusedBy].map(([row, v]) => [
      { field: `rows.${row}.value`, message: `breaks the rule ${v.description}${v.message ? `: ${v.message}` : ''}` },
    ]),
  }
}

/** A person replacing an agency feed's figure without saying why. */
const overrideRefusal = (field: string, agencyId: string): FieldError => ({
  field,
  message: `is required: the figure there was sent by agency ${agencyId}'s feed, and a person replacing it says why`,
})

/** Counts (and rates of the population, sent as counts) are judged as counts; the rest as rates. */
function judgingOf(context: Lookups): Judging {
  const byId = new Map(
    context.indicators.map((i) => [
      i.id,
      {
        kind: i.unit === 'count' || i.rateDenominator === 'population' ? ('count' as const) : ('rate' as const),
        yearMonths: i.frequency === 'biennial' ? 24 : 12,
      },
    ]),
  )
  return (id) => byId.get(id)!
}

/** The same checks as a batch row, answered as a single resource would be: 404, 403 or 400. */
function singleRowProblem(checker: BatchChecker): DomainError {
  if (checker.reasons.has('not_your_agency'))
    return new DomainError('MEASUREMENT.AGENCY', 'forbidden', 'Your agency does not supply this indicator.')
  if (checker.reasons.has('no_indicator')) return notFound('indicator')
  if (checker.reasons.has('no_area')) return notFound('area')
  const fields = checker.errors.map((e) => {
    const name = e.field.replace(/^rows\.1\./, '')
    return { field: name === 'period' ? 'params.period' : `body.${name}`, message: e.message }
  })
  // A rule that refused the row with its own code says so as it would anywhere (PERIOD.MISMATCH, with
  // the form expected), rather than as a bare "not valid".
  const rule = checker.firstRule
  if (rule !== undefined && checker.errors.length === (rule.errors?.length ?? 1))
    return new DomainError(rule.code, rule.kind, rule.message, fields)
  return new DomainError('MEASUREMENT.INVALID', 'validation', 'The measurement is not valid.', fields)
}

/**
 * A measurement's key as stored, from the one a path names: the indicator by id or reference (NI 20), the
 * area by id or code (E07000136), the period in any form it is read in (2010/11 is FY2010-11). A name that
 * names nothing of this partnership is not found, as an absent measurement is.
 */
async function storedKey(db: Db, tenant: Tenant, named: MeasurementKey): Promise<MeasurementKey> {
  const period = parsePeriod(named.period, tenant.financialYearStartMonth, 'params.period').key
  if (UUID.test(named.indicatorId) && UUID.test(named.areaId))
    return { indicatorId: named.indicatorId.toLowerCase(), areaId: named.areaId.toLowerCase(), period }
  const ids = await keyIds(db, tenant.id, named.indicatorId, named.areaId)
  if (ids.indicatorId === undefined || ids.areaId === undefined) throw notFound('measurement')
  return { indicatorId: ids.indicatorId, areaId: ids.areaId, period }
}

export function createMeasurementService(db: Db) {
  return {
    /**
     * Checks the rows as they stream in and writes them in chunks, so a batch is never held whole; all in
     * one transaction, taken only once the first chunk is ready (or the body has ended): an upload that
     * stalls holds a socket, never a database connection. While one chunk is written the next is read
     * and checked, so the service and the database work at the same time. When a row is refused (and
     * the batch is all-or-nothing) writing stops, the rest is still checked so every bad row is
     * reported, and the chunks already written are rolled back to a savepoint. With an idempotency key,
     * the key is claimed first (a concurrent duplicate waits on it) and committed with the data and the
     * answer, so a retry either replays the answer or finds nothing.
     */
    /**
     * A batch of measurements, through the one bulk ingestion path (batch.service.ts). `figuresOf` names
     * the agency whose figures they are when the writer is not its feed (an officer importing the force's
     * published file through its mapping): the writer's agency, else that one, owns them.
     */
    async bulk(
      tenant: Tenant,
      writer: Writer,
      body: { rows: AsyncIterable<unknown>; digest(): string },
      options: BulkOptions,
      figuresOf: string | null = null,
    ): Promise<BulkAnswer> {
      const owner = writer.agency ?? figuresOf
      const partnershipId = tenant.id
      const [context, inForce] = await Promise.all([lookups(db, partnershipId), rulesInForce(db, partnershipId)])
      const rules = { rules: inForce, strict: context.strictValidation }
      const judging = judgingOf(context)
      const checker = new BatchChecker(context, tenant.financialYearStartMonth, writer.agency, today())
      const latest = new WrittenLatest()
      return runBatch(
        db,
        partnershipId,
        writer,
        body,
        {
          ...options,
          resourceType: 'measurement-batch',
          event: 'measurements.received',
          afterWrite: (trx) => latest.queue(trx, partnershipId),
        },
        checker,
        async (trx, sent) => {
          if (sent.row.length === 0) return { inserted: 0, updated: 0, accepted: 0, refused: [] }
          const { violations, chunk, refused: broken } = await checkRules(trx, partnershipId, rules, sent)
          const written = await upsertMeasurements(trx, partnershipId, writer.subject, chunk, owner)
          // A chunk that changed nothing (a feed re-sending its months) has nothing to judge: no read at all.
          if (written.inserted + written.updated > 0) latest.add(chunk)
          const outliers =
            written.inserted + written.updated === 0
              ? []
              : await judgeWritten(trx, partnershipId, writer.subject, chunk, judging, context.outliers)
          return {
            inserted: written.inserted,
            updated: written.updated,
            accepted: sent.row.length,
            outliers,
            violations,
            refused: [
              ...broken,
              ...written.backward.map(({ row, status }) => [
                {
                  field: `rows.${row}.status`,
                  message: `must not go back from ${status}; send a corrected value instead`,
                },
              ]),
              ...written.overriding.map(({ row, agencyId }) => [overrideRefusal(`rows.${row}.reason`, agencyId)]),
            ],
          }
        },
      )
    },

    /** Upserts one measurement; answers whether it was created, changed or already so. */
    async put(
      tenant: Tenant,
      writer: Writer,
      key: MeasurementKey,
      body: Record<string, unknown>,
      ifMatch?: string | undefined,
    ) {
      const partnershipId = tenant.id
      const row = { indicator: key.indicatorId, area: key.areaId, period: key.period, ...body }
      return db.transaction().execute(async (trx) => {
        const [context, inForce] = await Promise.all([lookups(trx, partnershipId), rulesInForce(trx, partnershipId)])
        const rules = { rules: inForce, strict: context.strictValidation }
        const checker = new BatchChecker(context, tenant.financialYearStartMonth, writer.agency, today())
        checker.add(row, 1)
        if (checker.refusedRows > 0) throw singleRowProblem(checker)
        const columns = checker.take()
        const { violations, refused } = await checkRules(trx, partnershipId, rules, columns)
        if (refused.length > 0) {
          const broken = violations.find((v) => v.refused)!
          throw new DomainError(
            'RULE.VIOLATED',
            'unprocessable',
            `The figure breaks the rule ${broken.description}${broken.message ? `: ${broken.message}` : ''}; under strict validation it is refused.`,
            [{ field: 'body.value', message: `breaks the rule ${broken.name}` }],
          )
        }
        // The key as stored: the ids the names resolved to, the period in its one form.
        const stored = { indicatorId: columns.indicatorId[0]!, areaId: columns.areaId[0]!, period: columns.period[0]! }
        const before = await findMeasurement(trx, partnershipId, stored, ifMatch !== undefined)
        // RFC 9110: If-Match (even *) fails where there is no current figure.
        if (ifMatch !== undefined && ifMatch.trim() !== '') {
          if (before === undefined)
            throw new DomainError('PRECONDITION.FAILED', 'precondition-failed', 'There is no figure yet to match.')
          checkIfMatch(ifMatch, before.version)
        }
        const { inserted, updated, overriding } = await upsertMeasurements(
          trx,
          partnershipId,
          writer.subject,
          columns,
          writer.agency ?? null,
        )
        if (overriding.length > 0)
          throw new DomainError(
            'MEASUREMENT.OVERRIDE_REASON',
            'unprocessable',
            'This figure was sent by the agency that supplies it: say why you are replacing it (reason), and it is kept in the revision.',
            [overrideRefusal('body.reason', overriding[0]!.agencyId)],
          )
        const outliers: Outlier[] =
          inserted + updated === 0
            ? []
            : await judgeWritten(trx, partnershipId, writer.subject, columns, judgingOf(context), context.outliers)
        const after = (await findMeasurement(trx, partnershipId, stored))!
        if (inserted + updated > 0) {
          const latest = new WrittenLatest()
          latest.add(columns)
          await latest.queue(trx, partnershipId)
          await recordAudit(trx, writer, {
            partnershipId,
            action: inserted ? 'create' : 'update',
            resourceType: 'measurement',
            resourceId: after.id,
            before: before ?? null,
            after,
          })
        }
        return { measurement: after, created: inserted > 0, changed: inserted + updated > 0, outliers, violations }
      })
    },

    async get(tenant: Tenant, named: MeasurementKey) {
      const row = await findMeasurement(db, tenant.id, await storedKey(db, tenant, named))
      if (row === undefined) throw notFound('measurement')
      return row
    },

    async revisions(tenant: Tenant, named: MeasurementKey) {
      const items = await listRevisions(db, tenant.id, await storedKey(db, tenant, named))
      if (items.length === 0) throw notFound('measurement')
      return items
    },

    /** Removes a mistaken figure; its value stays in the revision history, and the audit trail says who. */
    remove(tenant: Tenant, actor: Actor, named: MeasurementKey, ifMatch: string | undefined) {
      const partnershipId = tenant.id
      return db.transaction().execute(async (trx) => {
        const existing = await findMeasurement(trx, partnershipId, await storedKey(trx, tenant, named), true)
        if (existing === undefined) throw notFound('measurement')
        checkIfMatch(ifMatch, existing.version)
        await deleteMeasurement(trx, partnershipId, existing.id, actor.subject)
        await recordAudit(trx, actor, {
          partnershipId,
          action: 'delete',
          resourceType: 'measurement',
          resourceId: existing.id,
          before: existing,
          after: null,
        })
      })
    },

    setStatus(
      tenant: Tenant,
      actor: Actor,
      named: MeasurementKey,
      ifMatch: string | undefined,
      status: MeasurementStatus,
    ) {
      const partnershipId = tenant.id
      return db.transaction().execute(async (trx) => {
        const existing = await findMeasurement(trx, partnershipId, await storedKey(trx, tenant, named), true)
        if (existing === undefined) throw notFound('measurement')
        checkIfMatch(ifMatch, existing.version)
        checkStatusMove(existing.status, status)
        const row = await setStatus(trx, existing.id, status)
        await recordAudit(trx, actor, {
          partnershipId,
          action: 'update',
          resourceType: 'measurement',
          resourceId: existing.id,
          before: existing,
          after: row,
        })
        return row
      })
    },
  }
}
