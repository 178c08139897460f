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
 * Raised by domain code and services with a stable dotted code (AREA.CYCLE); never carries internals,
 * since its message is shown to the client.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: ProblemKind,
    message: string,
    readonly errors?: FieldError[],
    /** For refusals that pass (overload, a lock conflict): when to try again, in seconds. */
    readonly retryAfter?: number,
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

/** The code prefix of a kind of record: "funding stream" is FUNDING_STREAM. */
export const codePrefix = (what: string): string => what.toUpperCase().replace(/[^A-Z]+/g, '_')

export const notFound = (what: string): DomainError =>
  new DomainError(`${codePrefix(what)}.NOT_FOUND`, 'not-found', `No such ${what}.`)
