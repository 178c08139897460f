import type { Polarity } from '../indicators.js'
import { bandOf, type Band } from './byar.js'

/** One member of a group, for one indicator and window: its count and the population it is a rate of. */
export interface MemberFigures {
  code: string
  name: string
  ours: boolean
  count: number
  /** The population over the window, in person-years: the year's population times the window's months / 12. */
  exposure: number
}

export interface MemberComparison extends MemberFigures {
  /** Per `ratePer` people a year. */
  rate: number
  /** What the group's rate would give its population. */
  expected: number
  bands: { '95': Band; '99.8': Band }
  /** 1 is best by the indicator's polarity; ties share a rank (1, 2, 2, 4). */
  rank: number
  /** 1 is the best quarter of the group. */
  quartile: 1 | 2 | 3 | 4
  /** The rate of the rest of its group together (their counts over their populations), and its gap to it. */
  othersRate: number | null
  gap: number | null
  gapPercent: number | null
}

export interface GroupComparison {
  /** Sum of counts over sum of populations, per `ratePer` a year: never the mean of the members' rates. */
  groupRate: number
  /** Each member with its comparison, in the order given. */
  members: MemberComparison[]
}

/**
 * A group compared for one indicator and window (DOMAIN: Most Similar Group). Rates are per `ratePer`
 * people a year; each member's band comes from Byar's limits of its count against its expected count.
 * Members without a population are left out by the caller; a group with none left has no rate.
 */
export function compareGroup(
  members: readonly MemberFigures[],
  polarity: Polarity,
  ratePer: number,
): GroupComparison | null {
  const totalCount = members.reduce((n, m) => n + m.count, 0)
  const totalExposure = members.reduce((n, m) => n + m.exposure, 0)
  if (members.length === 0 || totalExposure <= 0) return null
  const groupRate = (totalCount / totalExposure) * ratePer
  const rates = members.map((m) => (m.count / m.exposure) * ratePer)
  // Best first: the lowest rate when lower is better, the highest when higher is; monitor-only reads as lower.
  const better = (a: number, b: number) => (polarity === 'higher_better' ? b - a : a - b)
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))
  // Ranks in one pass over the sorted order (ties take the first place of their run): n log n, not n².
  const ranks = new Array<number>(members.length)
  const ordered = rates.map((_, i) => i).sort((a, b) => better(rates[a]!, rates[b]!))
  ordered.forEach((i, place) => {
    const previous = ordered[place - 1]
    ranks[i] = previous !== undefined && same(rates[previous]!, rates[i]!) ? ranks[previous]! : place + 1
  })
  return {
    groupRate,
    // Every field named: on Node 20 a spread with fields after it ({ ...m, rate }) costs some 5 us a field
    // per object, which at a thousand members cost more than all the statistics.
    members: members.map((m, i): MemberComparison => {
      const rate = rates[i]!
      const expected = (m.exposure * totalCount) / totalExposure
      const rank = ranks[i]!
      const othersExposure = totalExposure - m.exposure
      const othersRate = othersExposure > 0 ? ((totalCount - m.count) / othersExposure) * ratePer : null
      const gap = othersRate === null ? null : rate - othersRate
      return {
        code: m.code,
        name: m.name,
        ours: m.ours,
        count: m.count,
        exposure: m.exposure,
        rate,
        expected,
        bands: { '95': bandOf(m.count, expected, 1.96), '99.8': bandOf(m.count, expected, 3.09) },
        rank,
        quartile: Math.min(4, Math.ceil((4 * rank) / members.length)) as 1 | 2 | 3 | 4,
        othersRate,
        gap,
        gapPercent: gap === null || othersRate === 0 || othersRate === null ? null : (gap / othersRate) * 100,
      }
    }),
  }
}

/**
 * Whether a member stands out from its group at 95%, good or bad by polarity (significantly worse is the
 * `peer_outlier` flag a report raises; significantly better, its good side). Monitor-only: neither.
 */
export function outlier(member: MemberComparison, polarity: Polarity): 'good' | 'bad' | null {
  const band = member.bands['95']
  if (band === 'in_line' || polarity === 'monitor_only') return null
  return (band === 'above') === (polarity === 'lower_better') ? 'bad' : 'good'
}
