/**
 * Events for other systems, and the rules their delivery follows: which events there are, what is
 * retried when, and which receiver addresses are refused. Pure: the outbox, the queue and the HTTP
 * client are the modules' (modules/events, modules/webhooks).
 */

/** Every event the service raises, with what it tells. */
export const EVENT_TYPES = {
  'measurements.received': 'A bulk upload or feed import was written: inserted, updated, refused, outliers',
  'feed.import_refused': 'A feed import was refused: nothing of it was written',
  'evaluation.flag_raised':
    'A figure raised a bad flag: a data query on arrival, or (judged just after the write) off target or significant deterioration, told once per period',
  'round.return_submitted': 'A theme group submitted its return to a reporting round',
  'round.report_issued': "A reporting round's report was issued and frozen",
  'bid.decided': 'A funding bid passed a decision step, with the office holders to inform',
  'return.overdue': "A partner's figure was not in by its due day (raised once, the day after)",
  'risk.review_due': "A risk's review falls due within the month (raised once per review date)",
  'action.milestone_overdue': "An action's milestone passed its due day undone (raised once)",
} as const
export type EventType = keyof typeof EVENT_TYPES
export const EVENT_TYPE_NAMES = Object.keys(EVENT_TYPES) as EventType[]

/** What happens after a failed attempt: try again after a wait, or give up. */
export type AfterFailure = { retryInSeconds: number } | { giveUp: true }

/**
 * `attemptsMade` counts the one that just failed. The first attempt is at once; the schedule lists the
 * waits before each retry, so a delivery is tried schedule.length + 1 times in all.
 */
export function afterFailure(attemptsMade: number, schedule: readonly number[]): AfterFailure {
  const wait = schedule[attemptsMade - 1]
  return wait === undefined ? { giveUp: true } : { retryInSeconds: wait }
}

/** A receiver answered well: any 2xx. A redirect is not followed, and so is a failure. */
export const delivered = (status: number): boolean => status >= 200 && status < 300

export type UrlRefusal = { reason: string }

/**
 * The form a receiver's URL must have: https, or http to a loopback address where that is allowed
 * (development); no credentials in it; a host. Where the host resolves to is the caller's to check.
 */
export function checkReceiverUrl(text: string, allowLoopback: boolean): URL | UrlRefusal {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { reason: 'is not an absolute URL' }
  }
  if (url.username !== '' || url.password !== '') return { reason: 'must not carry credentials' }
  if (url.protocol === 'https:') return url
  if (url.protocol === 'http:' && allowLoopback && isLoopbackName(url.hostname)) return url
  return { reason: allowLoopback ? 'must be https (http only to a loopback address)' : 'must be https' }
}

const isLoopbackName = (host: string): boolean =>
  host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)

/** Standard Webhooks' payload: the type, when it happened, and the event's small body. */
export function payloadOf(event: { type: string; occurredAt: Date; body: unknown }): string {
  return JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: event.body })
}
