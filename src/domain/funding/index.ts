export * from './states.js'
export { DECIDING_OFFICES, officersAgree, type OfficerApproval } from './officers.js'
export { evaluationOverdue } from './evaluation.js'
export { ledger, requireWithin, type Ledger } from './ledger.js'
