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
/** A problem's message in English and in Chinese (the plan's language decides which one is shown). */
export interface RuleMessage {
  en: string;
  zh: string;
}
type Report = (path: Path, message: RuleMessage) => void;
const m = (en: string, zh: string): RuleMessage => ({ en, zh });
type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const dateStr = (v: unknown): string | undefined =>
  typeof v === 'string' && isCalendarDate(v) ? v : undefined;

/** The refinement attached to the plan schema. */
export function checkPlanRules(value: unknown, ctx: z.RefinementCtx): void {
  checkPlan(value, (path, message) =>
    ctx.addIssue({ code: 'custom', path, message: message.en, params: { zh: message.zh } }),
  );
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
          m(
            `id "${id}" is already used by ${earlier.where}; every unit and pilot needs its own id`,
            `编号“${id}”已被 ${earlier.where} 使用；每个单位和试点都需要自己的编号`,
          ),
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
  uniqueIds(types, ['pilotTypes'], 'pilot type', report, '试点类型');
  uniqueIds(list(indicators.items).map(obj), ['indicators', 'items'], 'indicator', report, '指标');
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
      report(
        path,
        m(
          `"${id}" is a pilot, but a unit is needed here (${known(unitIds, undefined, 'units')})`,
          `“${id}”是试点，这里需要一个单位（${knownZh(unitIds, undefined, '单位')}）`,
        ),
      );
    else
      report(
        path,
        m(
          `unknown unit "${id}" (${known(unitIds, id, 'units')})`,
          `没有单位“${id}”（${knownZh(unitIds, id, '单位')}）`,
        ),
      );
    return false;
  };
  const unitRefs = (v: unknown, path: Path) => {
    const seen = new Map<string, number>();
    list(v).forEach((item, k) => {
      const id = str(item);
      if (id !== undefined && seen.has(id)) {
        report(
          [...path, k],
          m(
            `"${id}" is listed twice (also at [${seen.get(id)}]); list each unit once`,
            `“${id}”列了两次（另见 [${seen.get(id)}]）；每个单位只列一次`,
          ),
        );
        return;
      }
      if (id !== undefined) seen.set(id, k);
      unitRef(item, [...path, k]);
    });
  };

  // Programme-level references: the lead unit, the leading group, the higher level.
  const programme = obj(plan.programme);
  unitRef(programme.leadUnit, ['programme', 'leadUnit']);
  for (const [field, kind, role, roleZh] of [
    ['leadingGroup', 'leading-group', 'the leading group', '领导小组'],
    ['higherLevel', 'higher-level', 'the higher level', '上级单位'],
  ] as const) {
    const id = str(programme[field]);
    if (unitRef(programme[field], ['programme', field]) && id !== undefined && unitKind(id) !== kind) {
      report(
        ['programme', field],
        m(
          `unit "${id}" has kind "${unitKind(id) ?? '?'}", but ${role} must be a unit of kind "${kind}"`,
          `单位“${id}”的类别是“${unitKind(id) ?? '?'}”，但${roleZh}必须是类别为“${kind}”的单位`,
        ),
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
      report(
        ['pilots', i, 'type'],
        m(
          `unknown pilot type "${type}" (${known(typeIds, type, 'pilotTypes')})`,
          `没有试点类型“${type}”（${knownZh(typeIds, type, '试点类型')}）`,
        ),
      );
    }
    const town = str(p.town);
    if (p.level === 'town' && p.town !== undefined) {
      report(
        ['pilots', i, 'town'],
        m(
          'a town-level pilot has no "town": remove this line (only communities name their town)',
          '乡镇级试点没有“town”：请删除这一行（只有社区试点填写所属乡镇）',
        ),
      );
    } else if (p.level === 'community') {
      if (p.town === undefined) {
        report(
          ['pilots', i, 'town'],
          m(
            `missing: a community pilot names its town pilot in "town" (${known(townPilotIds, undefined, 'town pilots')})`,
            `缺少：社区试点须在“town”中填写所属的乡镇试点（${knownZh(townPilotIds, undefined, '乡镇试点')}）`,
          ),
        );
      } else if (town !== undefined && !isPilot(town)) {
        report(
          ['pilots', i, 'town'],
          m(
            `unknown pilot "${town}" (${known(townPilotIds, town, 'town pilots')})`,
            `没有试点“${town}”（${knownZh(townPilotIds, town, '乡镇试点')}）`,
          ),
        );
      } else if (town !== undefined && pilotLevel(town) !== 'town') {
        report(
          ['pilots', i, 'town'],
          m(
            `pilot "${town}" is a ${pilotLevel(town) ?? 'pilot'}, not a town: name a town-level pilot (${known(townPilotIds, town, 'town pilots')})`,
            `试点“${town}”不是乡镇：请填写一个乡镇级试点（${knownZh(townPilotIds, town, '乡镇试点')}）`,
          ),
        );
      }
    }
    const up = str(p.escalatesTo);
    if (up !== undefined) {
      if (isPilot(up) && pilotLevel(up) !== 'town') {
        report(
          ['pilots', i, 'escalatesTo'],
          m(
            `pilot "${up}" is not a town: a pilot escalates to a unit or to a town-level pilot`,
            `试点“${up}”不是乡镇：试点只能上报给单位或乡镇级试点`,
          ),
        );
      } else if (!parties.has(up)) {
        report(
          ['pilots', i, 'escalatesTo'],
          m(
            `unknown unit or town pilot "${up}" (${known([...unitIds, ...townPilotIds], up, 'units and town pilots')})`,
            `没有单位或乡镇试点“${up}”（${knownZh([...unitIds, ...townPilotIds], up, '单位和乡镇试点')}）`,
          ),
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
    report(
      ['stages', 'implementation', 'supervision', 'every'],
      m('must be longer than zero, e.g. P1M', '必须大于零，例如 P1M'),
    );
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
      report(
        ['indicators', 'items'],
        m(
          `the weights add up to ${round(sum)}; they must add up to exactly 100`,
          `权重合计为 ${round(sum)}；合计必须正好是 100`,
        ),
      );
    }
  }
  const pass = indicators.passScore;
  const excellent = indicators.excellentScore;
  if (typeof pass === 'number' && typeof excellent === 'number' && !(pass < excellent)) {
    report(
      ['indicators', 'excellentScore'],
      m(
        `must be above passScore (${pass}); got ${excellent}`,
        `必须高于合格分 passScore（${pass}）；现在是 ${excellent}`,
      ),
    );
  }

  // Task times and escalation timings.
  const durations = obj(obj(plan.tasks).durations);
  for (const kind of TASK_KINDS) {
    const d = str(durations[kind]);
    if (d !== undefined && isDuration(d) && isZeroDuration(parseDuration(d))) {
      report(['tasks', 'durations', kind], m('must be longer than zero, e.g. P7D', '必须大于零，例如 P7D'));
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
        m(
          `${day} is also listed in calendar.holidays[${holidays.get(day)}]; a day is either off or a working day`,
          `${day} 也列在 calendar.holidays[${holidays.get(day)}] 中；一天要么放假，要么上班`,
        ),
      );
    }
  });
}

function uniqueIds(items: Obj[], path: Path, what: string, report: Report, whatZh = what): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const id = str(item.id);
    if (id === undefined) return;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      report(
        [...path, i, 'id'],
        m(
          `${what} id "${id}" is already used by ${formatPath([...path, earlier])}; ids must be unique`,
          `${whatZh}编号“${id}”已被 ${formatPath([...path, earlier])} 使用；编号不能重复`,
        ),
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
        m(
          `e-mail "${email}" is listed twice for this ${of} (also contacts[${earlier}])`,
          `电子邮箱“${email}”在本${of === 'unit' ? '单位' : '试点'}中列了两次（另见 contacts[${earlier}]）`,
        ),
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
        m(
          `escalation goes round in a circle (${[...chain, start].join(' → ')}); the chain must end at a unit ` +
            'without "escalatesTo", such as the leading group',
          `上报链绕成了一个圈（${[...chain, start].join(' → ')}）；上报链必须终止于一个没有“escalatesTo”的单位，例如领导小组`,
        ),
      );
    }
  }
}

function checkDates(programme: Obj, stages: Obj, report: Report): void {
  const pStart = dateStr(programme.start);
  const pEnd = dateStr(programme.end);
  if (pStart && pEnd && pEnd < pStart) {
    report(
      ['programme', 'end'],
      m(
        `the programme ends (${pEnd}) before it starts (${pStart})`,
        `试点工作的结束日期（${pEnd}）早于开始日期（${pStart}）`,
      ),
    );
  }
  let previous: { name: string; end: string } | undefined;
  for (const name of STAGES) {
    const stage = obj(stages[name]);
    const start = dateStr(stage.start);
    const end = dateStr(stage.end);
    if (start && end && end < start) {
      report(
        ['stages', name, 'end'],
        m(
          `the ${name} stage ends (${end}) before it starts (${start})`,
          `${STAGE_ZH[name]}阶段的结束日期（${end}）早于开始日期（${start}）`,
        ),
      );
    }
    if (start && pStart && start < pStart) {
      report(
        ['stages', name, 'start'],
        m(
          `${start} is before the programme starts (${pStart})`,
          `${start} 早于试点工作的开始日期（${pStart}）`,
        ),
      );
    }
    if (end && pEnd && end > pEnd) {
      report(
        ['stages', name, 'end'],
        m(`${end} is after the programme ends (${pEnd})`, `${end} 晚于试点工作的结束日期（${pEnd}）`),
      );
    }
    if (start && previous && start < previous.end) {
      report(
        ['stages', name, 'start'],
        m(
          `the ${name} stage starts (${start}) before the ${previous.name} stage ends (${previous.end}); ` +
            'stages run in order: launch, implementation, evaluation',
          `${STAGE_ZH[name]}阶段的开始日期（${start}）早于${STAGE_ZH[previous.name as keyof typeof STAGE_ZH]}阶段的结束日期（${previous.end}）；` +
            '各阶段依次进行：工作启动、组织实施、评估验收',
        ),
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
        m(
          `the meeting (${day}) must fall within the launch stage (${lStart} to ${lEnd})`,
          `动员大会（${day}）必须在工作启动阶段内（${lStart} 至 ${lEnd}）`,
        ),
      );
    }
  }
  const evaluation = obj(stages.evaluation);
  const due = dateStr(obj(evaluation.summaryReport).due);
  const [eStart, eEnd] = [dateStr(evaluation.start), dateStr(evaluation.end)];
  if (due && eStart && eEnd && (due < eStart || due > eEnd)) {
    report(
      ['stages', 'evaluation', 'summaryReport', 'due'],
      m(
        `${due} must fall within the evaluation stage (${eStart} to ${eEnd})`,
        `${due} 必须在评估验收阶段内（${eStart} 至 ${eEnd}）`,
      ),
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
      m(
        `${toLeadingGroup} is before the escalation to the supervisor (${toSupervisor}); the leading group comes last`,
        `${toLeadingGroup} 早于上报主管单位的时间（${toSupervisor}）；领导小组应在最后`,
      ),
    );
  }
}

/** The stages' names in Chinese, for the rules' messages. */
const STAGE_ZH = { launch: '工作启动', implementation: '组织实施', evaluation: '评估验收' } as const;

/** `known` in Chinese: "是否想写“x”？单位：a, b, c". */
function knownZh(ids: string[], wrong: string | undefined, label: string): string {
  const shown = ids.slice(0, 8).join(', ');
  const more = ids.length > 8 ? `，……共 ${ids.length} 个` : '';
  const near = wrong === undefined ? undefined : closest(wrong, ids);
  return `${near ? `是否想写“${near}”？` : ''}${label}：${shown || '无'}${more}`;
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
