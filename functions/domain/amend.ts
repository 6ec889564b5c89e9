// Amending a running programme from the dashboard: replace a contact (an official leaves: their open tasks go
// to the successor), add a contact to a unit, move a stage's window, move an open task's due date. Each change
// of the plan is stored as its next version (functions/store/plan-versions.ts) with who, when and what, and every
// plan read takes the current version from then on (functions/domain/plans.ts): the next task of a replaced
// contact's unit goes to the successor. Every change is validated (the amended plan against the plan schema and
// rules) and audited.
import * as z from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '#lib/errors.ts';
import { deadlineOfDate } from '#plan/calendar.ts';
import { STAGES } from '#plan/kinds.ts';
import { findParty } from '#plan/lookup.ts';
import type { Contact, Party, Plan } from '#plan/schema.ts';
import { validatePlan } from '#plan/validate.ts';
import { auditItem } from '#store/audit.ts';
import { listLinksOfTask } from '#store/links.ts';
import {
  type PlanChange,
  type PlanVersion,
  planVersionWrites,
  writePlanVersion,
} from '#store/plan-versions.ts';
import { retryConflicts } from '#store/store.ts';
import { moveTaskDue } from '#store/task-due.ts';
import {
  getTask,
  listOpenTasks,
  MAX_TRANSACTION_ITEMS,
  type Person,
  reassignAssignees,
  type TaskRecord,
} from '#store/tasks.ts';
import { type ActionDeps, type Admin, actorOf, mailLinks } from './admin.ts';
import { loadPlanVersion } from './plans.ts';

const reason = z
  .string()
  .trim()
  .min(2, 'say why (at least 2 characters)')
  .max(1000, 'at most 1,000 characters');
const name = z.string().trim().min(1, 'give a name').max(100, 'at most 100 characters');
const email = z.email('not an e-mail address').max(254);
const partyId = z.string().min(1).max(64);

export const ReplaceContactInputSchema = z.strictObject({
  reason,
  unit: partyId,
  /** The contact who leaves. */
  from: email,
  name,
  email,
});
export const AddContactInputSchema = z.strictObject({ reason, unit: partyId, name, email });
export const MoveWindowInputSchema = z.strictObject({
  reason,
  stage: z.enum(STAGES),
  start: z.iso.date('a date YYYY-MM-DD'),
  end: z.iso.date('a date YYYY-MM-DD'),
});
export const MoveDueInputSchema = z.strictObject({ reason, due: z.iso.date('a date YYYY-MM-DD') });

export type ReplaceContactInput = z.infer<typeof ReplaceContactInputSchema>;
export type AddContactInput = z.infer<typeof AddContactInputSchema>;
export type MoveWindowInput = z.infer<typeof MoveWindowInputSchema>;
export type MoveDueInput = z.infer<typeof MoveDueInputSchema>;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function refuse(path: string, message: string): never {
  throw new ValidationError(`${path}: ${message}`, [{ path, message }]);
}

/** The unit or pilot of the amended plan (a copy of `plan`) that `id` names; refused when there is none. */
function partyOf(plan: Plan, id: string): Party {
  return findParty(plan, id) ?? refuse('unit', 'no unit or pilot of the plan has this id');
}

/** The amended plan, validated as a launched plan is; a problem is refused with the field it concerns. */
function checked(plan: Plan, field: string): Plan {
  const result = validatePlan(plan);
  if (!result.ok) {
    throw new ValidationError(
      result.problems.map((p) => `${p.path}: ${p.message}`).join('; '),
      result.problems.map((p) => ({ path: field, message: p.message })),
    );
  }
  return result.plan;
}

function versionOf(
  programmeId: string,
  version: number,
  admin: Admin,
  at: string,
  why: string,
  change: PlanChange,
): PlanVersion {
  return { programmeId, version, at, by: actorOf(admin), reason: why, changes: [change] };
}

/** The programme-level audit event of a new plan version. */
function amendedEvent(version: PlanVersion, summary: string) {
  return auditItem({
    programmeId: version.programmeId,
    pilotId: '-',
    at: version.at,
    actor: version.by,
    action: 'plan.amended',
    summary,
    details: { version: version.version, reason: version.reason, changes: version.changes },
  });
}

/** Writes a plan version alone (no task moves with it), refused when another amendment came first. */
async function writeVersion(deps: ActionDeps, version: PlanVersion, plan: Plan, summary: string) {
  if (!(await writePlanVersion(deps.store, version, plan, amendedEvent(version, summary)))) {
    throw amendedMeanwhile();
  }
}

const amendedMeanwhile = () =>
  new ConflictError('the plan was amended by someone else meanwhile: nothing was changed; reload the page');

/**
 * 换人: `from` leaves `unit`, the successor takes their place in the plan, and each open task of the programme
 * assigned to `from` for that unit moves to the successor. Per task, one transaction changes its assignees,
 * revokes the leaver's links (their pages then say who has the task) and writes the audit event; the first
 * also stores the plan's next version. The successor is then mailed a link per task (once per task, however
 * often this runs). Run again after a failure, it skips the plan (already amended) and moves what is left.
 */
export async function replaceContact(
  deps: ActionDeps,
  admin: Admin,
  programmeId: string,
  input: ReplaceContactInput,
): Promise<{ version: number; moved: string[] }> {
  const { plan: current, version: head } = await loadPlanVersion(deps.store, programmeId);
  const plan = structuredClone(current) as Plan;
  const party = partyOf(plan, input.unit);
  const leaving = party.contacts.findIndex((c) => same(c.email, input.from));
  const successorIn = party.contacts.find((c) => same(c.email, input.email));
  if (same(input.from, input.email)) refuse('email', 'the successor is the contact who leaves');
  let successor: Contact;
  let version: PlanVersion | undefined;
  const at = deps.now().toISOString();
  if (leaving >= 0) {
    if (successorIn) refuse('email', 'already a contact of this unit');
    const gone = party.contacts[leaving] as Contact;
    // The successor takes the post: the same role, a new person (no phone of the one who left).
    successor = { name: input.name, email: input.email, ...(gone.role ? { role: gone.role } : {}) };
    party.contacts[leaving] = successor;
    checked(plan, 'email');
    version = versionOf(programmeId, head + 1, admin, at, input.reason, {
      kind: 'contact-replaced',
      unitId: party.id,
      from: { name: gone.name, email: gone.email },
      to: { name: successor.name, email: successor.email },
      tasks: 0,
    });
  } else if (successorIn) {
    // The plan has the successor already: a run before this one stopped after it. Move what is left.
    successor = successorIn;
  } else {
    refuse('from', 'not a contact of this unit');
  }
  const newcomer: Person = { name: successor.name, email: successor.email, unitId: party.id };
  const tasks = (await listOpenTasks(deps.store)).filter(
    (t) =>
      t.programmeId === programmeId &&
      t.assignees.some((a) => a.unitId === party.id && same(a.email, input.from)),
  );
  if (version)
    version.changes[0] = { ...(version.changes[0] as PlanChange), tasks: tasks.length } as PlanChange;
  const summary = `Contact ${input.from} of ${party.id} replaced by ${successor.email}`;
  const moved: string[] = [];
  for (const task of tasks) {
    const first = version !== undefined && moved.length === 0;
    const extra =
      first && version ? planVersionWrites(deps.store, version, plan, amendedEvent(version, summary)) : [];
    const done = await handOver(deps, admin, task, input, newcomer, at, extra);
    if (done) moved.push(task.taskId);
  }
  if (version && moved.length === 0) await writeVersion(deps, version, plan, summary);
  // Mailed once the tasks are theirs: should a send fail, "resend the link" on the task's page sends it.
  for (const taskId of moved) {
    const task = await getTask(deps.store, taskId);
    if (task?.status !== 'open') continue;
    await mailLinks(deps, plan, task, [newcomer], { scope: 'handover-email' });
  }
  return { version: version?.version ?? head, moved };
}

/** One task's handover transaction. False when the task closed meanwhile (nothing to move). */
async function handOver(
  deps: ActionDeps,
  admin: Admin,
  task: TaskRecord,
  input: ReplaceContactInput,
  newcomer: Person,
  at: string,
  extra: Array<Record<string, unknown>>,
): Promise<boolean> {
  const unit = newcomer.unitId;
  const leaver = task.assignees.find((a) => a.unitId === unit && same(a.email, input.from)) as Person;
  const stays = task.assignees.some((a) => a !== leaver && same(a.email, newcomer.email));
  const assignees = task.assignees.flatMap((a) => (a === leaver ? (stays ? [] : [newcomer]) : [a]));
  // Links are per person, not per unit: a leaver who also holds the task for another unit keeps theirs.
  const stillAssigned = assignees.some((a) => same(a.email, input.from));
  const revoke = stillAssigned
    ? []
    : (await listLinksOfTask(deps.store, task.taskId))
        .filter((l) => l.status === 'active' && same(l.assignee.email, input.from))
        .map((l) => l.linkId);
  if (revoke.length + 2 + extra.length > MAX_TRANSACTION_ITEMS) {
    throw new ConflictError(
      `task ${task.taskId} has ${revoke.length} active links: more than one transaction holds`,
    );
  }
  const event = auditItem({
    programmeId: task.programmeId,
    pilotId: task.pilotId,
    at,
    actor: actorOf(admin),
    action: 'task.handed-over',
    taskId: task.taskId,
    executionArn: task.executionArn,
    summary: `"${task.title}" handed over from ${leaver.email} to ${newcomer.email}: contact replaced`,
    details: { reason: input.reason, from: leaver, to: newcomer, revokedLinks: revoke.length },
  });
  const result = await retryConflicts(() =>
    reassignAssignees(deps.store, {
      taskId: task.taskId,
      from: task.assignees,
      to: assignees,
      revoke,
      at,
      reason: `contact replaced by ${newcomer.email}: ${input.reason}`,
      event,
      handedTo: { name: newcomer.name, email: newcomer.email },
      extra,
    }),
  );
  if (result === 'reassigned') return true;
  if (result === 'extra-changed') throw amendedMeanwhile();
  const now = await getTask(deps.store, task.taskId);
  if (now && now.status !== 'open') return false;
  throw new ConflictError(
    'a task or link of this contact changed meanwhile: nothing more was moved; run the replacement again',
  );
}

/** Adds a contact to a unit or pilot: the unit's next tasks go to them too (open tasks keep their assignees). */
export async function addContact(
  deps: ActionDeps,
  admin: Admin,
  programmeId: string,
  input: AddContactInput,
): Promise<{ version: number }> {
  const { plan: current, version: head } = await loadPlanVersion(deps.store, programmeId);
  const plan = structuredClone(current) as Plan;
  const party = partyOf(plan, input.unit);
  if (party.contacts.some((c) => same(c.email, input.email)))
    refuse('email', 'already a contact of this unit');
  party.contacts.push({ name: input.name, email: input.email });
  checked(plan, 'email');
  const version = versionOf(programmeId, head + 1, admin, deps.now().toISOString(), input.reason, {
    kind: 'contact-added',
    unitId: party.id,
    to: { name: input.name, email: input.email },
  });
  await writeVersion(deps, version, plan, `Contact ${input.email} added to ${party.id}`);
  return { version: version.version };
}

/**
 * Moves a stage's window in the plan. What reads the plan follows (the dashboard's timeline, the supervision
 * checks' dates computed from now on); executions carry the window starts they were started with.
 */
export async function moveWindow(
  deps: ActionDeps,
  admin: Admin,
  programmeId: string,
  input: MoveWindowInput,
): Promise<{ version: number }> {
  if (input.end < input.start) refuse('end', 'the window ends before it starts');
  const { plan: current, version: head } = await loadPlanVersion(deps.store, programmeId);
  const plan = structuredClone(current) as Plan;
  const stage = plan.stages[input.stage];
  const from = { start: stage.start, end: stage.end };
  stage.start = input.start;
  stage.end = input.end;
  checked(plan, 'end');
  const version = versionOf(programmeId, head + 1, admin, deps.now().toISOString(), input.reason, {
    kind: 'window-moved',
    stage: input.stage,
    from,
    to: { start: input.start, end: input.end },
  });
  await writeVersion(
    deps,
    version,
    plan,
    `Window of ${input.stage} moved from ${from.start}–${from.end} to ${input.start}–${input.end}`,
  );
  return { version: version.version };
}

/**
 * Moves an open task's due date to the end of the working day `due` (the next working day's when it is a day
 * off). Reminders and escalations follow (they are timed from the due date); the links keep their expiry, and
 * a reminder after it carries a fresh link. One transaction: the task (and its place in the open-tasks index),
 * its active links' place in their assignees' index, and the audit event.
 */
export async function moveDueDate(
  deps: ActionDeps,
  admin: Admin,
  taskId: string,
  input: MoveDueInput,
): Promise<{ dueAt: string }> {
  const task = await getTask(deps.store, taskId);
  if (!task) throw new NotFoundError(`task ${taskId} does not exist`);
  if (task.status !== 'open') throw new ConflictError(`task ${taskId} is ${task.status}: nothing to do`);
  const { plan } = await loadPlanVersion(deps.store, task.programmeId);
  const now = deps.now();
  const dueAt = deadlineOfDate(plan, input.due);
  if (dueAt.getTime() <= now.getTime()) refuse('due', 'the due date is in the past');
  const due = dueAt.toISOString();
  if (due === task.dueAt) refuse('due', 'the task is due then already');
  const at = now.toISOString();
  const links = (await listLinksOfTask(deps.store, taskId)).filter((l) => l.status === 'active');
  const event = auditItem({
    programmeId: task.programmeId,
    pilotId: task.pilotId,
    at,
    actor: actorOf(admin),
    action: 'task.due-moved',
    taskId,
    executionArn: task.executionArn,
    summary: `Due date of "${task.title}" moved from ${task.dueAt} to ${due}`,
    details: { reason: input.reason, from: task.dueAt, to: due },
  });
  const moved = await retryConflicts(() =>
    moveTaskDue(deps.store, { taskId, from: task.dueAt, to: due, links, event }),
  );
  if (!moved) {
    throw new ConflictError(
      'the task was decided or changed meanwhile: its due date was not moved; reload the page',
    );
  }
  return { dueAt: due };
}
