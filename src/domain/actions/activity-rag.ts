import type { Rag } from '../evaluation/types.js'
import type { ActionContext, ActionFlagEntry } from './context.js'

export interface ActivityRag {
  rag: Rag
  reason: string
}

/**
 * The RAG of an action's activity, beside the RAG of performance (seed 003 §9), from the status people
 * set and the flags worked out for the date. The first rule that applies decides:
 *
 *   cancelled                                  grey
 *   complete                                   green
 *   off track, or past its end and not done    red
 *   at risk                                    amber
 *   any other flag                             amber (the first flag's reason)
 *   not started after its start date           amber
 *   otherwise                                  green
 */
export function activityRag(ctx: ActionContext, flags: readonly ActionFlagEntry[]): ActivityRag {
  if (ctx.status === 'cancelled') return { rag: 'grey', reason: 'cancelled' }
  if (ctx.status === 'complete') return { rag: 'green', reason: 'complete' }
  if (ctx.status === 'off_track') return { rag: 'red', reason: 'status off track' }
  const pastEnd = flags.find((f) => f.flag === 'past_end_not_complete')
  if (pastEnd !== undefined) return { rag: 'red', reason: `past its end date: ${pastEnd.reason}` }
  if (ctx.status === 'at_risk') return { rag: 'amber', reason: 'status at risk' }
  const first = flags[0]
  if (first !== undefined) return { rag: 'amber', reason: `${first.flag.replaceAll('_', ' ')}: ${first.reason}` }
  if (ctx.status === 'not_started' && ctx.startsOn !== null && ctx.startsOn < ctx.asOf)
    return { rag: 'amber', reason: `not started, due to start ${ctx.startsOn}` }
  if (ctx.status === 'on_track') return { rag: 'green', reason: 'status on track' }
  return { rag: 'green', reason: ctx.startsOn === null ? 'not started, no start date set' : 'not yet due to start' }
}
