// Opening a human task (the Lambda behind every `.waitForTaskToken` step): store the task with its assignees,
// due date, form and token; issue one signed link per assignee; e-mail each assignee their own link; audit.
// Idempotent: Step Functions may run it again with a fresh token (Retry), and the task id from the state
// machine's Pass state keeps it one task, with one link and one e-mail per assignee. A task opened with
// parallel others of its kind for the same person (functions/domain/batch.ts) is announced by one e-mail for
// all of them, sent by whichever opens first; its link is still issued, for the batch page to decide through.
import * as z from 'zod';
import { issueLinks } from '#domain/links.ts';
import { batchRequestEmail, taskRequestEmail } from '#domain/mail.ts';
import { deadlineOfDate } from '#plan/calendar.ts';
import { STAGES, TASK_KINDS, type TaskKind } from '#plan/kinds.ts';
import { linkExpiresAt, taskDueAt } from '#plan/schedule.ts';
import { listPilotStandings } from '#store/pilots.ts';
import { createTask } from '#store/tasks.ts';
import { peopleOf, resolveParties } from './assignees.ts';
import { type Batch, batchLink, batchOf, narrowBatch, onTrackFor } from './batch.ts';
import { auditOnce, type Deps, loadPlan, sendOnce } from './deps.ts';
import { StoredFilesSchema } from './evidence.ts';
import { formFor } from './task-forms.ts';

export const TaskContextSchema = z.strictObject({
  previousComment: z.string().max(8000).optional(),
  problems: z.string().max(8000).optional(),
  submittedSummary: z.string().max(20_000).optional(),
  submittedDocument: z.string().max(2000).optional(),
  /** The files of the submission to review (functions/domain/evidence.ts). */
  submittedFiles: StoredFilesSchema.optional(),
  score: z.number().nullable().optional(),
  memberUnit: z.string().max(100).optional(),
  /** A deadline set by a person (the inspector's "rectify by" date, YYYY-MM-DD), instead of the plan's duration. */
  dueBy: z.iso.date().optional(),
});

export const OpenTaskInputSchema = z.strictObject({
  taskToken: z.string().min(1).max(4096),
  taskId: z.uuid(),
  programmeId: z.string().min(1).max(64),
  /** The pilot, or `-` for a task of the programme as a whole (the summary report). */
  pilotId: z.string().min(1).max(64),
  stage: z.enum(STAGES),
  kind: z.enum(TASK_KINDS),
  step: z.string().min(1).max(80),
  executionArn: z.string().min(1).max(2048),
  round: z.number().int().min(1).max(1000),
  /** A role (pilot, stageLead, inspector, town, workingGroup, programmeLead) or a unit id. */
  assignee: z.string().min(1).max(64),
  context: TaskContextSchema.optional(),
});
export type OpenTaskInput = z.infer<typeof OpenTaskInputSchema>;

export interface OpenTaskDeps extends Deps {
  linkSigningKey: () => Promise<string>;
  apiBaseUrl: string;
}

export interface OpenTaskResult {
  taskId: string;
  created: boolean;
  dueAt: string;
  emailsSent: number;
}

/**
 * When a task is due: the plan's duration for its kind, or a person's deadline when one was set and is later
 * (the end of that working day, or of the next one when the date is a day off).
 */
function dueAtOf(
  plan: Parameters<typeof taskDueAt>[0],
  kind: TaskKind,
  openedAt: Date,
  dueBy?: string,
): Date {
  const byPlan = taskDueAt(plan, kind, openedAt);
  if (!dueBy) return byPlan;
  const byPerson = deadlineOfDate(plan, dueBy);
  return byPerson.getTime() > openedAt.getTime() ? byPerson : byPlan;
}

export async function openTask(deps: OpenTaskDeps, input: OpenTaskInput): Promise<OpenTaskResult> {
  const plan = await loadPlan(deps.store, input.programmeId);
  const parties = resolveParties(plan, input.assignee, input.pilotId, input.stage);
  const assignees = peopleOf(parties);
  const now = deps.now();
  const dueAt = dueAtOf(plan, input.kind, now, input.context?.dueBy);
  const { task, created } = await createTask(deps.store, {
    taskId: input.taskId,
    programmeId: input.programmeId,
    pilotId: input.pilotId,
    stage: input.stage,
    kind: input.kind,
    step: input.step,
    title: deps.texts.taskTitle(plan, input.kind, input.pilotId, input.round),
    round: input.round,
    assignees,
    dueAt: dueAt.toISOString(),
    createdAt: now.toISOString(),
    executionArn: input.executionArn,
    taskToken: input.taskToken,
    form: formFor(plan, input.kind),
    ...(input.context ? { context: input.context } : {}),
  });
  // A retry that finds the task answered or closed has nothing left to ask of anyone: its first attempt
  // e-mailed a link and died, and an official used it meanwhile (createTask handed the decision to this
  // attempt's token). Issuing links now would send "please act by …" mail, with a fresh link, about a task
  // already done: a crash test found exactly that (docs/reliability.md).
  if (task.status !== 'open') return { taskId: task.taskId, created, dueAt: task.dueAt, emailsSent: 0 };
  // A retry keeps the first attempt's due date, assignees and links.
  const expiresAt = linkExpiresAt(plan, new Date(task.dueAt)).toISOString();
  const links = await issueLinks(deps.store, await deps.linkSigningKey(), {
    task,
    assignees: task.assignees,
    expiresAt,
    now: now.toISOString(),
    apiBaseUrl: deps.apiBaseUrl,
    fresh: created,
  });
  await auditOnce(deps, task.taskId, {
    programmeId: task.programmeId,
    pilotId: task.pilotId,
    at: task.createdAt,
    actor: 'system',
    action: 'task.opened',
    taskId: task.taskId,
    executionArn: task.executionArn,
    summary: `${task.step} (round ${task.round}) opened for ${task.assignees.map((a) => a.email).join(', ')}`,
    details: {
      kind: task.kind,
      step: task.step,
      round: task.round,
      dueAt: task.dueAt,
      assignees: task.assignees,
    },
  });
  // Every assignee's e-mail is tried before a failure is reported: one that cannot go now (another run holds
  // its lease, SES throttles) must not hold back the others' notices until Step Functions' retry. A crash test
  // found a co-assignee never mailed: a run killed right after the first assignee's send left that e-mail's
  // lease to run out, every retry stopped at it, and meanwhile the first assignee decided (docs/reliability.md).
  let emailsSent = 0;
  const failures: unknown[] = [];
  // Which pilots have reached the stage narrows a batch's e-mail, so it is read only to make one: under the
  // batch e-mail's lease, by the first task of the batch to open, once per invocation. Every task of a batch
  // reading every pilot of the programme was N² item reads (docs/benchmarks.md, "Every pilot read whole").
  let onTrackRead: Promise<Set<string> | undefined> | undefined;
  const onTrack = () =>
    (onTrackRead ??= onTrackFor(input.stage, () => listPilotStandings(deps.store, task.programmeId)));
  for (const link of links) {
    // The batch by the plan alone, before the pilots on track narrow it: none means none, and its e-mail's key
    // and ticket are the narrowed batch's.
    const candidate = batchOf(plan, task, { assignee: input.assignee, person: link.assignee, expiresAt });
    let batch: Batch | undefined;
    let alone = !candidate;
    let subject: string | undefined;
    const auditKey = `${task.taskId}#${link.assignee.email.toLowerCase()}`;
    const audit = (sent: boolean) => (at: string) => ({
      programmeId: task.programmeId,
      pilotId: task.pilotId,
      at,
      actor: 'system',
      action: sent ? 'email.sent' : 'email.batched',
      taskId: task.taskId,
      executionArn: task.executionArn,
      summary: sent
        ? `Task e-mail sent to ${link.assignee.email}${batch ? ` (for ${batch.pilots.length} pilots)` : ''}`
        : `Covered by the batch e-mail already sent to ${link.assignee.email}`,
      details: {
        to: link.assignee.email,
        ...(subject ? { subject } : {}),
        ...(candidate && !alone ? { batch: candidate.mailKey } : {}),
      },
    });
    let sent = false;
    try {
      // A batch's e-mail goes once per person, whichever of its tasks opens first (its lease decides); one
      // whose pilots on track are too few for a batch gives the lease back and the task is e-mailed alone. The
      // `email.sent` event is written with the mark that the e-mail went.
      if (candidate) {
        sent = await sendOnce(
          deps,
          'batch-email',
          candidate.mailKey,
          async () => {
            batch = narrowBatch(candidate, task.pilotId, await onTrack());
            if (!batch) {
              alone = true;
              return undefined;
            }
            const email = batchRequestEmail(deps.texts, plan, task, {
              assignee: link.assignee,
              pilotIds: batch.pilots.map((p) => p.id),
              url: batchLink(await deps.linkSigningKey(), deps.apiBaseUrl, batch.ticket),
              linkExpiresAt: expiresAt,
            });
            subject = email.subject;
            return email;
          },
          { key: auditKey, event: audit(true) },
        );
      }
      if (alone) {
        const email = taskRequestEmail(deps.texts, plan, task, link, expiresAt);
        subject = email.subject;
        sent = await sendOnce(deps, 'task-email', auditKey, email, { key: auditKey, event: audit(true) });
      }
    } catch (error) {
      failures.push(error);
      continue;
    }
    if (sent) emailsSent++;
    else if (!alone) await auditOnce(deps, auditKey, audit(false)(deps.now().toISOString()));
  }
  if (failures.length > 0) throw failures[0];
  return { taskId: task.taskId, created, dueAt: task.dueAt, emailsSent };
}
