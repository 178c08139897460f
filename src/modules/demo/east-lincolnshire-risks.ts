// East Lincolnshire CSP's strategic risk register (seed 000, "Monitoring of Strategic Risk Register,
// EXECUTIVE SUMMARY - June 2010"): ten risks, the priority actions the summary lists against them (CSP1 to
// CSP10), and its three matrices read as three dated assessment rounds, in the order printed. The summary
// dates none of them: the round dates below are illustrative, the last being June 2010. Its first matrix
// is the inherent exposure; the first round takes it as the current exposure too (no controls yet).
import type { DemoRisk, DemoRiskRound } from './demo.types.js'

export const risks: readonly DemoRisk[] = [
  {
    reference: 'CSP1',
    title: 'Lack of funding and resources',
    priorityActions: ['Review of actions & timescales, Prioritise actions in line with funding allocation'],
  },
  {
    reference: 'CSP2',
    title: 'Lack of effective partner engagement',
    priorityActions: ['Terms of reference to be written'],
  },
  {
    reference: 'CSP3',
    title: 'Lack of accountability/governance arrangements',
    priorityActions: ['Terms of reference to be written', 'Health-check of the partnership'],
  },
  // The summary lists no priority action against risk 4.
  { reference: 'CSP4', title: 'Failure to align individual targets across partnerships', priorityActions: [] },
  {
    reference: 'CSP5',
    title: 'Failure to engage the public',
    priorityActions: ['Writing a community engagement plan as part of the partnership plan'],
  },
  {
    reference: 'CSP6',
    title: 'Failure to recognise the changing objectives and changing environment',
    priorityActions: ['More robust performance management'],
  },
  {
    reference: 'CSP7',
    title: 'Lack of communication internal/external i.e. stakeholders, other partners, general public',
    priorityActions: ['Community engagement plan'],
  },
  {
    reference: 'CSP8',
    title: 'Failure to plan sustainability in projects',
    priorityActions: ['Commitment from partners to mainstream Community Safety within core business'],
  },
  {
    reference: 'CSP9',
    title: 'Lack of clear sense of direction',
    priorityActions: [
      'Commitment from partners to mainstream Community Safety within core business',
      'New terms of reference for delivery groups',
    ],
  },
  {
    reference: 'CSP10',
    title: 'Failure to address seasonal crime issues mainly in East Lindsey',
    priorityActions: ['More robust performance management'],
  },
]

type Matrix = Readonly<Record<string, readonly [likelihood: number, impact: number]>>

/** Matrix 1, "INHERENT EXPOSURE". */
const INHERENT: Matrix = {
  CSP1: [3, 4],
  CSP2: [3, 3],
  CSP3: [2, 2],
  CSP4: [2, 3],
  CSP5: [3, 1],
  CSP6: [2, 3],
  CSP7: [2, 2],
  CSP8: [3, 3],
  CSP9: [3, 3],
  CSP10: [3, 3],
}
/** Matrix 2, the first "CURRENT EXPOSURE". */
const CURRENT_2: Matrix = {
  CSP1: [2, 4],
  CSP2: [2, 3],
  CSP3: [1, 2],
  CSP4: [1, 3],
  CSP5: [1, 1],
  CSP6: [1, 2],
  CSP7: [1, 2],
  CSP8: [2, 3],
  CSP9: [2, 3],
  CSP10: [2, 3],
}
/** Matrix 3, the second "CURRENT EXPOSURE". */
const CURRENT_3: Matrix = {
  CSP1: [2, 4],
  CSP2: [2, 2],
  CSP3: [1, 1],
  CSP4: [1, 3],
  CSP5: [1, 1],
  CSP6: [1, 2],
  CSP7: [1, 2],
  CSP8: [2, 3],
  CSP9: [2, 3],
  CSP10: [2, 3],
}

export const riskRounds: readonly DemoRiskRound[] = [
  { assessedOn: '2010-04-30', inherent: INHERENT, current: INHERENT },
  { assessedOn: '2010-05-31', inherent: INHERENT, current: CURRENT_2 },
  { assessedOn: '2010-06-30', inherent: INHERENT, current: CURRENT_3 },
]
