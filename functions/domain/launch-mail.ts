// Who a launch mails, and what, worked out from a plan without launching it (the dashboard's preview before an
// administrator launches an uploaded plan). Built from the pieces the launch itself runs: the notice's
// recipients (notices.ts), the launch stage's acknowledgers from the execution input (workflow-input.ts) and
// the assignees' resolution (assignees.ts); one e-mail per person and step, as the batches send them.
import type { Plan } from '#plan/schema.ts';
import { peopleOf, resolveParties } from './assignees.ts';
import { mobilisationRecipients } from './notices.ts';
import { programmeInput } from './workflow-input.ts';

/** The launch stage's acknowledgement: every acknowledger unit and the pilot itself (workflows/launch.ts). */
export const acknowledgersOf = (plan: Plan): string[] => [...programmeInput(plan).acknowledgers, 'pilot'];

export interface LaunchRecipient {
  name: string;
  email: string;
  /** The units or pilots whose mobilisation notice this person receives (one e-mail each). */
  notices: string[];
  /** The pilots this person acknowledges the launch tasks for. */
  acknowledges: string[];
  /** Acknowledgement e-mails: one per unit the person acknowledges for, covering all its pilots (batch.ts). */
  requests: number;
  /** The unit or pilot the person is first listed under. */
  partyId: string;
}

export interface LaunchMail {
  /** When the launch stage begins and these e-mails go out (at once if it has begun). */
  at: string;
  recipients: LaunchRecipient[];
  /** E-mails in all: a notice per person and party, the acknowledgement requests. */
  emails: number;
}

export function launchMail(plan: Plan): LaunchMail {
  const input = programmeInput(plan);
  const byEmail = new Map<string, LaunchRecipient>();
  const recipient = (person: { name: string; email: string; unitId?: string | undefined }) => {
    const key = person.email.toLowerCase();
    let found = byEmail.get(key);
    if (!found) {
      found = {
        name: person.name,
        email: person.email,
        notices: [],
        acknowledges: [],
        requests: 0,
        partyId: person.unitId ?? '',
      };
      byEmail.set(key, found);
    }
    return found;
  };
  const noticeScopes = new Set<string>();
  const requestKeys = new Set<string>();
  for (const pilot of plan.pilots) {
    for (const { party, scopeId } of mobilisationRecipients(plan, pilot.id)) {
      if (noticeScopes.has(scopeId)) continue;
      noticeScopes.add(scopeId);
      for (const person of peopleOf([party])) recipient(person).notices.push(party.id);
    }
    for (const assignee of acknowledgersOf(plan)) {
      for (const person of peopleOf(resolveParties(plan, assignee, pilot.id, 'launch'))) {
        const r = recipient(person);
        if (!r.acknowledges.includes(pilot.id)) r.acknowledges.push(pilot.id);
        // The pilot's own contacts are asked per pilot; a unit's once for every pilot.
        const key = `${person.email.toLowerCase()}#${assignee === 'pilot' ? `pilot#${pilot.id}` : assignee}`;
        if (!requestKeys.has(key)) {
          requestKeys.add(key);
          r.requests++;
        }
      }
    }
  }
  const recipients = [...byEmail.values()];
  const emails = recipients.reduce((n, r) => n + r.notices.length + r.requests, 0);
  return { at: input.schedule.launchStart, recipients, emails };
}
