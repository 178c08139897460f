import { parse as csvParser } from 'csv-parse'
import { fromExcelMonth, restored } from './csv.js'
import { createHash, type Hash } from 'node:crypto'
import { pipeline, type Readable } from 'node:stream'
import { DomainError } from '../domain/errors.js'

export const CSV_COLUMNS = [
  'indicator',
  'area',
  'period',
  'value',
  'numerator',
  'denominator',
  'status',
  'source',
  'reason',
] as const

/** A row is a few hundred bytes; one this long is a mistake or an attack, and is refused unread. */
export const MAX_ROW_BYTES = 64 * 1024

export interface BulkBody {
  /** The rows as they arrive; a row that cannot be read arrives as an UnreadableRow, refused like a bad row. */
  rows: AsyncIterable<unknown>
  /** sha256 of media type, URL and body, for the idempotency check; ready once `rows` is exhausted. */
  digest(): string
}

export interface BulkBodyLimits {
  /** The largest body, in bytes (413 beyond). */
  bytes: number
  /** The longest wait for the next piece of the body (408 beyond). */
  idleMs: number
  /**
   * The slowest a body may arrive, measured over each `idleMs` window (408 below): a client sending a
   * byte every few seconds never trips the idle limit, yet would hold an upload slot for minutes.
   */
  minBytesPerSecond?: number
}

/** A row the body holds but that could not be read (malformed, too long): the batch refuses it by number. */
export class UnreadableRow {
  constructor(
    readonly reason: string,
    readonly line?: number,
  ) {}
}

/** Where a row began in the body: its line, kept on the row under a key no field name can take. */
const LINE = Symbol('line')

function atLine<T>(row: T, line: number): T {
  // Not enumerable: the row's fields are what was sent, nothing more.
  if (typeof row === 'object' && row !== null) Object.defineProperty(row, LINE, { value: line })
  return row
}

/** The line of the body a row began on (CSV, NDJSON and JSON alike), when it is known. */
export function lineOf(row: unknown): number | undefined {
  if (row instanceof UnreadableRow) return row.line
  return typeof row === 'object' && row !== null ? (row as Record<symbol, number | undefined>)[LINE] : undefined
}

const badBody = (detail: string) => new DomainError('BATCH.MALFORMED', 'validation', detail)
/** A body past its byte limit, whether it said so in Content-Length or only showed it as it arrived. */
export const tooLarge = (limit: number) =>
  new DomainError('REQUEST.TOO_LARGE', 'payload-too-large', `The body is larger than ${limit} bytes.`, undefined, {
    facts: { limit },
  })
const tooSlow = (rate: number, min: number) =>
  new DomainError(
    'REQUEST.TIMEOUT',
    'request-timeout',
    `The body is arriving at ${Math.round(rate)} bytes a second, slower than the ${min} an upload must keep up. Send it again, faster.`,
  )

const stalled = (ms: number) =>
  new DomainError(
    'REQUEST.TIMEOUT',
    'request-timeout',
    `The body stopped arriving: nothing came for ${ms / 1000} s. Send it again, without pauses.`,
  )

/**
 * Reads a bulk body from the request stream, row by row, in all three formats: nothing is held but the
 * row being read, so memory does not grow with the batch, and the row cap applies as rows arrive. The
 * byte limit is enforced here because Fastify only enforces it on bodies it reads itself; a body that
 * stops arriving for `idleMs` ends the request, so a stalled upload cannot hold anything for long.
 */
export function readBulkBody(
  payload: Readable,
  mediaType: string,
  url: string,
  limits: BulkBodyLimits,
  columns: readonly string[] = CSV_COLUMNS,
): BulkBody {
  const hash = createHash('sha256').update(mediaType).update('\n').update(url).update('\n')
  let digest: string | undefined
  async function* chunks(): AsyncGenerator<Buffer> {
    yield* boundedChunks(payload, limits, hash)
    digest = hash.digest('hex')
  }
  const digestOf = () => {
    if (digest === undefined) throw new Error('the body has not been read to its end')
    return digest
  }
  if (mediaType === 'application/x-ndjson') return { rows: parseRows(lines(chunks())), digest: digestOf }
  if (mediaType === 'text/csv') return { rows: csvRows(chunks(), columns), digest: digestOf }
  return { rows: parseRows(jsonArrayElements(chunks())), digest: digestOf }
}

/**
 * A body's bytes as they arrive, each fed to `hashes`: past `limits.bytes` it is refused (413), and a pause
 * longer than `limits.idleMs` ends it (408). Fastify enforces its byte limit only on bodies it reads itself.
 */
export async function* boundedChunks(
  payload: Readable,
  limits: BulkBodyLimits,
  ...hashes: Hash[]
): AsyncGenerator<Buffer> {
  let bytes = 0
  let windowStart = performance.now()
  let windowBytes = 0
  // Stopping early (a bad body) must not destroy the request: the client would get a reset, not the problem.
  const iterator = payload.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  for (;;) {
    const next = await withinIdle(iterator.next(), limits.idleMs)
    if (next.done === true) return
    bytes += next.value.length
    if (bytes > limits.bytes) throw tooLarge(limits.bytes)
    const now = performance.now()
    if (limits.minBytesPerSecond !== undefined && now - windowStart >= limits.idleMs) {
      const rate = ((bytes - windowBytes) * 1000) / (now - windowStart)
      if (rate < limits.minBytesPerSecond) throw tooSlow(rate, limits.minBytesPerSecond)
      windowStart = now
      windowBytes = bytes
    }
    for (const hash of hashes) hash.update(next.value)
    yield next.value
  }
}

async function withinIdle<T>(next: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(stalled(ms)), ms)
  })
  try {
    return await Promise.race([next, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** A row's text and the line of the body it began on. */
interface RowText {
  text: Buffer
  line: number
}

/** JSON texts (or rows already refused) to rows: a text that is not JSON is refused as its row. */
async function* parseRows(texts: AsyncIterable<RowText | UnreadableRow>): AsyncGenerator<unknown> {
  for await (const row of texts) {
    if (row instanceof UnreadableRow) {
      yield row
      continue
    }
    try {
      yield atLine(JSON.parse(row.text.toString('utf8')), row.line)
    } catch {
      yield new UnreadableRow('is not valid JSON', row.line)
    }
  }
}

const tooLong = (line: number) => new UnreadableRow(`is longer than ${MAX_ROW_BYTES} bytes`, line)

/**
 * NDJSON lines. Each chunk is searched once for newlines and only the unfinished line is kept, so a long
 * line costs time in proportion to its length (splitting the whole buffer on every chunk was quadratic);
 * a line past MAX_ROW_BYTES is dropped as it arrives and refused as its row.
 */
async function* lines(chunks: AsyncIterable<Buffer>): AsyncGenerator<RowText | UnreadableRow> {
  const NEWLINE = 0x0a
  let pending: Buffer[] = []
  let pendingBytes = 0
  let overlong = false
  let lineNumber = 0
  const take = (last: Buffer): RowText | UnreadableRow | undefined => {
    lineNumber += 1
    const wasOverlong = overlong || pendingBytes + last.length > MAX_ROW_BYTES
    const line = wasOverlong ? undefined : pending.length === 0 ? last : Buffer.concat([...pending, last])
    pending = []
    pendingBytes = 0
    overlong = false
    if (wasOverlong) return tooLong(lineNumber)
    return isBlank(line!) ? undefined : { text: line!, line: lineNumber }
  }
  for await (const chunk of chunks) {
    let from = 0
    for (let newline = chunk.indexOf(NEWLINE); newline !== -1; newline = chunk.indexOf(NEWLINE, from)) {
      const line = take(chunk.subarray(from, newline))
      if (line !== undefined) yield line
      from = newline + 1
    }
    if (from < chunk.length && !overlong) {
      pending.push(chunk.subarray(from))
      pendingBytes += chunk.length - from
      if (pendingBytes > MAX_ROW_BYTES) {
        overlong = true
        pending = []
      }
    }
  }
  const last = take(Buffer.alloc(0))
  if (last !== undefined) yield last
}

function isBlank(line: Buffer): boolean {
  for (const byte of line) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false
  return true
}

const enum Json {
  BeforeArray,
  BeforeElement,
  InElement,
  AfterElement,
  AfterArray,
}
const BYTE = {
  openBrace: 0x7b,
  closeBrace: 0x7d,
  openBracket: 0x5b,
  closeBracket: 0x5d,
  quote: 0x22,
  backslash: 0x5c,
  comma: 0x2c,
} as const
const BOM = new Set([0xef, 0xbb, 0xbf])
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09

/**
 * The elements of a JSON array, as their texts, found in one pass as the bytes arrive: the scanner only
 * tracks strings and nesting to see where each element ends, and JSON.parse reads the element, so a
 * 100 MB array costs one element of memory, not a gigabyte of heap. A malformed element is refused as its
 * row (the others stand, as in NDJSON); a body that is not an array of elements is refused whole. (A
 * streaming JSON parser from npm was slower here and stops at the first malformed element: README.)
 */
async function* jsonArrayElements(chunks: AsyncIterable<Buffer>): AsyncGenerator<RowText | UnreadableRow> {
  let state = Json.BeforeArray
  let depth = 0
  let inString = false
  let escaped = false
  let scalar = false
  let parts: Buffer[] = []
  let elementBytes = 0
  let overlong = false
  // Lines are counted only up to where each element starts, so the scanner's loop stays as it was.
  let line = 1
  let counted = 0
  let elementLine = 1
  const lineAt = (chunk: Buffer, index: number): number => {
    for (let nl = chunk.indexOf(0x0a, counted); nl !== -1 && nl < index; nl = chunk.indexOf(0x0a, counted)) {
      line += 1
      counted = nl + 1
    }
    return line
  }
  const element = (): RowText | UnreadableRow => {
    const row = overlong
      ? tooLong(elementLine)
      : { text: parts.length === 1 ? parts[0]! : Buffer.concat(parts), line: elementLine }
    parts = []
    elementBytes = 0
    overlong = false
    return row
  }
  const keep = (piece: Buffer) => {
    elementBytes += piece.length
    if (elementBytes > MAX_ROW_BYTES) overlong = true
    if (overlong) parts = []
    else parts.push(piece)
  }
  for await (const chunk of chunks) {
    let start = state === Json.InElement ? 0 : -1
    counted = 0
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!
      if (state === Json.InElement) {
        let ends = false
        if (inString) {
          if (escaped) escaped = false
          else if (b === BYTE.backslash) escaped = true
          else if (b === BYTE.quote) {
            inString = false
            ends = depth === 0
          }
        } else if (scalar) {
          if (b === BYTE.comma || b === BYTE.closeBracket || isSpace(b)) {
            keep(chunk.subarray(start, i))
            yield element()
            state = Json.AfterElement
            start = -1
            i -= 1 // the delimiter is read again, after the element
          }
          continue
        } else if (b === BYTE.quote) inString = true
        else if (b === BYTE.openBrace || b === BYTE.openBracket) depth += 1
        else if (b === BYTE.closeBrace || b === BYTE.closeBracket) ends = --depth === 0
        if (ends) {
          keep(chunk.subarray(start, i + 1))
          yield element()
          state = Json.AfterElement
          start = -1
        }
        continue
      }
      if (isSpace(b)) continue
      if (state === Json.BeforeArray) {
        if (BOM.has(b)) continue // a UTF-8 byte order mark may open the body
        if (b !== BYTE.openBracket) throw badBody('A JSON batch is an array of rows.')
        state = Json.BeforeElement
      } else if (state === Json.BeforeElement) {
        if (b === BYTE.closeBracket) {
          state = Json.AfterArray
          continue
        }
        state = Json.InElement
        start = i
        elementLine = lineAt(chunk, i)
        inString = b === BYTE.quote
        escaped = false
        scalar = !inString && b !== BYTE.openBrace && b !== BYTE.openBracket
        depth = inString || scalar ? 0 : 1
      } else if (state === Json.AfterElement) {
        if (b === BYTE.comma) state = Json.BeforeElement
        else if (b === BYTE.closeBracket) state = Json.AfterArray
        else throw badBody('The JSON array is malformed: a "," or "]" must follow each row.')
      } else throw badBody('The body holds more than one JSON array.')
    }
    if (start !== -1) keep(chunk.subarray(start))
    lineAt(chunk, chunk.length)
  }
  if (state === Json.InElement && scalar) {
    yield element()
    state = Json.AfterElement
  }
  if (state === Json.BeforeArray) throw badBody('A JSON batch is an array of rows.')
  if (state !== Json.AfterArray) throw badBody('The JSON array is not complete: the body ended inside it.')
}

/** What csv-parse tells of a record as it is read. */
export interface CsvInfo {
  lines: number
  empty_lines: number
}

/**
 * The line each record of one CSV began on (the header's is 1), for csv-parse's on_record: the line after
 * the last record ended, past any empty lines, so a record whose quoted cell runs over lines is placed
 * where it starts. One per document: call it in the order records are read.
 */
export function recordLines(headerLine = 1): (info: CsvInfo) => number {
  let lastLine = headerLine - 1
  let lastEmpty = 0
  return (info) => {
    const line = lastLine + 1 + (info.empty_lines - lastEmpty)
    lastLine = info.lines
    lastEmpty = info.empty_lines
    return line
  }
}

/** A CSV body's records as rows named by its header, each of whose columns must be one of `columns`. */
async function* csvRows(chunks: AsyncIterable<Buffer>, columns: readonly string[]): AsyncGenerator<unknown> {
  const lineOfRecord = recordLines(2) // records after the header, which columns consume
  const parser = csvParser({
    columns: (header: string[]) => {
      const unknown = header.filter((h) => !columns.includes(h.trim()))
      if (unknown.length > 0)
        throw badBody(`Unknown CSV columns: ${unknown.join(', ')}. The columns are ${columns.join(', ')}.`)
      return header.map((h) => h.trim())
    },
    skip_empty_lines: true,
    trim: true,
    bom: true,
    on_record: (record: Record<string, string>, info: CsvInfo) => {
      // A cell an export neutralised ('=...) comes back as it was stored; a period Excel turned into its
      // mmm-yy form ("Apr-10") reads as the month it was. Here, once a record, rather than in csv-parse's
      // cast, which builds a context object for every field (a tenth of a bulk upload's CPU, profiled).
      for (const column in record)
        record[column] = column === 'period' ? fromExcelMonth(record[column]!) : restored(record[column]!)
      return atLine(record, lineOfRecord(info))
    },
    // An unclosed quote would otherwise read the rest of the body as one field.
    max_record_size: MAX_ROW_BYTES,
  })
  // pipeline carries an error of the source (413, 408) into the parser, where the loop below sees it.
  pipeline(chunks, parser, () => {})
  try {
    yield* parser
  } catch (err) {
    if (err instanceof DomainError) throw err
    if ((err as { code?: string }).code?.startsWith('Z_'))
      throw badBody(
        'The body says Content-Encoding gzip but cannot be unpacked: send it gzipped whole, or without the header.',
      )
    throw badBody(`The CSV could not be read: ${(err as Error).message}`)
  }
}
