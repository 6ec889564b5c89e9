// Finding things in a validated plan by id: units, pilots, pilot types, contacts, and who a task escalates to.
// Indexes are built once per plan object (plans from parsePlan and generatePlan are frozen, so they cannot go stale).
import type { Contact, Party, Pilot, PilotType, Plan, Unit } from './schema.ts';

/** An id that the plan does not define (a caller bug or a stale reference: a validated plan has none). */
export class PlanLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanLookupError';
  }
}

interface Index {
  units: Map<string, Unit>;
  pilots: Map<string, Pilot>;
  types: Map<string, PilotType>;
  communities: Map<string, Pilot[]>;
  byEmail: Map<string, { party: Party; contact: Contact }[]>;
}

const indexes = new WeakMap<Plan, Index>();

function index(plan: Plan): Index {
  let ix = indexes.get(plan);
  if (!ix) {
    const communities = new Map<string, Pilot[]>();
    for (const p of plan.pilots) {
      if (p.town !== undefined) communities.set(p.town, [...(communities.get(p.town) ?? []), p]);
    }
    const byEmail = new Map<string, { party: Party; contact: Contact }[]>();
    for (const party of [...plan.units, ...plan.pilots]) {
      for (const contact of party.contacts) {
        const key = contact.email.toLowerCase();
        byEmail.set(key, [...(byEmail.get(key) ?? []), { party, contact }]);
      }
    }
    ix = {
      units: new Map(plan.units.map((u) => [u.id, u])),
      pilots: new Map(plan.pilots.map((p) => [p.id, p])),
      types: new Map(plan.pilotTypes.map((t) => [t.id, t])),
      communities,
      byEmail,
    };
    indexes.set(plan, ix);
  }
  return ix;
}

function must<T>(value: T | undefined, what: string, id: string): T {
  if (value === undefined) throw new PlanLookupError(`the plan has no ${what} "${id}"`);
  return value;
}

export function findUnit(plan: Plan, id: string): Unit | undefined {
  return index(plan).units.get(id);
}
export function getUnit(plan: Plan, id: string): Unit {
  return must(findUnit(plan, id), 'unit', id);
}

export function findPilot(plan: Plan, id: string): Pilot | undefined {
  return index(plan).pilots.get(id);
}
export function getPilot(plan: Plan, id: string): Pilot {
  return must(findPilot(plan, id), 'pilot', id);
}

export function findPilotType(plan: Plan, id: string): PilotType | undefined {
  return index(plan).types.get(id);
}
export function getPilotType(plan: Plan, id: string): PilotType {
  return must(findPilotType(plan, id), 'pilot type', id);
}

/** A unit or a pilot by id (they share one id space). */
export function findParty(plan: Plan, id: string): Party | undefined {
  return findUnit(plan, id) ?? findPilot(plan, id);
}
export function getParty(plan: Plan, id: string): Party {
  return must(findParty(plan, id), 'unit or pilot', id);
}

export function isPilot(party: Party): party is Pilot {
  return 'level' in party;
}

/** The people who receive e-mails for a unit or a pilot. */
export function contactsOf(plan: Plan, id: string): Contact[] {
  return getParty(plan, id).contacts;
}

/** Every unit or pilot that lists this e-mail address (case-insensitive), with the contact entry. */
export function findContactsByEmail(plan: Plan, email: string): { party: Party; contact: Contact }[] {
  return index(plan).byEmail.get(email.toLowerCase()) ?? [];
}

export function leadUnit(plan: Plan): Unit {
  return getUnit(plan, plan.programme.leadUnit);
}
export function leadingGroup(plan: Plan): Unit {
  return getUnit(plan, plan.programme.leadingGroup);
}
export function higherLevel(plan: Plan): Unit {
  return getUnit(plan, plan.programme.higherLevel);
}

/** The town pilot of a community pilot; undefined for a town. */
export function townOf(plan: Plan, pilotId: string): Pilot | undefined {
  const pilot = getPilot(plan, pilotId);
  return pilot.town === undefined ? undefined : getPilot(plan, pilot.town);
}

/** The community pilots of a town pilot, in plan order. */
export function communitiesOf(plan: Plan, townId: string): Pilot[] {
  getPilot(plan, townId);
  return index(plan).communities.get(townId) ?? [];
}

/**
 * Who a unit's or pilot's overdue tasks go to, nearest first: its `escalatesTo`, that one's `escalatesTo`, …
 * up to the top (without the party itself). Escalation at the due time goes to the first; the leading group
 * comes later by the escalation policy. A validated plan has no cycles; this stops at one anyway.
 */
export function escalationChain(plan: Plan, id: string): Party[] {
  const chain: Party[] = [];
  const seen = new Set([id]);
  let next = getParty(plan, id).escalatesTo;
  while (next !== undefined && !seen.has(next)) {
    const party = getParty(plan, next);
    chain.push(party);
    seen.add(next);
    next = party.escalatesTo;
  }
  return chain;
}
