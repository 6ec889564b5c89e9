// The escalation policy (催办) as pure functions of a task, its programme's plan and an instant: the level the
// task should be at, and for each level it has not reached yet, what is sent to whom. The sweep
// (escalation-sweep.ts) reads due tasks and acts on this; nothing here reads the clock or the network.
//
//   level 1  reminder   remindBeforeDue before the due time      → the assignees, each with their own link
//   level 2  supervisor toSupervisorAfterDue after the due time  → the assignees again, and the supervising party
//   level 3  leading    toLeadingGroupAfterDue after the due time → the leading group, cc the lead unit
//
// A sweep that runs late (or a task opened already inside a window) goes through the levels it skipped in
// order, each once. A level's messages are left out only where a later level that is also due tells the same
// people more: the level-1 reminder ("due soon") is not sent once level 2 ("overdue") is due, because level 2
// goes to the same assignees; nor when the task was opened after its remind time, because the task's own
// e-mail is fresher than any reminder. Level 2 is always sent, even when level 3 is due too: the supervisor is
// not among level 3's recipients and is the one expected to chase.
import { TASK_KINDS, type TaskKind } from '#plan/kinds.ts';
import { escalationChain, findParty, leadingGroup, leadUnit } from '#plan/lookup.ts';
import { escalationTimes, escalationTiming } from '#plan/schedule.ts';
import type { Party, Plan } from '#plan/schema.ts';
import { compareDurations } from '#plan/time.ts';
import type { Person, TaskRecord } from '#store/tasks.ts';

export type Level = 1 | 2 | 3;
export const LEVELS: readonly Level[] = [1, 2, 3];

/** The audit action recorded when a level's messages went out (what the task's history shows). */
export const LEVEL_ACTION = {
  1: 'reminder.sent',
  2: 'escalation.supervisor-notified',
  3: 'escalation.leading-group-notified',
} as const satisfies Record<Level, string>;

/** The audit action recorded when the level-1 reminder was left out (see SkipReason). */
export const REMINDER_SKIPPED_ACTION = 'reminder.skipped';

/**
 * Why a level's messages are left out: `overdue` — the sweep found the task already due for level 2, which
 * tells the assignees that it is overdue; `opened-in-window` — the task was opened after its remind time, so
 * its own e-mail is the reminder.
 */
export type SkipReason = 'overdue' | 'opened-in-window';

/** The fields of a task the policy reads. */
export type EscalationTask = Pick<
  TaskRecord,
  'taskId' | 'programmeId' | 'pilotId' | 'kind' | 'assignees' | 'dueAt' | 'createdAt' | 'escalationLevel'
>;

export interface Recipient {
  name: string;
  email: string;
}

export type Audience = 'assignee' | 'supervisor' | 'leading-group';

export interface PlannedMessage {
  /** Unique within the task and stable across sweeps (`2:assignee:<email>`, `2:supervisor:<party>`), so a
   * resumed delivery can tell which messages already went out. */
  id: string;
  level: Level;
  audience: Audience;
  to: Recipient[];
  cc: Recipient[];
  /** An assignee's own message: the assignee (their original link goes in it). */
  assignee?: Person;
  /** A supervisor's or the leading group's message: the party told. */
  party?: Party;
}

export interface LevelStep {
  level: Level;
  /** Since when this level has been due. */
  dueSince: Date;
  /** Set when the level is passed without messages. */
  skipped?: SkipReason;
  messages: PlannedMessage[];
}

/**
 * When each level falls due for this task. escalationTiming looks the kind up among the plan's overrides, so a
 * kind the plan does not know (a workflow-specific task) gets the general timings.
 */
export function levelTimes(plan: Plan, task: Pick<EscalationTask, 'kind' | 'dueAt'>): Record<Level, Date> {
  const times = escalationTimes(plan, task.kind as TaskKind, new Date(task.dueAt));
  return { 1: times.remindAt, 2: times.toSupervisorAt, 3: times.toLeadingGroupAt };
}

/** The highest level due at `now` (0 while nothing is). */
export function targetLevel(plan: Plan, task: Pick<EscalationTask, 'kind' | 'dueAt'>, now: Date): 0 | Level {
  const times = levelTimes(plan, task);
  let level: 0 | Level = 0;
  for (const l of LEVELS) if (times[l].getTime() <= now.getTime()) level = l;
  return level;
}

/** The steps from the task's current level up to the level due at `now`, in order (empty when none). */
export function pendingSteps(plan: Plan, task: EscalationTask, now: Date): LevelStep[] {
  const target = targetLevel(plan, task, now);
  return LEVELS.filter((l) => l > task.escalationLevel && l <= target).map((l) =>
    levelStep(plan, task, l, now),
  );
}

/** What reaching `level` sends at `now`. */
export function levelStep(plan: Plan, task: EscalationTask, level: Level, now: Date): LevelStep {
  const times = levelTimes(plan, task);
  const step = { level, dueSince: times[level] };
  if (level === 1) {
    const skipped: SkipReason | undefined =
      times[2].getTime() <= now.getTime()
        ? 'overdue'
        : Date.parse(task.createdAt) >= times[1].getTime()
          ? 'opened-in-window'
          : undefined;
    if (skipped) return { ...step, skipped, messages: [] };
  }
  return { ...step, messages: levelMessages(plan, task, level) };
}

/** The messages of a level: one per assignee (each has their own link), one per party told. */
export function levelMessages(plan: Plan, task: EscalationTask, level: Level): PlannedMessage[] {
  const toAssignees = (): PlannedMessage[] =>
    uniqueBy(task.assignees, (a) => a.email.toLowerCase()).map((assignee) => ({
      id: `${level}:assignee:${assignee.email.toLowerCase()}`,
      level,
      audience: 'assignee',
      to: [{ name: assignee.name, email: assignee.email }],
      cc: [],
      assignee,
    }));
  if (level === 1) return toAssignees();
  if (level === 2) {
    return [
      ...toAssignees(),
      ...supervisingParties(plan, task).map(
        (party): PlannedMessage => ({
          id: `2:supervisor:${party.id}`,
          level,
          audience: 'supervisor',
          to: recipientsOf(party),
          cc: [],
          party,
        }),
      ),
    ];
  }
  const group = leadingGroup(plan);
  const to = recipientsOf(group);
  const taken = new Set(to.map((r) => r.email.toLowerCase()));
  const cc = recipientsOf(leadUnit(plan)).filter((r) => !taken.has(r.email.toLowerCase()));
  return [{ id: `3:leading-group:${group.id}`, level, audience: 'leading-group', to, cc, party: group }];
}

/**
 * The unit or pilot each assignee acts for: the assignee's `unitId` when the plan knows it (a county
 * department, or a pilot: they share one id space), otherwise the task's pilot.
 */
export function assigneeParty(
  plan: Plan,
  task: Pick<EscalationTask, 'pilotId'>,
  assignee: Person,
): Party | undefined {
  return (
    (assignee.unitId === undefined ? undefined : findParty(plan, assignee.unitId)) ??
    findParty(plan, task.pilotId)
  );
}

/**
 * Who is told at level 2: the first of each assignee's party's escalation chain (its `escalatesTo`), once
 * each. A party without `escalatesTo` (the leading group itself) has no supervisor: its tasks reach the
 * leading group at level 3.
 */
export function supervisingParties(plan: Plan, task: Pick<EscalationTask, 'pilotId' | 'assignees'>): Party[] {
  const parties: Party[] = [];
  for (const assignee of task.assignees) {
    const party = assigneeParty(plan, task, assignee);
    const supervisor = party ? escalationChain(plan, party.id)[0] : undefined;
    if (supervisor && !parties.some((p) => p.id === supervisor.id)) parties.push(supervisor);
  }
  return parties;
}

/**
 * The longest reminder lead time of a plan over all task kinds. The sweep reads tasks due up to now plus a
 * configured bound; a plan that reminds earlier than that bound has its reminders sent late, so the sweep
 * warns about it.
 */
export function longestReminderLead(plan: Plan): string {
  let longest = plan.escalation.remindBeforeDue;
  for (const kind of TASK_KINDS) {
    const lead = escalationTiming(plan, kind).remindBeforeDue;
    if (compareDurations(lead, longest) > 0) longest = lead;
  }
  return longest;
}

function recipientsOf(party: Party): Recipient[] {
  return uniqueBy(party.contacts, (c) => c.email.toLowerCase()).map((c) => ({
    name: c.name,
    email: c.email,
  }));
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The audit action of a step: what the task's history shows for it. */
export function stepAction(step: LevelStep): string {
  return step.skipped ? REMINDER_SKIPPED_ACTION : LEVEL_ACTION[step.level];
}

/** One line for the task's history, in the plan's language. */
export function stepSummary(plan: Plan, step: LevelStep): string {
  const zh = plan.programme.locale !== 'en';
  const told = step.messages.flatMap((m) => (m.party ? [zh ? m.party.name : m.party.nameEn] : []));
  const assignees = step.messages.filter((m) => m.audience === 'assignee').map((m) => m.to[0]?.name);
  if (step.skipped === 'overdue') {
    return zh
      ? '未发到期前催办：任务已逾期，改发逾期提醒'
      : 'No reminder before due: the task was already overdue, so the overdue notice went instead';
  }
  if (step.skipped === 'opened-in-window') {
    return zh
      ? '未发到期前催办：任务开办时已临近到期，任务通知即提醒'
      : 'No reminder before due: the task was opened inside the reminder window, its own e-mail is the reminder';
  }
  if (step.level === 1) {
    return zh ? `已催办：${assignees.join('、')}` : `Reminder sent to ${assignees.join(', ')}`;
  }
  if (step.level === 2) {
    return zh
      ? `逾期提醒：已告知${[...assignees, ...told].join('、')}`
      : `Overdue: ${[...assignees, ...told].join(', ')} told`;
  }
  return zh ? `逾期上报：已报${told.join('、')}` : `Escalated to ${told.join(', ')}`;
}
