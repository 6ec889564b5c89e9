// Who a task goes to. The state machines name an assignee by role (`pilot`, `stageLead`, `inspector`, `town`,
// `workingGroup`, `programmeLead`) or by a unit id; open-task resolves it against the plan here. Every contact
// of the resolved units gets their own link, and the first decision closes the task (或签 within a unit).

import { ValidationError } from '#lib/errors.ts';
import type { StageName } from '#plan/kinds.ts';
import { findParty, getPilot, getUnit, townOf } from '#plan/lookup.ts';
import type { Party, Plan } from '#plan/schema.ts';
import type { Person } from '#store/tasks.ts';

export const ASSIGNEE_ROLES = [
  'pilot',
  'stageLead',
  'inspector',
  'town',
  'workingGroup',
  'programmeLead',
] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

/** The units or pilots behind an assignee of a task of `pilotId` in `stage`. */
export function resolveParties(plan: Plan, assignee: string, pilotId: string, stage: StageName): Party[] {
  switch (assignee) {
    case 'pilot':
      return [getPilot(plan, pilotId)];
    case 'stageLead':
      return [getUnit(plan, plan.stages[stage].leadUnit)];
    case 'programmeLead':
      return [getUnit(plan, plan.programme.leadUnit)];
    case 'inspector':
      return [getUnit(plan, plan.stages.implementation.supervision.inspector)];
    case 'town': {
      const town = townOf(plan, pilotId);
      if (!town) throw new ValidationError(`pilot ${pilotId} has no town to evaluate it`);
      return [town];
    }
    case 'workingGroup':
      return plan.stages.evaluation.acceptance.workingGroup.members.map((id) => getUnit(plan, id));
    default: {
      const party = findParty(plan, assignee);
      if (!party) throw new ValidationError(`the plan has no unit, pilot or role "${assignee}"`);
      return [party];
    }
  }
}

/** Every contact of the parties, once per address (the same person may serve two units). */
export function peopleOf(parties: Party[]): Person[] {
  const seen = new Set<string>();
  const people: Person[] = [];
  for (const party of parties) {
    for (const c of party.contacts) {
      const key = c.email.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      people.push({ name: c.name, email: c.email, unitId: party.id });
    }
  }
  return people;
}
