/** The kinds of failure the HTTP layer knows how to answer; each maps to one status and problem type. */
export type ProblemKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'resource-in-use'
  | 'precondition-failed'
  | 'precondition-required'
  | 'unprocessable'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'request-timeout'
  | 'too-many-requests'
  | 'service-unavailable'

export interface FieldError {
  field: string
  message: string
  /** The value refused, as sent (a bulk row's cell), so a refusal can be found and fixed without the file open. */
  value?: string
  /** The line of the file it came from (a CSV's header is line 1). */
  line?: number
}

/**
 * What a client's code may act on without reading the prose: answered as the problem's extension members
 * (RFC 9457 section 3.2), each declared in the contract's Problem schema.
 */
export interface ProblemFacts {
  /** Money still available where a request asked for more (pence). */
  remainingPence?: number
  /** The record this request clashes with (the overlapping target, membership, open round or invitation). */
  conflictingId?: string
  /** The limit a request went past (rows, bytes, periods, partnerships). */
  limit?: number
  /** The actions the record's state allows instead. */
  allowed?: string[]
}

/**
 * Raised by domain code and services with a stable dotted code (AREA.CYCLE); never carries internals,
 * since its message is shown to the client.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ProblemKind,
    message: string,
    readonly errors?: FieldError[],
    readonly options: {
      facts?: ProblemFacts
      /** For refusals that pass (overload, a lock conflict): when to try again, in seconds. */
      retryAfter?: number
    } = {},
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

/** The code prefix of a kind of record: "funding stream" is FUNDING_STREAM. */
export const codePrefix = (what: string): string => what.toUpperCase().replace(/[^A-Z]+/g, '_')

export const notFound = (what: string): DomainError =>
  new DomainError(`${codePrefix(what)}.NOT_FOUND`, 'not-found', `No such ${what}.`)
