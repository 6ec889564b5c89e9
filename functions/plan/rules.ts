// The cross-field rules of a plan (unique ids, references, stage order, weights, levels, escalation chains).
// They run as the schema's refinement even when some fields are malformed, so every read here is defensive:
// the value may be any shape, and a rule only speaks about the fields it can read.
import type { z } from 'zod';
import { STAGES, TASK_KINDS } from './kinds.ts';
import {
  compareDurations,
  isCalendarDate,
  isDuration,
  isLocalDateTime,
  isZeroDuration,
  parseDuration,
} from './time.ts';

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const dateStr = (v: unknown): string | undefined =>
  typeof v === 'string' && isCalendarDate(v) ? v : undefined;

/** The refinement attached to the plan schema. */
export function checkPlanRules(value: unknown, ctx: z.RefinementCtx): void {
  checkPlan(value, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
}

/** Runs every cross-field rule on a (possibly malformed) plan value and reports each problem with its path. */
export function checkPlan(value: unknown, report: Report): void {
  const plan = obj(value);
  const units = list(plan.units).map(obj);
  const pilots = list(plan.pilots).map(obj);
  const types = list(plan.pilotTypes).map(obj);
  const indicators = obj(plan.indicators);

  // Units and pilots share one id space: escalatesTo may name either, and e-mails and the dashboard show both.
  const parties = new Map<string, { where: string; path: Path; value: Obj; isPilot: boolean }>();
  const remember = (section: 'units' | 'pilots', items: Obj[]) => {
    items.forEach((item, i) => {
      const id = str(item.id);
      if (id === undefined) return;
      const earlier = parties.get(id);
      if (earlier) {
        report(
          [section, i, 'id'],
          `id "${id}" is already used by ${earlier.where}; every unit and pilot needs its own id`,
        );
      } else {
        parties.set(id, {
          where: `${section}[${i}]`,
          path: [section, i],
          value: item,
          isPilot: section === 'pilots',
        });
      }
    });
  };
  remember('units', units);
  remember('pilots', pilots);
  uniqueIds(types, ['pilotTypes'], 'pilot type', report);
  uniqueIds(list(indicators.items).map(obj), ['indicators', 'items'], 'indicator', report);
  for (const [i, u] of units.entries())
    uniqueEmails(list(u.contacts), ['units', i, 'contacts'], 'unit', report);
  for (const [i, p] of pilots.entries())
    uniqueEmails(list(p.contacts), ['pilots', i, 'contacts'], 'pilot', report);

  const unitIds = [...parties].filter(([, p]) => !p.isPilot).map(([id]) => id);
  const unitKind = (id: string) => str(parties.get(id)?.value.kind);
  const isUnit = (id: string) => parties.has(id) && !parties.get(id)!.isPilot;
  const isPilot = (id: string) => parties.get(id)?.isPilot === true;
  const pilotLevel = (id: string) => str(parties.get(id)?.value.level);

  /** Reports a reference that does not name a unit; returns true when it does. */
  const unitRef = (v: unknown, path: Path): boolean => {
    const id = str(v);
    if (id === undefined) return false;
    if (isUnit(id)) return true;
    if (isPilot(id))
      report(path, `"${id}" is a pilot, but a unit is needed here (${known(unitIds, undefined, 'units')})`);
    else report(path, `unknown unit "${id}" (${known(unitIds, id, 'units')})`);
    return false;
  };
  const unitRefs = (v: unknown, path: Path) => {
    const seen = new Map<string, number>();
    list(v).forEach((item, k) => {
      const id = str(item);
      if (id !== undefined && seen.has(id)) {
        report([...path, k], `"${id}" is listed twice (also at [${seen.get(id)}]); list each unit once`);
        return;
      }
      if (id !== undefined) seen.set(id, k);
      unitRef(item, [...path, k]);
    });
  };

  // Programme-level references: the lead unit, the leading group, the higher level.
  const programme = obj(plan.programme);
  unitRef(programme.leadUnit, ['programme', 'leadUnit']);
  for (const [field, kind, role] of [
    ['leadingGroup', 'leading-group', 'the leading group'],
    ['higherLevel', 'higher-level', 'the higher level'],
  ] as const) {
    const id = str(programme[field]);
    if (unitRef(programme[field], ['programme', field]) && id !== undefined && unitKind(id) !== kind) {
      report(
        ['programme', field],
        `unit "${id}" has kind "${unitKind(id) ?? '?'}", but ${role} must be a unit of kind "${kind}"`,
      );
    }
  }

  // Units escalate to units.
  units.forEach((u, i) => {
    if (u.escalatesTo !== undefined) unitRef(u.escalatesTo, ['units', i, 'escalatesTo']);
  });

  // Pilots: type, town and escalation.
  const typeIds = types.map((t) => str(t.id)).filter((id): id is string => id !== undefined);
  const townPilotIds = pilots
    .filter((p) => p.level === 'town')
    .map((p) => str(p.id))
    .filter((id) => id !== undefined);
  pilots.forEach((p, i) => {
    const type = str(p.type);
    if (type !== undefined && !typeIds.includes(type)) {
      report(['pilots', i, 'type'], `unknown pilot type "${type}" (${known(typeIds, type, 'pilotTypes')})`);
    }
    const town = str(p.town);
    if (p.level === 'town' && p.town !== undefined) {
      report(
        ['pilots', i, 'town'],
        'a town-level pilot has no "town": remove this line (only communities name their town)',
      );
    } else if (p.level === 'community') {
      if (p.town === undefined) {
        report(
          ['pilots', i, 'town'],
          `missing: a community pilot names its town pilot in "town" (${known(townPilotIds, undefined, 'town pilots')})`,
        );
      } else if (town !== undefined && !isPilot(town)) {
        report(
          ['pilots', i, 'town'],
          `unknown pilot "${town}" (${known(townPilotIds, town, 'town pilots')})`,
        );
      } else if (town !== undefined && pilotLevel(town) !== 'town') {
        report(
          ['pilots', i, 'town'],
          `pilot "${town}" is a ${pilotLevel(town) ?? 'pilot'}, not a town: name a town-level pilot (${known(townPilotIds, town, 'town pilots')})`,
        );
      }
    }
    const up = str(p.escalatesTo);
    if (up !== undefined) {
      if (isPilot(up) && pilotLevel(up) !== 'town') {
        report(
          ['pilots', i, 'escalatesTo'],
          `pilot "${up}" is not a town: a pilot escalates to a unit or to a town-level pilot`,
        );
      } else if (!parties.has(up)) {
        report(
          ['pilots', i, 'escalatesTo'],
          `unknown unit or town pilot "${up}" (${known([...unitIds, ...townPilotIds], up, 'units and town pilots')})`,
        );
      }
    }
  });

  escalationCycles(parties, report);

  // Stages: references, then dates.
  const stages = obj(plan.stages);
  for (const name of STAGES) {
    const stage = obj(stages[name]);
    unitRef(stage.leadUnit, ['stages', name, 'leadUnit']);
    unitRefs(stage.participantUnits, ['stages', name, 'participantUnits']);
  }
  const implementation = obj(stages.implementation);
  const supervision = obj(implementation.supervision);
  unitRef(supervision.inspector, ['stages', 'implementation', 'supervision', 'inspector']);
  const every = str(supervision.every);
  if (every !== undefined && isDuration(every) && isZeroDuration(parseDuration(every))) {
    report(['stages', 'implementation', 'supervision', 'every'], 'must be longer than zero, e.g. P1M');
  }
  const evaluation = obj(stages.evaluation);
  const workingGroup = obj(obj(evaluation.acceptance).workingGroup);
  unitRefs(workingGroup.members, ['stages', 'evaluation', 'acceptance', 'workingGroup', 'members']);
  checkDates(programme, stages, report);

  // Indicators: weights and thresholds.
  const items = list(indicators.items).map(obj);
  const weights = items.map((it) => it.weight);
  if (items.length > 0 && weights.every((w) => typeof w === 'number' && Number.isFinite(w))) {
    const sum = (weights as number[]).reduce((a, b) => a + b, 0);
    // Decimal weights (12.5, 33.3…) add up with binary rounding noise; a millionth is far below any real error.
    if (Math.abs(sum - 100) > 1e-6) {
      report(['indicators', 'items'], `the weights add up to ${round(sum)}; they must add up to exactly 100`);
    }
  }
  const pass = indicators.passScore;
  const excellent = indicators.excellentScore;
  if (typeof pass === 'number' && typeof excellent === 'number' && !(pass < excellent)) {
    report(['indicators', 'excellentScore'], `must be above passScore (${pass}); got ${excellent}`);
  }

  // Task times and escalation timings.
  const durations = obj(obj(plan.tasks).durations);
  for (const kind of TASK_KINDS) {
    const d = str(durations[kind]);
    if (d !== undefined && isDuration(d) && isZeroDuration(parseDuration(d))) {
      report(['tasks', 'durations', kind], 'must be longer than zero, e.g. P7D');
    }
  }
  const escalation = obj(plan.escalation);
  escalationOrder(escalation, ['escalation'], report);
  const overrides = obj(escalation.overrides);
  for (const kind of TASK_KINDS) {
    if (overrides[kind] === undefined) continue;
    escalationOrder({ ...escalation, ...obj(overrides[kind]) }, ['escalation', 'overrides', kind], report);
  }

  // The working calendar: a day is off or on, not both.
  const calendar = obj(plan.calendar);
  const holidays = new Map(list(calendar.holidays).map((d, i) => [dateStr(d), i] as const));
  list(calendar.workdays).forEach((d, i) => {
    const day = dateStr(d);
    if (day !== undefined && holidays.has(day)) {
      report(
        ['calendar', 'workdays', i],
        `${day} is also listed in calendar.holidays[${holidays.get(day)}]; a day is either off or a working day`,
      );
    }
  });
}

function uniqueIds(items: Obj[], path: Path, what: string, report: Report): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const id = str(item.id);
    if (id === undefined) return;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      report(
        [...path, i, 'id'],
        `${what} id "${id}" is already used by ${formatPath([...path, earlier])}; ids must be unique`,
      );
    } else seen.set(id, i);
  });
}

function uniqueEmails(contacts: unknown[], path: Path, of: string, report: Report): void {
  const seen = new Map<string, number>();
  contacts.map(obj).forEach((c, j) => {
    const email = str(c.email)?.toLowerCase();
    if (email === undefined) return;
    const earlier = seen.get(email);
    if (earlier !== undefined) {
      report(
        [...path, j, 'email'],
        `e-mail "${email}" is listed twice for this ${of} (also contacts[${earlier}])`,
      );
    } else seen.set(email, j);
  });
}

/** Follows escalatesTo from every unit and pilot; a chain that comes back to itself never ends. */
function escalationCycles(
  parties: Map<string, { where: string; path: Path; value: Obj; isPilot: boolean }>,
  report: Report,
): void {
  const inCycle = new Set<string>();
  for (const [start, party] of parties) {
    if (inCycle.has(start)) continue;
    const chain = [start];
    let next = str(party.value.escalatesTo);
    while (next !== undefined && parties.has(next) && !chain.includes(next)) {
      chain.push(next);
      next = str(parties.get(next)!.value.escalatesTo);
    }
    if (next === start) {
      for (const id of chain) inCycle.add(id);
      report(
        [...party.path, 'escalatesTo'],
        `escalation goes round in a circle (${[...chain, start].join(' → ')}); the chain must end at a unit ` +
          'without "escalatesTo", such as the leading group',
      );
    }
  }
}

function checkDates(programme: Obj, stages: Obj, report: Report): void {
  const pStart = dateStr(programme.start);
  const pEnd = dateStr(programme.end);
  if (pStart && pEnd && pEnd < pStart) {
    report(['programme', 'end'], `the programme ends (${pEnd}) before it starts (${pStart})`);
  }
  let previous: { name: string; end: string } | undefined;
  for (const name of STAGES) {
    const stage = obj(stages[name]);
    const start = dateStr(stage.start);
    const end = dateStr(stage.end);
    if (start && end && end < start) {
      report(['stages', name, 'end'], `the ${name} stage ends (${end}) before it starts (${start})`);
    }
    if (start && pStart && start < pStart) {
      report(['stages', name, 'start'], `${start} is before the programme starts (${pStart})`);
    }
    if (end && pEnd && end > pEnd) {
      report(['stages', name, 'end'], `${end} is after the programme ends (${pEnd})`);
    }
    if (start && previous && start < previous.end) {
      report(
        ['stages', name, 'start'],
        `the ${name} stage starts (${start}) before the ${previous.name} stage ends (${previous.end}); ` +
          'stages run in order: launch, implementation, evaluation',
      );
    }
    if (end) previous = { name, end };
  }

  const launch = obj(stages.launch);
  const time = str(obj(launch.mobilisationMeeting).time);
  const [lStart, lEnd] = [dateStr(launch.start), dateStr(launch.end)];
  if (time && isLocalDateTime(time) && lStart && lEnd) {
    const day = time.slice(0, 10);
    if (day < lStart || day > lEnd) {
      report(
        ['stages', 'launch', 'mobilisationMeeting', 'time'],
        `the meeting (${day}) must fall within the launch stage (${lStart} to ${lEnd})`,
      );
    }
  }
  const evaluation = obj(stages.evaluation);
  const due = dateStr(obj(evaluation.summaryReport).due);
  const [eStart, eEnd] = [dateStr(evaluation.start), dateStr(evaluation.end)];
  if (due && eStart && eEnd && (due < eStart || due > eEnd)) {
    report(
      ['stages', 'evaluation', 'summaryReport', 'due'],
      `${due} must fall within the evaluation stage (${eStart} to ${eEnd})`,
    );
  }
}

function escalationOrder(timing: Obj, path: Path, report: Report): void {
  const toSupervisor = str(timing.toSupervisorAfterDue);
  const toLeadingGroup = str(timing.toLeadingGroupAfterDue);
  if (!toSupervisor || !toLeadingGroup || !isDuration(toSupervisor) || !isDuration(toLeadingGroup)) return;
  if (compareDurations(toLeadingGroup, toSupervisor) < 0) {
    report(
      [...path, 'toLeadingGroupAfterDue'],
      `${toLeadingGroup} is before the escalation to the supervisor (${toSupervisor}); the leading group comes last`,
    );
  }
}

/** "known: a, b, c, … (N in all)", with a "did you mean" when one id is a near miss. */
function known(ids: string[], wrong?: string, label = 'known'): string {
  const shown = ids.slice(0, 8).join(', ');
  const more = ids.length > 8 ? `, … ${ids.length} in all` : '';
  const near = wrong === undefined ? undefined : closest(wrong, ids);
  return `${near ? `did you mean "${near}"? ` : ''}${label}: ${shown || 'none'}${more}`;
}

/**
 * The candidate nearest to `wrong`: within edit distance 2 (or a third of its length), else the only candidate
 * that contains it or is contained in it (`convenience` → `convenience-service`).
 */
export function closest(wrong: string, candidates: readonly string[]): string | undefined {
  const w = wrong.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(w.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  if (best !== undefined || w.length < 3) return best;
  const containing = candidates.filter((c) => c.toLowerCase().includes(w) || w.includes(c.toLowerCase()));
  return containing.length === 1 ? containing[0] : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Number.POSITIVE_INFINITY;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** `pilots[3].contacts[0].email` from `['pilots', 3, 'contacts', 0, 'email']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}
