import type { Db } from '../../db/client.js'
import type { Actor } from '../../domain/access.js'
import { DomainError, type FieldError } from '../../domain/errors.js'
import type { EventType } from '../../domain/webhooks.js'
import { recordEvent } from '../events/events.repository.js'
import { recordAudit } from '../audit/audit.repository.js'
import { lineOf, UnreadableRow } from '../../http/bulk-body.js'
import { claimIdempotencyKey, storeIdempotentAnswer } from '../../plugins/idempotency.repository.js'
import { markBatch, undoBatch } from './batch.repository.js'

/** The most rows one request may send. */
export const MAX_ROWS = 500_000
/** Rows per write: large enough that statement overhead vanishes, small enough to keep memory flat. */
const CHUNK_ROWS = 20_000
const MAX_ERRORS = 1000

export interface BulkResult {
  received: number
  inserted: number
  updated: number
  unchanged: number
  refused: number
  errors: FieldError[]
  errorsTruncated: boolean
  /** Figures written that look unlike their history (measurements): at most 1,000 listed. */
  outliers?: unknown[]
  outliersTruncated?: boolean
  /** Validation rules the figures break (measurements): at most 1,000 listed. */
  violations?: unknown[]
  /** Counted as written, but taken back: nothing was written. */
  dryRun?: boolean
}

export interface BulkOptions {
  /** Write the good rows and list the refused ones, instead of all or nothing. */
  partial: boolean
  /** Check, write and count, then take it all back. */
  dryRun?: boolean
  key?: string
  /**
   * What a caller keeps of the batch in its transaction once it is written (not on a refusal or a dry
   * run): its answer joins the batch's, under the idempotency key too. The caller then audits it as what
   * it is (a feed import), and the batch is not audited again.
   */
  record?: (trx: Db, written: BulkResult) => Promise<Record<string, unknown>>
  /** The event a written batch raises (its summary), when it changed or refused something. */
  event?: EventType
  /** What else a batch that changed something leaves in its transaction (the check of what it wrote). */
  afterWrite?: (trx: Db) => Promise<void>
}

export interface BulkAnswer {
  status: number
  body: BulkResult
  replayed: boolean
}

/** Checks a batch's rows one by one and gathers the good ones into chunks of some column shape C. */
export interface RowChecker<C> {
  /** Checks the row numbered `row` (from 1): accepted into the current chunk, or refused with its reasons. */
  add(raw: unknown, row: number): void
  /** Rows accepted since the last take. */
  readonly pending: number
  /** Hands over the rows accepted so far and starts a new chunk. */
  take(): C
  /** Refuses a row the database turned down once written (only its number is known then). */
  refuseWritten(errors: FieldError[]): void
  readonly refusedRows: number
  readonly errors: FieldError[]
}

/**
 * What every row checker shares: refusals gathered (at most 1,000 listed, all counted), each echoing the
 * value refused and the line the row began on, and the row being checked, object or not. A checker
 * calls `begin` with each row, then refuses it or keeps it in its chunk.
 */
export abstract class RowCheckerBase<C> implements RowChecker<C> {
  readonly errors: FieldError[] = []
  refusedRows = 0
  /** The row being checked, so that each refusal of it can echo the value refused and the row's line. */
  private row: { raw: unknown; line: number | undefined } = { raw: undefined, line: undefined }

  abstract add(raw: unknown, row: number): void
  abstract readonly pending: number
  abstract take(): C

  /** Starts checking a row: answers it as an object of fields, or refuses it and answers undefined. */
  protected begin(raw: unknown, rowNumber: number, fields: ReadonlySet<string>): Record<string, unknown> | undefined {
    this.row = { raw, line: lineOf(raw) }
    if (raw instanceof UnreadableRow) return void this.refuse([{ field: `rows.${rowNumber}`, message: raw.reason }])
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return void this.refuse([{ field: `rows.${rowNumber}`, message: 'is not an object' }])
    const row = raw as Record<string, unknown>
    const unknown = Object.keys(row).filter((k) => !fields.has(k))
    if (unknown.length > 0)
      return void this.refuse(
        unknown.map((k) => ({ field: `rows.${rowNumber}.${k}`, message: 'is not a known field' })),
      )
    return row
  }

  refuse(errors: FieldError[]): void {
    this.refusedRows += 1
    for (const error of errors) if (this.errors.length <= MAX_ERRORS) this.errors.push(this.located(error))
  }

  /** A row the database refused once written (a status moving back): only its number is known here. */
  refuseWritten(errors: FieldError[]): void {
    this.row = { raw: undefined, line: undefined }
    this.refuse(errors)
  }

  private located(error: FieldError): FieldError {
    const { raw, line } = this.row
    const name = /^rows\.\d+\.(\w+)$/.exec(error.field)?.[1]
    const sent =
      name === undefined || typeof raw !== 'object' || raw === null ? undefined : (raw as Record<string, unknown>)[name]
    return {
      ...error,
      ...(sent === undefined || sent === null || typeof sent === 'object' ? {} : { value: String(sent).slice(0, 200) }),
      ...(line === undefined ? {} : { line }),
    }
  }
}

/** Writes one chunk in the batch's transaction; answers what it did, and rows it had to refuse. */
export type ChunkWriter<C> = (
  trx: Db,
  chunk: C,
) => Promise<{
  inserted: number
  updated: number
  accepted: number
  refused: FieldError[][]
  outliers?: unknown[]
  violations?: unknown[]
}>

/**
 * The bulk ingestion path every batch takes (measurements, peer figures): the rows are checked as they
 * stream in and written in chunks, so a batch is never held whole; all in one transaction, taken only
 * once the first chunk is ready (or the body has ended), so an upload that stalls holds a socket, never a
 * database connection. While one chunk is written the next is read and checked. When a row is refused
 * (and the batch is all-or-nothing) writing stops, the rest is still checked so every bad row is
 * reported, and the chunks already written are rolled back to a savepoint. With an idempotency key, the
 * key is claimed first (a concurrent duplicate waits on it) and committed with the data and the answer,
 * so a retry either replays the answer or finds nothing.
 */
export async function runBatch<C>(
  db: Db,
  partnershipId: string,
  writer: Actor,
  body: { rows: AsyncIterable<unknown>; digest(): string },
  options: BulkOptions & { resourceType: string },
  checker: RowChecker<C>,
  write: ChunkWriter<C>,
): Promise<BulkAnswer> {
  const rows = body.rows[Symbol.asyncIterator]()
  let received = 0
  /** Reads and checks rows until a chunk is ready to write; false once the body has ended. */
  const fill = async (): Promise<boolean> => {
    while (checker.pending < CHUNK_ROWS) {
      const next = await rows.next()
      if (next.done === true) return false
      received += 1
      if (received > MAX_ROWS)
        throw new DomainError(
          'BATCH.TOO_LARGE',
          'payload-too-large',
          `A batch holds at most ${MAX_ROWS} rows.`,
          undefined,
          {
            facts: { limit: MAX_ROWS },
          },
        )
      checker.add(next.value, received)
    }
    return true
  }
  let more = await fill()
  return db.transaction().execute(async (trx) => {
    if (options.key !== undefined) {
      const claim = await claimIdempotencyKey(trx, partnershipId, writer.subject, options.key)
      if (!claim.claimed) {
        // Only the digest of the whole body tells a retry from a reuse of the key.
        while (!(await rows.next()).done);
        if (claim.requestHash !== body.digest()) {
          throw new DomainError(
            'IDEMPOTENCY.KEY_REUSED',
            'unprocessable',
            'This Idempotency-Key was used with a different request body.',
          )
        }
        return { status: claim.status, body: claim.response as BulkResult, replayed: true }
      }
    }
    await markBatch(trx)
    let accepted = 0
    let inserted = 0
    let updated = 0
    const outliers: unknown[] = []
    let outliersFound = 0
    const violations: unknown[] = []
    const writeChunk = (chunk: C): Promise<void> => {
      if (checker.refusedRows > 0 && !options.partial) return Promise.resolve()
      const writing = write(trx, chunk).then((written) => {
        inserted += written.inserted
        updated += written.updated
        accepted += written.accepted - written.refused.length
        for (const errors of written.refused) checker.refuseWritten(errors)
        for (const outlier of written.outliers ?? []) if (outliersFound++ < MAX_ERRORS) outliers.push(outlier)
        for (const violation of written.violations ?? []) if (violations.length < MAX_ERRORS) violations.push(violation)
      })
      // Awaited below; until then a failure must not count as unhandled.
      writing.catch(() => {})
      return writing
    }
    let writing = writeChunk(checker.take())
    while (more) {
      more = await fill()
      await writing
      writing = writeChunk(checker.take())
    }
    await writing
    const base = {
      received,
      refused: checker.refusedRows,
      errors: checker.errors.slice(0, MAX_ERRORS),
      errorsTruncated: checker.errors.length > MAX_ERRORS,
    }
    // Outliers are told, never refused: a batch that is refused for its rows says nothing of them.
    const told = {
      ...(outliersFound === 0 ? {} : { outliers, outliersTruncated: outliersFound > MAX_ERRORS }),
      ...(violations.length === 0 ? {} : { violations }),
    }
    let answer: { status: number; body: BulkResult }
    if (checker.refusedRows > 0 && !options.partial) {
      await undoBatch(trx)
      answer = { status: 422, body: { ...base, inserted: 0, updated: 0, unchanged: 0 } }
    } else if (options.dryRun === true) {
      // Written and counted like a real run (so the counts are exact), then taken back.
      await undoBatch(trx)
      answer = {
        status: 200,
        body: { ...base, inserted, updated, unchanged: accepted - inserted - updated, ...told, dryRun: true },
      }
    } else {
      const written = { ...base, inserted, updated, unchanged: accepted - inserted - updated, ...told }
      // A batch that changed nothing (a feed sending its figures again) leaves no trace to audit.
      if (options.record === undefined && inserted + updated > 0)
        await recordAudit(trx, writer, {
          partnershipId,
          action: 'create',
          resourceType: options.resourceType,
          resourceId: writer.requestId,
          before: null,
          after: { received, inserted, updated, refused: checker.refusedRows },
        })
      const kept = options.record === undefined ? {} : await options.record(trx, written)
      if (options.event !== undefined && inserted + updated + checker.refusedRows > 0)
        await recordEvent(trx, partnershipId, options.event, {
          requestId: writer.requestId,
          ...('import' in kept ? { importId: (kept.import as { id: string }).id } : {}),
          received,
          inserted,
          updated,
          unchanged: written.unchanged,
          refused: checker.refusedRows,
          outliers: outliersFound,
          violations: violations.length,
        })
      if (options.afterWrite !== undefined && inserted + updated > 0) await options.afterWrite(trx)
      answer = { status: 200, body: { ...written, ...kept } }
    }
    if (options.key !== undefined)
      await storeIdempotentAnswer(
        trx,
        partnershipId,
        writer.subject,
        options.key,
        body.digest(),
        answer.status,
        answer.body,
      )
    return { ...answer, replayed: false }
  })
}
