import { DomainError } from '../errors.js'

/** "TBC" is a state of the lead, not a name: a lead is named (a person, an agency or both) or to be confirmed. */
export function checkLead(lead: { leadName: string | null; leadAgencyId: string | null; leadTbc: boolean }): void {
  if (lead.leadTbc && (lead.leadName !== null || lead.leadAgencyId !== null))
    throw new DomainError('ACTION.LEAD', 'unprocessable', 'A lead to be confirmed has no name or agency yet.', [
      { field: 'body.leadTbc', message: 'cannot be true with a leadName or leadAgencyId' },
    ])
  if (lead.leadName !== null && /^\s*tbc\s*$/i.test(lead.leadName))
    throw new DomainError('ACTION.LEAD', 'unprocessable', 'Send leadTbc: true rather than the name "TBC".', [
      { field: 'body.leadName', message: 'TBC is a state: send leadTbc: true' },
    ])
}
