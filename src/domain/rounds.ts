import { DomainError } from './errors.js'
import { addDays } from './periods.js'

/**
 * The reporting round (seed 000 Appendix 1, the Performance Management Framework): each theme group
 * gets the report some days before its meeting and returns its commentary within some days after it;
 * PMG curates the exceptions the computation raised and issues them to the Strategic Group.
 */

export interface RoundDates {
  themeMeetingsOn: string
  pmgMeetingOn: string
  strategicMeetingOn: string
}

/** The meetings run in order: the theme groups, then PMG, then the Strategic Group. */
export function checkMeetings(dates: RoundDates, periodEnd: string): void {
  const order: Array<[keyof RoundDates, string]> = [
    ['themeMeetingsOn', 'the theme groups meet'],
    ['pmgMeetingOn', 'PMG meets'],
    ['strategicMeetingOn', 'the Strategic Group meets'],
  ]
  if (dates.themeMeetingsOn <= periodEnd)
    throw new DomainError(
      'ROUND.DATES',
      'unprocessable',
      `The theme groups meet after the period ends (${periodEnd}).`,
      [{ field: 'body.themeMeetingsOn', message: `must be after ${periodEnd}` }],
    )
  for (let i = 1; i < order.length; i += 1) {
    const [field, what] = order[i]!
    const [before, earlier] = order[i - 1]!
    if (dates[field] < dates[before])
      throw new DomainError('ROUND.DATES', 'unprocessable', `${what} on or after ${earlier} (${dates[before]}).`, [
        { field: `body.${field}`, message: `must be on or after ${before}` },
      ])
  }
}

/** When a theme group gets the report, and when its return is due. */
export function returnDeadlines(meetingOn: string, sendDays: number, returnDays: number) {
  return { sendBy: addDays(meetingOn, -sendDays), returnBy: addDays(meetingOn, returnDays) }
}

export type ReturnStatus = 'submitted' | 'due' | 'overdue'

export function returnStatus(submitted: boolean, returnBy: string, today: string): ReturnStatus {
  if (submitted) return 'submitted'
  return today > returnBy ? 'overdue' : 'due'
}

/** Flags that say the data is not there to judge: chased as data issues, not escalated as performance. */
export const DATA_ISSUE_FLAGS: readonly string[] = ['missing_data', 'no_target']

/**
 * A data issue: nothing but data flags, or a judgement resting on a figure queried on arrival
 * (data_query), whose other flags may be the typo's doing: chased before it is escalated.
 */
export const isDataIssue = (flags: ReadonlyArray<{ flag: string }>) =>
  (flags.length > 0 && flags.every((f) => DATA_ISSUE_FLAGS.includes(f.flag))) ||
  flags.some((f) => f.flag === 'data_query')

export type Decision = 'keep' | 'drop' | 'add'

export interface Selection {
  indicatorId: string
  areaId: string
  decision: Decision
  direction: 'bad' | 'good' | null
  reason: string | null
  actionId: string | null
}

/**
 * What PMG may decide of an indicator and area: keep a computed exception (and name the action that
 * will address it), drop one (saying why), or add one the computation did not raise (saying why, and
 * whether it is good or bad news).
 */
export function checkSelection(selection: Omit<Selection, 'indicatorId' | 'areaId'>, isCandidate: boolean): void {
  const refuse = (detail: string, field: string, message: string) => {
    throw new DomainError('ROUND.SELECTION', 'unprocessable', detail, [{ field, message }])
  }
  if (selection.decision === 'add' && isCandidate)
    refuse(
      'This is already an exception: keep it (or drop it), do not add it.',
      'body.decision',
      'is a computed exception',
    )
  if (selection.decision !== 'add' && !isCandidate)
    refuse(
      'The computation raised no exception here: add one, with a reason, to send it up.',
      'body.decision',
      'is not a computed exception',
    )
  if (selection.decision !== 'keep' && (selection.reason === null || selection.reason.trim() === ''))
    refuse('Say why PMG departs from the computed exceptions.', 'body.reason', `is required to ${selection.decision}`)
  if (selection.decision === 'add' && selection.direction === null)
    refuse('Say whether the added exception is good or bad news.', 'body.direction', 'is required to add')
  if (selection.decision === 'drop' && selection.actionId !== null)
    refuse('A dropped exception goes nowhere: it takes no action.', 'body.actionId', 'must be empty to drop')
}

interface Candidate {
  indicator: { id: string }
  area: { id: string }
  evaluation: { flags: ReadonlyArray<{ flag: string }> }
}

/**
 * The exceptions that go up: every computed one PMG kept (by default) or added, apart from data issues
 * (no target, no figure), which are chased instead unless PMG keeps them explicitly; what PMG dropped is
 * shown apart with its reason. `all` is every evaluated item, whence the added ones come.
 */
export function curate<T extends Candidate>(
  candidates: readonly T[],
  all: readonly T[],
  selections: readonly Selection[],
) {
  const key = (item: Candidate) => `${item.indicator.id}|${item.area.id}`
  const chosen = new Map(selections.map((s) => [`${s.indicatorId}|${s.areaId}`, s]))
  const exceptions: Array<T & { selection: Selection | null; direction?: 'bad' | 'good' }> = []
  const dataIssues: T[] = []
  const dropped: Array<T & { selection: Selection }> = []
  for (const item of candidates) {
    const selection = chosen.get(key(item)) ?? null
    if (selection?.decision === 'drop') dropped.push({ ...item, selection })
    else if (selection === null && isDataIssue(item.evaluation.flags)) dataIssues.push(item)
    else exceptions.push({ ...item, selection })
  }
  const byKey = new Map(all.map((item) => [key(item), item]))
  for (const selection of selections) {
    const item = selection.decision === 'add' ? byKey.get(`${selection.indicatorId}|${selection.areaId}`) : undefined
    if (item !== undefined) exceptions.push({ ...item, selection, direction: selection.direction ?? 'bad' })
  }
  return { exceptions, dataIssues, dropped }
}

/** A round is issued with every theme group's return in, or with PMG's reason for going without. */
export function checkIssue(missing: readonly string[], reason: string | undefined): void {
  if (missing.length === 0 || (reason !== undefined && reason.trim() !== '')) return
  throw new DomainError(
    'ROUND.RETURNS_MISSING',
    'conflict',
    `No return yet from ${missing.join(', ')}: wait for it, or issue with missingReturnsReason saying why.`,
    [{ field: 'body.missingReturnsReason', message: 'is required while returns are missing' }],
  )
}
