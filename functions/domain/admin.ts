// What an administrator may do from the dashboard, each audited with who and why: resend a task's link,
// reassign a task to another contact of its unit (转办: the old link stops working at once, the new assignee
// gets a link of their own), stop an execution. Each checks the state it acts on with a conditional write or
// a fresh read, so a double submit or a task decided meanwhile changes nothing.
import * as z from 'zod';
import { issueLinks } from '#domain/links.ts';
import { loadPlan } from '#domain/plans.ts';
import { type ProgressDeps, recordProgress } from '#domain/progress.ts';
import { ConflictError, NotFoundError, ValidationError } from '#lib/errors.ts';
import { STAGES, type StageName } from '#plan/kinds.ts';
import { findParty } from '#plan/lookup.ts';
import { linkExpiresAt } from '#plan/schedule.ts';
import type { Plan } from '#plan/schema.ts';
import { appendAudit, auditItem } from '#store/audit.ts';
import { type HandedTo, listLinksOfTask, revokeLink } from '#store/links.ts';
import { getPilot, recordStage } from '#store/pilots.ts';
import { retryConflicts } from '#store/store.ts';
import {
  closeTask,
  getTask,
  listTasksOfPilot,
  MAX_TRANSACTION_ITEMS,
  type Person,
  reassignAssignees,
  type TaskRecord,
} from '#store/tasks.ts';
import { sendOnce } from './deps.ts';
import { type DashboardDeps, machineOf } from './executions.ts';
import { type Email, type Texts, taskRequestEmail } from './mail.ts';

/** The administrator acting, from the JWT's claims. */
export interface Admin {
  /** The token's subject. */
  sub: string;
  email?: string;
  name?: string;
}

export interface ActionDeps extends DashboardDeps {
  sendEmail: (email: Email) => Promise<string>;
  /** The task e-mail's words (functions/presentation/email/texts.ts). */
  texts: Texts;
  linkSigningKey: () => Promise<string>;
  /** The base URL of the approval links. */
  apiBaseUrl: string;
  /** SendTaskSuccess, for the Programme execution that waits for its last pilot (a stopped pilot can be it). */
  sendTaskSuccess: ProgressDeps['sendTaskSuccess'];
}

const reason = z
  .string()
  .trim()
  .min(2, 'say why (at least 2 characters)')
  .max(1000, 'at most 1,000 characters');

export const ResendInputSchema = z.strictObject({ reason });
export const ReassignInputSchema = z.strictObject({
  reason,
  /** The contact who takes the task over: one of its unit's contacts in the plan. */
  to: z.email().max(254),
});
export const StopInputSchema = z.strictObject({ reason });

export type ResendInput = z.infer<typeof ResendInputSchema>;
export type ReassignInput = z.infer<typeof ReassignInputSchema>;
export type StopInput = z.infer<typeof StopInputSchema>;

export const actorOf = (admin: Admin) => `admin:${admin.email ?? admin.sub}`;
/** The administrator as an audit event's details record them. */
export const adminDetails = (admin: Admin) => ({
  sub: admin.sub,
  ...(admin.email ? { email: admin.email } : {}),
  ...(admin.name ? { name: admin.name } : {}),
});
const by = adminDetails;

async function openTaskOf(deps: ActionDeps, taskId: string): Promise<TaskRecord> {
  const task = await getTask(deps.store, taskId);
  if (!task) throw new NotFoundError(`task ${taskId} does not exist`);
  if (task.status !== 'open') throw new ConflictError(`task ${taskId} is ${task.status}: nothing to do`);
  return task;
}

/**
 * Sends each assignee their link again, issuing a fresh one where theirs expired. With `once`, each
 * assignee's e-mail of the task goes at most once under that scope (sendOnce), however often this runs.
 */
export async function mailLinks(
  deps: ActionDeps,
  plan: Plan,
  task: TaskRecord,
  assignees: Person[],
  once?: { scope: string },
): Promise<string[]> {
  const now = deps.now();
  const key = await deps.linkSigningKey();
  // A link lives until the due date plus the plan's grace; for a task already past due, from now on.
  const base = new Date(Math.max(Date.parse(task.dueAt), now.getTime()));
  const expiresAt = linkExpiresAt(plan, base).toISOString();
  const existing = await listLinksOfTask(deps.store, task.taskId);
  for (const link of existing) {
    const mine = assignees.some((a) => a.email.toLowerCase() === link.assignee.email.toLowerCase());
    if (mine && link.status === 'active' && Date.parse(link.expiresAt) <= now.getTime()) {
      await revokeLink(deps.store, link.linkId, now.toISOString(), 'expired; a new link was sent');
    }
  }
  const links = await issueLinks(deps.store, key, {
    task,
    assignees,
    expiresAt,
    now: now.toISOString(),
    apiBaseUrl: deps.apiBaseUrl,
  });
  const sent: string[] = [];
  for (const link of links) {
    const current = (await listLinksOfTask(deps.store, task.taskId)).find((l) => l.linkId === link.linkId);
    const email = taskRequestEmail(deps.texts, plan, task, link, current?.expiresAt ?? expiresAt);
    if (!once) await deps.sendEmail(email);
    else if (
      !(await sendOnce(deps, once.scope, `${task.taskId}#${link.assignee.email.toLowerCase()}`, email))
    ) {
      continue;
    }
    sent.push(link.assignee.email);
  }
  return sent;
}

export async function resendLink(
  deps: ActionDeps,
  admin: Admin,
  taskId: string,
  input: ResendInput,
): Promise<{ sentTo: string[] }> {
  const task = await openTaskOf(deps, taskId);
  const plan = await loadPlan(deps.store, task.programmeId);
  const sentTo = await mailLinks(deps, plan, task, task.assignees);
  await appendAudit(deps.store, {
    programmeId: task.programmeId,
    pilotId: task.pilotId,
    at: deps.now().toISOString(),
    actor: actorOf(admin),
    action: 'task.link-resent',
    taskId,
    executionArn: task.executionArn,
    summary: `Link of "${task.title}" sent again to ${sentTo.join(', ')}`,
    details: { reason: input.reason, sentTo, by: by(admin) },
  });
  return { sentTo };
}

/**
 * 转办: the task goes to `to`, a contact of the unit of its current assignees; the assignees of that unit
 * are replaced by `to` alone (assignees of other units stay), and `to` is e-mailed a link of their own. The
 * new assignees, the revocation of every active link of the unit's assignees and the audit event are one
 * transaction (reassignAssignees): an official deciding through an old link at the same moment either
 * decides first, and the reassignment is refused (409), or finds the link revoked (410).
 */
export async function reassignTask(
  deps: ActionDeps,
  admin: Admin,
  taskId: string,
  input: ReassignInput,
): Promise<{ assignee: Person; revoked: number }> {
  const task = await openTaskOf(deps, taskId);
  const plan = await loadPlan(deps.store, task.programmeId);
  const to = input.to.toLowerCase();
  let newcomer: Person | undefined;
  let handedTo: HandedTo | undefined;
  for (const unitId of new Set(task.assignees.flatMap((a) => (a.unitId ? [a.unitId] : [])))) {
    const contact = findParty(plan, unitId)?.contacts.find((c) => c.email.toLowerCase() === to);
    if (contact) {
      newcomer = { name: contact.name, email: contact.email, unitId };
      handedTo = {
        name: contact.name,
        email: contact.email,
        ...(contact.nameEn ? { nameEn: contact.nameEn } : {}),
      };
      break;
    }
  }
  if (!newcomer) {
    throw new ValidationError(`${input.to} is not a contact of the unit this task is assigned to`, [
      { path: 'to', message: 'not a contact of the unit this task is assigned to' },
    ]);
  }
  const unit = newcomer.unitId;
  const kept = task.assignees.filter((a) => a.unitId !== unit);
  const replaced = task.assignees.filter((a) => a.unitId === unit && a.email.toLowerCase() !== to);
  if (replaced.length === 0 && task.assignees.some((a) => a.email.toLowerCase() === to)) {
    throw new ConflictError(`the task is assigned to ${input.to} alone already`);
  }
  // Every link of the unit's assignees goes, the newcomer's own included: after a reassignment exactly one
  // link works for the unit, and it is the one just sent.
  const at = deps.now().toISOString();
  const leaving = new Set([...replaced.map((a) => a.email.toLowerCase()), to]);
  const revoke = (await listLinksOfTask(deps.store, taskId))
    .filter((l) => l.status === 'active' && leaving.has(l.assignee.email.toLowerCase()))
    .map((l) => l.linkId);
  // The task's update and the audit event take two of the transaction's items.
  if (revoke.length > MAX_TRANSACTION_ITEMS - 2) {
    throw new ConflictError(
      `the task has ${revoke.length} active links to retire, more than one transaction holds (${MAX_TRANSACTION_ITEMS - 2}): nothing was reassigned`,
    );
  }
  const assignees = [...kept, newcomer];
  const event = auditItem({
    programmeId: task.programmeId,
    pilotId: task.pilotId,
    at,
    actor: actorOf(admin),
    action: 'task.reassigned',
    taskId,
    executionArn: task.executionArn,
    summary: `"${task.title}" reassigned from ${replaced.map((a) => a.email).join(', ') || newcomer.email} to ${newcomer.email}`,
    details: {
      reason: input.reason,
      from: replaced,
      to: newcomer,
      revokedLinks: revoke.length,
      by: by(admin),
    },
  });
  const change = {
    taskId,
    from: task.assignees,
    to: assignees,
    revoke,
    at,
    reason: `reassigned to ${newcomer.email}: ${input.reason}`,
    event,
    ...(handedTo ? { handedTo } : {}),
  };
  const result = await retryConflicts(() => reassignAssignees(deps.store, change));
  if (result === 'task-changed') {
    const now = await getTask(deps.store, taskId);
    throw new ConflictError(
      now && now.status !== 'open'
        ? `the task was ${now.status} meanwhile: nothing was reassigned`
        : 'the task was reassigned by someone else meanwhile: nothing was reassigned; reload the page',
    );
  }
  if (result === 'link-changed') {
    throw new ConflictError(
      'a link of the task was used or retired meanwhile: nothing was reassigned; reload the page',
    );
  }
  // Reassigned and audited: should the e-mail fail, "resend the link" sends it.
  await mailLinks(deps, plan, { ...task, assignees }, [newcomer]);
  return { assignee: newcomer, revoked: revoke.length };
}

/** Closes the open tasks an execution left behind, so their links stop working and nobody is chased. */
async function cancelTasksOf(
  deps: ActionDeps,
  programmeId: string,
  pilotId: string,
  executionArn: string,
  at: string,
  admin: Admin,
) {
  const tasks = await listTasksOfPilot(deps.store, programmeId, pilotId);
  for (const task of tasks.filter((t) => t.status === 'open' && t.executionArn === executionArn)) {
    if (await closeTask(deps.store, task.taskId, 'cancelled', at)) {
      await appendAudit(deps.store, {
        programmeId,
        pilotId,
        at,
        actor: actorOf(admin),
        action: 'task.cancelled',
        taskId: task.taskId,
        executionArn,
        summary: `${task.step} cancelled: its execution was stopped`,
      });
    }
  }
}

export const STOPPED_BY_ADMIN = 'PilotFlow.StoppedByAdministrator';

/**
 * Stops a running execution with the reason as its cause. A stage's execution: its open tasks are cancelled
 * and the stage is marked failed (the Pilot execution then records the pilot as stopped). A pilot's
 * execution: the running stage's execution is stopped too, and the pilot is recorded as stopped (which lets
 * the Programme go on once every other pilot is done).
 */
export async function stopExecution(
  deps: ActionDeps,
  admin: Admin,
  executionArn: string,
  input: StopInput,
): Promise<{ stopped: string[] }> {
  const described = await deps.sfn.describeExecution(executionArn);
  if (!described) throw new NotFoundError(`execution ${executionArn} does not exist`);
  if (described.status !== 'RUNNING')
    throw new ConflictError(`the execution is ${described.status}, not running`);
  let parsed: { programmeId?: unknown; pilotId?: unknown } = {};
  try {
    parsed = JSON.parse(described.input ?? '{}');
  } catch {
    // Not one of PilotFlow's inputs: stopped all the same, audited on no pilot.
  }
  const programmeId = typeof parsed.programmeId === 'string' ? parsed.programmeId : '-';
  const pilotId = typeof parsed.pilotId === 'string' ? parsed.pilotId : '-';
  const machine = machineOf(deps, described.stateMachineArn);
  const cause = `Stopped by ${admin.email ?? admin.sub}: ${input.reason}`.slice(0, 32_768);
  const at = deps.now().toISOString();
  const stopped = [executionArn];

  await deps.sfn.stopExecution(executionArn, STOPPED_BY_ADMIN, cause);
  const markStage = async (stage: StageName, arn: string) => {
    await cancelTasksOf(deps, programmeId, pilotId, arn, at, admin);
    await recordStage(deps.store, programmeId, pilotId, stage, {
      status: 'failed',
      executionArn: arn,
      step: 'Stopped by an administrator',
      updatedAt: at,
    }).catch((error: unknown) => {
      if (!(error instanceof ConflictError)) throw error;
    });
  };
  if (machine && (STAGES as readonly string[]).includes(machine) && pilotId !== '-') {
    await markStage(machine as StageName, executionArn);
  } else if (machine === 'pilot' && pilotId !== '-') {
    const pilot = await getPilot(deps.store, programmeId, pilotId);
    for (const stage of STAGES) {
      const progress = pilot?.stages[stage];
      if (progress?.status !== 'running' || !progress.executionArn) continue;
      // Step Functions stops a .sync child with its parent on a best-effort basis; here it is certain.
      // https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync
      const child = await deps.sfn.describeExecution(progress.executionArn);
      if (child?.status === 'RUNNING') {
        await deps.sfn.stopExecution(progress.executionArn, STOPPED_BY_ADMIN, cause);
        stopped.push(progress.executionArn);
      }
      await markStage(stage, progress.executionArn);
    }
    await recordProgress(
      {
        store: deps.store,
        now: deps.now,
        sendEmail: deps.sendEmail,
        texts: deps.texts,
        sendTaskSuccess: deps.sendTaskSuccess,
      },
      { event: 'outcome', programmeId, pilotId, executionArn, outcome: 'stopped', reason: cause },
    );
  }
  await appendAudit(deps.store, {
    programmeId,
    pilotId,
    at,
    actor: actorOf(admin),
    action: 'execution.stopped',
    executionArn,
    summary: `${described.name} stopped by an administrator`,
    details: { reason: input.reason, stopped, by: by(admin) },
  });
  return { stopped };
}
