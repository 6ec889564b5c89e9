// The task aggregate: a human task waiting for an official's decision (the item behind every approval,
// acknowledgement, submission and check), its decision, and its place in the open-tasks-by-due index.
import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Outcome } from '#plan/kinds.ts';
import { pendingCallbackItem } from './callbacks.ts';
import { CONDITION, INDEX, keys, OPEN_TASKS } from './keys.ts';
import { type HandedTo, revokeLinkUpdate } from './links.ts';
import { planHeadVersion } from './plan-versions.ts';
import { batchGetAll, queryAll, queryPage } from './query.ts';
import { conditionHeld, isConditionFailure, NotFoundError, type Store, withoutKeys } from './store.ts';

export type TaskStatus = 'open' | 'decided' | 'cancelled' | 'timed-out';

export interface Person {
  name: string;
  email: string;
  unitId?: string;
}

export interface Decision {
  outcome: Outcome;
  comment: string;
  form: Record<string, unknown>;
  decidedBy: Person;
  decidedAt: string;
  /** The link the decision came through (absent for decisions made by an administrator). */
  linkId?: string;
}

export interface TaskRecord {
  taskId: string;
  programmeId: string;
  pilotId: string;
  stage: string;
  /** The kind of task (acknowledgement, plan-review, check, …): chooses the form, durations and escalation. */
  kind: string;
  /** The state name in the workflow, shown to administrators. */
  step: string;
  title: string;
  round: number;
  /** Everyone who may decide: one link each, and the first decision closes the task (或签 when several). */
  assignees: Person[];
  dueAt: string;
  createdAt: string;
  status: TaskStatus;
  executionArn: string;
  /** The Step Functions task token. Never leaves the back end: links refer to the task, not the token. */
  taskToken: string;
  /** What the page shows and asks for; the workflows and the approval pages agree on its shape. */
  form: Record<string, unknown>;
  /** What the page shows besides the form: the previous round's comment, the problems to rectify, … */
  context?: Record<string, unknown>;
  /** The highest reminder/escalation level claimed (0 none, 1 reminder, 2 supervisor, 3 leading group). */
  escalationLevel: number;
  /** When the current level was claimed. */
  escalatedAt?: string;
  /** The highest level whose messages all went out and whose audit event is written (absent: none). */
  escalationDelivered?: number;
  /** Until when the sweep that claimed a level may still be delivering it (functions/store/escalation.ts). */
  escalationLeaseUntil?: string;
  decision?: Decision;
  closedAt?: string;
  /** Set when the decision is stored and cleared once Step Functions has it: a crash between the two is retried. */
  callbackPending?: boolean;
  /**
   * Why Step Functions could not take the decision (TaskTimedOut, InvalidToken, TaskDoesNotExist: the
   * execution had moved on, stopped or timed out). The decision stays recorded; nothing retries it.
   */
  callbackError?: string;
  callbackFailedAt?: string;
}

export type NewTask = Omit<
  TaskRecord,
  | 'status'
  | 'escalationLevel'
  | 'decision'
  | 'closedAt'
  | 'callbackPending'
  | 'callbackError'
  | 'callbackFailedAt'
>;

const OPEN_VALUES = { ':open': 'open' } as const;
const STATUS_NAME = { '#status': 'status' } as const;

/**
 * Stores a new open task. A retried call with the same task id keeps the first task but takes the new task
 * token (Step Functions issues a fresh token when it retries a Task state). Resolves to the stored task.
 */
export async function createTask(
  store: Store,
  task: NewTask,
): Promise<{ task: TaskRecord; created: boolean }> {
  const record: TaskRecord = { ...task, status: 'open', escalationLevel: 0 };
  const created = await conditionHeld(() =>
    store.db.send(
      new PutCommand({
        TableName: store.table,
        Item: {
          ...keys.task(task.taskId),
          ...keys.taskParent(task.programmeId, task.pilotId, task.createdAt, task.taskId),
          ...keys.openTask(task.dueAt, task.taskId),
          ...record,
        },
        ConditionExpression: CONDITION.isNew,
      }),
    ),
  );
  if (created) return { task: record, created: true };
  await updateTaskIf(store, task.taskId, {
    UpdateExpression: 'SET taskToken = :token',
    ConditionExpression: CONDITION.taskIsOpen,
    ExpressionAttributeNames: STATUS_NAME,
    ExpressionAttributeValues: { ...OPEN_VALUES, ':token': task.taskToken },
  });
  let existing = await getTask(store, task.taskId);
  if (!existing) throw new NotFoundError(`task ${task.taskId} vanished while it was being created`);
  if (existing.status === 'decided' && existing.decision && existing.taskToken !== task.taskToken) {
    await redirectDecision(store, existing, task.taskToken);
    existing = (await getTask(store, task.taskId)) ?? existing;
  }
  return { task: existing, created: false };
}

/**
 * A retried open-task (its first attempt died after e-mailing the links) arrives with a new token after the
 * official already decided. Step Functions closed the old token when it retried, so the decision could not
 * reach it, and nothing would ever answer the new one: the decision goes to the new token instead, marked
 * pending so that the callback retry (functions/domain/approval.ts retryPendingCallbacks) delivers it.
 * Found by a crash test of the rehearsal (docs/reliability.md).
 */
async function redirectDecision(store: Store, task: TaskRecord, taskToken: string): Promise<void> {
  const decidedAt = task.decision?.decidedAt ?? task.createdAt;
  await store.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: store.table,
            Key: keys.task(task.taskId),
            UpdateExpression:
              'SET taskToken = :token, callbackPending = :true REMOVE callbackError, callbackFailedAt',
            ConditionExpression: '#status = :decided',
            ExpressionAttributeNames: STATUS_NAME,
            ExpressionAttributeValues: { ':token': taskToken, ':true': true, ':decided': 'decided' },
          },
        },
        { Put: { TableName: store.table, Item: pendingCallbackItem(task.taskId, decidedAt) } },
      ],
    }),
  );
}

/** Updates the task if `update`'s condition holds; resolves to false, changing nothing, when it does not. */
export function updateTaskIf(
  store: Store,
  taskId: string,
  update: Omit<UpdateCommandInput, 'TableName' | 'Key'> & { ConditionExpression: string },
): Promise<boolean> {
  return conditionHeld(() =>
    store.db.send(new UpdateCommand({ TableName: store.table, Key: keys.task(taskId), ...update })),
  );
}

export async function getTask(store: Store, taskId: string): Promise<TaskRecord | undefined> {
  const out = await store.db.send(
    new GetCommand({ TableName: store.table, Key: keys.task(taskId), ConsistentRead: true }),
  );
  return out.Item ? withoutKeys<TaskRecord>(out.Item) : undefined;
}

/**
 * A task and its programme's current plan version (the plan head), both read consistently in one BatchGet:
 * what a link page needs once it knows the task's programme from the link.
 */
export async function getTaskAndPlanHead(
  store: Store,
  taskId: string,
  programmeId: string,
): Promise<{ task: TaskRecord | undefined; planVersion: number }> {
  const taskKey = keys.task(taskId);
  const headKey = keys.planHead(programmeId);
  const items = await batchGetAll(store, [taskKey, headKey], { consistent: true });
  const item = (key: { pk: string; sk: string }) => items.find((i) => i.pk === key.pk && i.sk === key.sk);
  const task = item(taskKey);
  return {
    task: task ? withoutKeys<TaskRecord>(task) : undefined,
    planVersion: planHeadVersion(item(headKey)),
  };
}

/** The tasks of `taskIds` that exist, by id: strongly consistent, as getTask (BatchGet, 100 a request). */
export async function getTasks(store: Store, taskIds: string[]): Promise<Map<string, TaskRecord>> {
  const items = await batchGetAll(
    store,
    [...new Set(taskIds)].map((id) => keys.task(id)),
    { consistent: true },
  );
  return new Map(items.map((item) => withoutKeys<TaskRecord>(item)).map((t) => [t.taskId, t]));
}

export async function listTasksOfPilot(
  store: Store,
  programmeId: string,
  pilotId: string,
): Promise<TaskRecord[]> {
  const { gsi1pk, skPrefix } = keys.tasksOfPilot(programmeId, pilotId);
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':pk': gsi1pk, ':prefix': skPrefix },
    },
    (item) => withoutKeys<TaskRecord>(item),
  );
  return items;
}

/**
 * Open tasks due at or before `dueBy` (ISO), earliest first: a Query on the sparse index, so its cost follows
 * the number of due tasks, never the size of the table. `scanned` counts the items DynamoDB read.
 */
export async function listOpenTasksDueBy(
  store: Store,
  dueBy: string,
  options: { limit?: number; start?: Record<string, unknown> } = {},
): Promise<{ tasks: TaskRecord[]; scanned: number; next?: Record<string, unknown> }> {
  const page = await queryPage(
    store,
    {
      IndexName: INDEX.openTasksByDue,
      KeyConditionExpression: 'openPk = :open AND openSk <= :dueBy',
      // '~' sorts after '#' and every character of a task id, so tasks due exactly at dueBy are included.
      ExpressionAttributeValues: { ':open': OPEN_TASKS, ':dueBy': `${dueBy}~` },
      ...(options.limit ? { Limit: options.limit } : {}),
      ...(options.start ? { ExclusiveStartKey: options.start } : {}),
    },
    (item) => withoutKeys<TaskRecord>(item),
  );
  return { tasks: page.items, scanned: page.scanned, ...(page.next ? { next: page.next } : {}) };
}

/** Every open task, earliest due first (the index holds open tasks only). */
export async function listOpenTasks(store: Store): Promise<TaskRecord[]> {
  const { items } = await queryAll(
    store,
    {
      IndexName: INDEX.openTasksByDue,
      KeyConditionExpression: 'openPk = :open',
      ExpressionAttributeValues: { ':open': OPEN_TASKS },
    },
    (item) => withoutKeys<TaskRecord>(item),
  );
  return items;
}

export type DecideResult =
  | { kind: 'decided'; task: TaskRecord }
  | { kind: 'already-closed'; task: TaskRecord }
  | { kind: 'link-not-active' };

/**
 * Records a decision exactly once, in one transaction: the task moves from open to decided (and leaves the
 * open-tasks index), the decision item is created, and the link (if any) is marked used. Any concurrent or
 * repeated attempt finds the task closed or the link used and changes nothing.
 * `read`: the open task as the caller read it just before. The decided task is then made from it and what the
 * transaction wrote instead of being read again (one GetItem per decision). Its token can be older than the
 * stored one only if a retried open-task replaced it in between; the callback's refusal of that token makes
 * deliverDecision read the task again and send to the new one (functions/domain/decision.ts).
 */
export async function decideTask(
  store: Store,
  taskId: string,
  decision: Decision,
  extraWrites: Array<Record<string, unknown>> = [],
  read?: TaskRecord,
): Promise<DecideResult> {
  const linkUpdate = decision.linkId
    ? [
        {
          Update: {
            TableName: store.table,
            Key: keys.link(decision.linkId),
            UpdateExpression: 'SET #status = :used, usedAt = :at',
            ConditionExpression: CONDITION.linkIsActive,
            ExpressionAttributeNames: STATUS_NAME,
            ExpressionAttributeValues: { ':used': 'used', ':active': 'active', ':at': decision.decidedAt },
          },
        },
      ]
    : [];
  try {
    await store.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: store.table,
              Key: keys.task(taskId),
              UpdateExpression:
                'SET #status = :decided, decision = :decision, closedAt = :at, callbackPending = :true REMOVE openPk, openSk',
              ConditionExpression: CONDITION.taskIsOpen,
              ExpressionAttributeNames: STATUS_NAME,
              ExpressionAttributeValues: {
                ...OPEN_VALUES,
                ':decided': 'decided',
                ':decision': decision,
                ':at': decision.decidedAt,
                ':true': true,
              },
            },
          },
          {
            Put: {
              TableName: store.table,
              Item: { ...keys.decision(taskId), taskId, ...decision },
              ConditionExpression: CONDITION.isNew,
            },
          },
          ...linkUpdate,
          ...extraWrites.map((Item) => ({
            Put: { TableName: store.table, Item, ConditionExpression: CONDITION.isNew },
          })),
        ],
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const task = await getTask(store, taskId);
    if (!task) throw new NotFoundError(`task ${taskId} does not exist`);
    if (task.status !== 'open') return { kind: 'already-closed', task };
    return { kind: 'link-not-active' };
  }
  if (read?.taskId === taskId) {
    return {
      kind: 'decided',
      task: { ...read, status: 'decided', decision, closedAt: decision.decidedAt, callbackPending: true },
    };
  }
  const task = await getTask(store, taskId);
  if (!task) throw new NotFoundError(`task ${taskId} does not exist`);
  return { kind: 'decided', task };
}

/** Marks the decision as delivered to Step Functions. */
export async function clearCallbackPending(store: Store, taskId: string): Promise<void> {
  await store.db.send(
    new UpdateCommand({
      TableName: store.table,
      Key: keys.task(taskId),
      UpdateExpression: 'REMOVE callbackPending',
      ConditionExpression: CONDITION.exists,
    }),
  );
}

/** Closes an open task without a decision (the execution ended, timed out or was stopped). */
export async function closeTask(
  store: Store,
  taskId: string,
  status: Exclude<TaskStatus, 'open' | 'decided'>,
  at: string,
): Promise<boolean> {
  return updateTaskIf(store, taskId, {
    UpdateExpression: 'SET #status = :status, closedAt = :at REMOVE openPk, openSk',
    ConditionExpression: CONDITION.taskIsOpen,
    ExpressionAttributeNames: STATUS_NAME,
    ExpressionAttributeValues: { ...OPEN_VALUES, ':status': status, ':at': at },
  });
}

/**
 * Raises an open task's escalation level from `from` to `to`. Resolves to false, changing nothing, when the
 * level is no longer `from` or the task closed: so overlapping sweeps, retries and restarts act once.
 * With `leaseUntil`, the caller also holds the level's delivery until then (functions/store/escalation.ts).
 */
export async function raiseEscalation(
  store: Store,
  taskId: string,
  from: number,
  to: number,
  at: string,
  leaseUntil?: string,
): Promise<boolean> {
  return updateTaskIf(store, taskId, {
    UpdateExpression: `SET escalationLevel = :to, escalatedAt = :at${leaseUntil ? ', escalationLeaseUntil = :lease' : ''}`,
    ConditionExpression: `${CONDITION.taskIsOpen} AND ${CONDITION.escalationLevelIs}`,
    ExpressionAttributeNames: STATUS_NAME,
    ExpressionAttributeValues: {
      ...OPEN_VALUES,
      ':expectedLevel': from,
      ':to': to,
      ':at': at,
      ...(leaseUntil ? { ':lease': leaseUntil } : {}),
    },
  });
}

/**
 * DynamoDB's bound on the actions of one TransactWriteItems call (and no two on the same item).
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
export const MAX_TRANSACTION_ITEMS = 100;

export type ReassignResult = 'reassigned' | 'task-changed' | 'link-changed' | 'extra-changed';

/**
 * Reassignment (转办) in one transaction: the open task's assignees go from `from` to `to`, every link in
 * `revoke` is marked revoked, and the audit event is written. A decision writes the same task and link
 * under `taskIsOpen` and `linkIsActive`, so whichever transaction commits first wins and the other changes
 * nothing: a decision after it finds its link revoked, a reassignment after a decision finds the task
 * closed. Resolves to what refused it: 'task-changed' (no longer open, or its assignees are no longer
 * `from`), 'link-changed' (a link was used or revoked meanwhile). A TransactionConflict is thrown unchanged
 * (nothing was written; the caller tries again). At most MAX_TRANSACTION_ITEMS - 2 links, less `extra`:
 * writes that must happen with it or not at all (a replaced contact's new plan version, after the task's and
 * the links' items, so that the reasons' order above holds).
 */
export async function reassignAssignees(
  store: Store,
  change: {
    taskId: string;
    from: Person[];
    to: Person[];
    revoke: string[];
    at: string;
    reason: string;
    event: Record<string, unknown>;
    /** Whom the revoked links' pages name as having the task now. */
    handedTo?: HandedTo;
    extra?: Array<Record<string, unknown>>;
  },
): Promise<ReassignResult> {
  const items = change.revoke.length + 2 + (change.extra?.length ?? 0);
  if (items > MAX_TRANSACTION_ITEMS) {
    throw new RangeError(
      `a reassignment of ${items} items exceeds one transaction (${MAX_TRANSACTION_ITEMS})`,
    );
  }
  try {
    await store.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: store.table,
              Key: keys.task(change.taskId),
              UpdateExpression: 'SET assignees = :assignees',
              ConditionExpression: `${CONDITION.taskIsOpen} AND ${CONDITION.assigneesAre}`,
              ExpressionAttributeNames: STATUS_NAME,
              ExpressionAttributeValues: {
                ...OPEN_VALUES,
                ':assignees': change.to,
                ':previousAssignees': change.from,
              },
            },
          },
          ...change.revoke.map((linkId) => ({
            Update: revokeLinkUpdate(store, linkId, change.at, change.reason, change.handedTo),
          })),
          { Put: { TableName: store.table, Item: change.event, ConditionExpression: CONDITION.isNew } },
          ...(change.extra ?? []),
        ],
      }),
    );
    return 'reassigned';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // The reasons come in the order of TransactItems: the task's first.
    const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'task-changed';
    const extraFrom = change.revoke.length + 2;
    if (reasons.slice(extraFrom).some((r) => r.Code === 'ConditionalCheckFailed')) return 'extra-changed';
    return 'link-changed';
  }
}
