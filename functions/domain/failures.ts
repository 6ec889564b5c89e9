// When a workflow cannot go on: a human task that waited past its limit (stalled), or a step that failed after
// its retries. The open tasks of the execution are closed (their links stop working, escalation stops), the
// stage is marked on the pilot, the lead unit is told by e-mail, and the audit trail says what happened.
import * as z from 'zod';
import { sourceTags } from '#domain/mail.ts';
import { ConflictError } from '#lib/errors.ts';
import { STAGES, type StageName } from '#plan/kinds.ts';
import { leadUnit } from '#plan/lookup.ts';
import { recordStage } from '#store/pilots.ts';
import { setProgrammeStatus } from '#store/programmes.ts';
import { closeTask, getTask, listTasksOfPilot } from '#store/tasks.ts';
import { auditOnce, type Deps, loadPlan, sendOnce } from './deps.ts';

const common = {
  programmeId: z.string().min(1).max(64),
  pilotId: z.string().min(1).max(64),
  stage: z.enum([...STAGES, 'pilot', 'programme']),
  executionArn: z.string().min(1).max(2048),
};

export const CloseTaskInputSchema = z.strictObject({
  ...common,
  taskId: z.uuid(),
  /** The human task's state name, e.g. "Review the implementation plan". */
  step: z.string().min(1).max(80),
});
export type CloseTaskInput = z.infer<typeof CloseTaskInputSchema>;

export const NotifyFailureInputSchema = z.strictObject({
  ...common,
  step: z.string().max(80).optional(),
  /** The Catch's error output: `{ Error, Cause }`. */
  error: z.looseObject({ Error: z.string().max(1000).optional(), Cause: z.string().max(32_768).optional() }),
});
export type NotifyFailureInput = z.infer<typeof NotifyFailureInputSchema>;

/** Cancels the open tasks an execution left behind (a countersign's other members, a stopped stage). */
async function cancelOpenTasks(
  deps: Deps,
  programmeId: string,
  pilotId: string,
  executionArn: string,
  at: string,
) {
  const tasks = await listTasksOfPilot(deps.store, programmeId, pilotId);
  const open = tasks.filter((t) => t.status === 'open' && t.executionArn === executionArn);
  for (const task of open) {
    if (await closeTask(deps.store, task.taskId, 'cancelled', at)) {
      await auditOnce(deps, task.taskId, {
        programmeId,
        pilotId,
        at,
        actor: 'system',
        action: 'task.cancelled',
        taskId: task.taskId,
        executionArn,
        summary: `${task.step} cancelled: the workflow stopped`,
      });
    }
  }
  return open.length;
}

async function markStage(
  deps: Deps,
  input: { programmeId: string; pilotId: string; stage: string; executionArn: string },
  status: 'stalled' | 'failed',
  step: string | undefined,
  at: string,
) {
  if (!(STAGES as readonly string[]).includes(input.stage) || input.pilotId === '-') return;
  try {
    await recordStage(deps.store, input.programmeId, input.pilotId, input.stage as StageName, {
      status,
      executionArn: input.executionArn,
      ...(step ? { step } : {}),
      updatedAt: at,
    });
  } catch (error) {
    // A pilot the programme does not have (the very failure being reported): the lead unit is still told.
    if (!(error instanceof ConflictError)) throw error;
  }
}

/** A human task timed out: mark it, stop the rest of the execution's tasks, tell the lead unit. */
export async function closeStalledTask(deps: Deps, input: CloseTaskInput): Promise<{ closed: boolean }> {
  const plan = await loadPlan(deps.store, input.programmeId);
  const at = deps.now().toISOString();
  const task = await getTask(deps.store, input.taskId);
  const closed = task ? await closeTask(deps.store, input.taskId, 'timed-out', at) : false;
  // Decided or cancelled meanwhile (a countersign member whose sibling stalled first): nothing to report.
  const status = closed ? 'timed-out' : (await getTask(deps.store, input.taskId))?.status;
  if (status !== 'timed-out') return { closed: false };
  await auditOnce(deps, input.taskId, {
    programmeId: input.programmeId,
    pilotId: input.pilotId,
    at,
    actor: 'system',
    action: 'task.timed-out',
    taskId: input.taskId,
    executionArn: input.executionArn,
    summary: `${input.step} waited past the workflow's limit; the stage stopped`,
  });
  await cancelOpenTasks(deps, input.programmeId, input.pilotId, input.executionArn, at);
  await markStage(deps, input, 'stalled', input.step, at);
  const lead = leadUnit(plan);
  await sendOnce(deps, 'stalled-notice', input.taskId, {
    to: lead.contacts.map((c) => c.email),
    ...deps.texts.stalledNotice(plan, {
      ...(input.pilotId === '-' ? {} : { pilotId: input.pilotId }),
      step: input.step,
      ...(task ? { taskTitle: task.title, dueAt: task.dueAt } : {}),
      assignees: task?.assignees.map((a) => `${a.name} <${a.email}>`) ?? [],
      executionArn: input.executionArn,
    }),
    tags: { kind: 'stalled', ...sourceTags(input) },
  });
  return { closed };
}

/** A step failed after its retries: stop the execution's open tasks and tell the lead unit. */
export async function notifyFailure(
  deps: Deps,
  input: NotifyFailureInput,
): Promise<{ cancelledTasks: number }> {
  const plan = await loadPlan(deps.store, input.programmeId);
  const at = deps.now().toISOString();
  const error = input.error.Error ?? 'States.Runtime';
  const cancelled =
    input.pilotId === '-'
      ? 0
      : await cancelOpenTasks(deps, input.programmeId, input.pilotId, input.executionArn, at);
  await markStage(deps, input, 'failed', input.step, at);
  if (input.stage === 'programme') {
    try {
      await setProgrammeStatus(deps.store, input.programmeId, ['launched', 'running'], 'failed', at);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  await auditOnce(deps, input.executionArn, {
    programmeId: input.programmeId,
    pilotId: input.pilotId,
    at,
    actor: 'system',
    action: 'workflow.failed',
    executionArn: input.executionArn,
    summary: `${input.step ?? 'A step'} failed: ${error}`,
    details: { error, cause: input.error.Cause?.slice(0, 2000) },
  });
  const lead = leadUnit(plan);
  await sendOnce(deps, 'failure-notice', input.executionArn, {
    to: lead.contacts.map((c) => c.email),
    ...deps.texts.failureNotice(plan, {
      ...(input.pilotId === '-' ? {} : { pilotId: input.pilotId }),
      stage: input.stage,
      ...(input.step ? { step: input.step } : {}),
      error,
      ...(input.error.Cause ? { cause: input.error.Cause } : {}),
      executionArn: input.executionArn,
    }),
    tags: { kind: 'failure', ...sourceTags(input) },
  });
  return { cancelledTasks: cancelled };
}
