// A decision, once taken: recorded once (one transaction: task closed, decision stored, link used, audit
// event and callback marker), then delivered to Step Functions (SendTaskSuccess); a delivery that failed for a
// transient reason is retried by `retryPendingCallbacks` (the callback-retry schedule). Used by the approval
// link, and by an administrator's decision.
import type { FormValue, Outcome } from '#domain/forms.ts';
import { appendAudit, auditItem } from '#store/audit.ts';
import {
  abandonCallback,
  dropPendingMarker,
  listPendingCallbacks,
  type PendingCallback,
  pendingCallbackItem,
  settleCallback,
} from '#store/callbacks.ts';
import { retryConflicts, type Store } from '#store/store.ts';
import {
  type DecideResult,
  type Decision,
  decideTask,
  getTask,
  type Person,
  type TaskRecord,
} from '#store/tasks.ts';
import type { RequestClient } from './client.ts';

/** Reports a decision to Step Functions. Throws the SDK's errors unchanged: their names decide what follows. */
export interface TaskCallback {
  sendTaskSuccess(taskToken: string, output: string): Promise<void>;
}

/** What delivering a decision needs (no signing key: it sends what is stored). */
export interface CallbackDeps {
  store: Store;
  callback: TaskCallback;
  now: () => Date;
  /** Called for failures worth an operator's attention (the handler passes the Powertools logger). */
  warn?: ((message: string, details: Record<string, unknown>) => void) | undefined;
}

/** What happened to the decision's callback to Step Functions. */
export type Delivery = 'delivered' | 'pending' | 'workflow-gone';

/** Errors of SendTaskSuccess after which Step Functions will never take this decision. */
const CALLBACK_GONE = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist', 'InvalidOutput']);

/** The output of the human task's `.waitForTaskToken` state: what the workflow's Choice reads. */
export interface DecisionOutput {
  taskId: string;
  round: number;
  outcome: Outcome;
  comment: string;
  form: Record<string, FormValue>;
  decidedBy: Person;
  decidedAt: string;
  linkId?: string;
}

export function decisionOutput(task: TaskRecord, decision: Decision): DecisionOutput {
  return {
    taskId: task.taskId,
    round: task.round,
    outcome: decision.outcome,
    comment: decision.comment,
    form: decision.form as Record<string, FormValue>,
    decidedBy: decision.decidedBy,
    decidedAt: decision.decidedAt,
    ...(decision.linkId ? { linkId: decision.linkId } : {}),
  };
}

/**
 * Records a decision once (task closed, decision stored, link used, audit event and callback marker, in one
 * transaction). Concurrent attempts on the same task can cancel each other (TransactionConflict) without
 * either winning; they try again after a short random pause until one wins and the rest see it closed.
 * Usable for an administrator's decision too (no `linkId`, no `client`).
 */
export async function recordDecision(
  deps: Pick<CallbackDeps, 'store'>,
  task: TaskRecord,
  decision: Decision,
  actor: string,
  client?: RequestClient,
): Promise<DecideResult> {
  const event = auditItem({
    programmeId: task.programmeId,
    pilotId: task.pilotId,
    at: decision.decidedAt,
    actor,
    action: 'decision.recorded',
    taskId: task.taskId,
    executionArn: task.executionArn,
    summary: `${decision.decidedBy.name} decided "${decision.outcome}" on ${task.title} (round ${task.round})`,
    details: {
      outcome: decision.outcome,
      comment: decision.comment,
      form: decision.form,
      decidedBy: decision.decidedBy,
      ...(decision.linkId ? { linkId: decision.linkId } : {}),
      ...(client ? { client } : {}),
    },
  });
  const marker = pendingCallbackItem(task.taskId, decision.decidedAt);
  return retryConflicts(() => decideTask(deps.store, task.taskId, decision, [event, marker], task));
}

// ---- The callback ---------------------------------------------------------------------------------------

/**
 * Sends a decided task's decision to Step Functions. Delivered: the task's `callbackPending` and its marker
 * go. The execution moved on (TaskTimedOut, InvalidToken, TaskDoesNotExist): the decision stays recorded,
 * the task notes why, an audit event says so, and nothing retries it. Any other failure (throttling, a
 * network error, a Step Functions outage) leaves the marker for `retryPendingCallbacks`.
 */
export async function deliverDecision(deps: CallbackDeps, task: TaskRecord): Promise<Delivery> {
  const decision = task.decision;
  if (!decision) throw new Error(`task ${task.taskId} has no decision to deliver`);
  const pending: PendingCallback = { taskId: task.taskId, decidedAt: decision.decidedAt };
  try {
    await deps.callback.sendTaskSuccess(task.taskToken, JSON.stringify(decisionOutput(task, decision)));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (!CALLBACK_GONE.has(name)) {
      deps.warn?.('SendTaskSuccess failed; the decision stays pending for the retry', {
        error,
        taskId: task.taskId,
      });
      return 'pending';
    }
    // A retried open-task may have moved the decision to its new token meanwhile (functions/store/tasks.ts
    // redirectDecision): then the old token's refusal says nothing about the new one.
    const fresh = await getTask(deps.store, task.taskId);
    if (fresh?.decision && fresh.taskToken !== task.taskToken) return deliverDecision(deps, fresh);
    const at = deps.now().toISOString();
    await abandonCallback(deps.store, pending, name, at);
    await appendAudit(deps.store, {
      eventId: `callback-failed-${task.taskId}`,
      programmeId: task.programmeId,
      pilotId: task.pilotId,
      at,
      actor: 'system',
      action: 'callback.failed',
      taskId: task.taskId,
      executionArn: task.executionArn,
      summary: `The decision on ${task.title} was recorded, but the workflow no longer waited for it (${name})`,
      details: { error: name, message: error instanceof Error ? error.message : String(error) },
    });
    return 'workflow-gone';
  }
  await settleCallback(deps.store, pending);
  return 'delivered';
}

/** Markers younger than this may belong to a request still in flight (the function's timeout is 30 s). */
export const RETRY_MIN_AGE_MS = 2 * 60_000;

export interface RetryReport {
  delivered: number;
  workflowGone: number;
  stillPending: number;
  /** Markers whose task no longer waited for a callback (a settle that stopped half-way). */
  cleared: number;
}

/**
 * The retry of undelivered decisions, run by the callback-retry schedule: every decision whose callback has
 * not been confirmed for RETRY_MIN_AGE_MS is sent again, oldest first.
 */
export async function retryPendingCallbacks(deps: CallbackDeps, limit = 100): Promise<RetryReport> {
  const report: RetryReport = { delivered: 0, workflowGone: 0, stillPending: 0, cleared: 0 };
  const before = new Date(deps.now().getTime() - RETRY_MIN_AGE_MS).toISOString();
  for (const pending of await listPendingCallbacks(deps.store, before, limit)) {
    const task = await getTask(deps.store, pending.taskId);
    if (!task?.callbackPending || !task.decision) {
      await dropPendingMarker(deps.store, pending);
      report.cleared += 1;
      continue;
    }
    const delivery = await deliverDecision(deps, task);
    if (delivery === 'delivered') report.delivered += 1;
    else if (delivery === 'workflow-gone') report.workflowGone += 1;
    else report.stillPending += 1;
  }
  return report;
}
