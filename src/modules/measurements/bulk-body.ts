import { parse as csvParser } from 'csv-parse'
import { createHash } from 'node:crypto'
import { pipeline, type Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import { DomainError } from '../../domain/errors.js'

export const CSV_COLUMNS = ['indicator', 'area', 'period', 'value', 'numerator', 'denominator', 'status', 'source'] as const

export interface BulkBody {
  /** The rows as they arrive; a malformed NDJSON line is yielded as a string so it is refused as a row. */
  rows: AsyncIterable<unknown>
  /** sha256 of media type, URL and body, for the idempotency check; ready once `rows` is exhausted. */
  digest(): string
}

const badBody = (detail: string) => new DomainError('BATCH.MALFORMED', 'validation', detail)
const tooLarge = (limit: number) => new DomainError('REQUEST.TOO_LARGE', 'payload-too-large', `The body is larger than ${limit} bytes.`)

/**
 * Reads a bulk body from the request stream. CSV and NDJSON are parsed as the bytes arrive, so a batch
 * is held once (as checked column arrays, by the caller) rather than as text, objects and columns; a
 * JSON array has to be read whole before it can be parsed, which is why feeds are told to prefer the
 * other two. The byte limit is enforced here because Fastify only enforces it on bodies it reads itself.
 */
export function readBulkBody(payload: Readable, mediaType: string, url: string, limit: number): BulkBody {
  const hash = createHash('sha256').update(mediaType).update('\n').update(url).update('\n')
  let digest: string | undefined
  async function* chunks(): AsyncGenerator<Buffer> {
    let bytes = 0
    // Stopping early (a bad body) must not destroy the request: the client would get a reset, not the problem.
    for await (const chunk of payload.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      bytes += chunk.length
      if (bytes > limit) throw tooLarge(limit)
      hash.update(chunk)
      yield chunk
    }
    digest = hash.digest('hex')
  }
  const digestOf = () => {
    if (digest === undefined) throw new Error('the body has not been read to its end')
    return digest
  }
  if (mediaType === 'application/x-ndjson') return { rows: ndjsonRows(chunks()), digest: digestOf }
  if (mediaType === 'text/csv') return { rows: csvRows(chunks()), digest: digestOf }
  return { rows: jsonRows(chunks()), digest: digestOf }
}

async function* jsonRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<unknown> {
  const parts: Buffer[] = []
  for await (const chunk of chunks) parts.push(chunk)
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.concat(parts).toString('utf8'))
  } catch {
    throw badBody('The body is not valid JSON.')
  }
  if (!Array.isArray(parsed)) throw badBody('A JSON batch is an array of rows.')
  yield* parsed
}

async function* ndjsonRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8')
  let pending = ''
  const row = (line: string): unknown => {
    try {
      return JSON.parse(line)
    } catch {
      return 'a line that is not valid JSON'
    }
  }
  for await (const chunk of chunks) {
    const lines = (pending + decoder.write(chunk)).split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) if (line.trim() !== '') yield row(line)
  }
  pending += decoder.end()
  if (pending.trim() !== '') yield row(pending)
}

async function* csvRows(chunks: AsyncIterable<Buffer>): AsyncGenerator<unknown> {
  const parser = csvParser({
    columns: (header: string[]) => {
      const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h.trim()))
      if (unknown.length > 0) throw badBody(`Unknown CSV columns: ${unknown.join(', ')}. The columns are ${CSV_COLUMNS.join(', ')}.`)
      return header.map((h) => h.trim())
    },
    skip_empty_lines: true,
    trim: true,
    bom: true,
  })
  // pipeline carries an error of the source (413) into the parser, where the loop below sees it.
  pipeline(chunks, parser, () => {})
  try {
    yield* parser
  } catch (err) {
    if (err instanceof DomainError) throw err
    throw badBody(`The CSV could not be read: ${(err as Error).message}`)
  }
}
