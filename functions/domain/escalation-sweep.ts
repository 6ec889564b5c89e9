// The escalation sweep: reads the open tasks due up to now plus the reminder bound from the sparse
// open-tasks-by-due index (never a scan, so its cost follows the number of due tasks, not the table's size),
// and takes each task up the policy's levels (escalation.ts). Every level is claimed with a conditional
// write (functions/store/escalation.ts) and completed in one transaction with its audit event and its messages,
// queued as items of their recipients' daily digests. Then it sends the digests that are due (digest.ts): one
// e-mail per person and day, through `sendOnce`, so overlapping sweeps, retries and restarts send each digest
// once but for one window: a run that dies after SES accepted a digest and before its lease is marked done
// sends it again once that lease runs out.
import { NotFoundError } from '#lib/errors.ts';
// The plan's parts one by one, not its index: the index brings the YAML parser, which a sweep never needs.
import type { Plan } from '#plan/schema.ts';
import { addDuration, compareDurations } from '#plan/time.ts';
import { InvalidPlanError } from '#plan/validate.ts';
import type { DigestItem } from '#store/digest.ts';
import {
  completeEscalation,
  openTasksDueBy,
  raiseEscalation,
  releaseEscalation,
  resumeEscalation,
} from '#store/escalation.ts';
import type { Store } from '#store/store.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { digestItemsOfStep, sendDigests } from './digest.ts';
import {
  type Level,
  type LevelStep,
  levelStep,
  longestReminderLead,
  pendingSteps,
  stepAction,
  stepSummary,
} from './escalation.ts';
import type { Email, Texts } from './mail.ts';
import { loadPlan } from './plans.ts';

/**
 * How long a sweep holds a level it claimed. Longer than the escalate function's timeout (infra checks it),
 * so a level is only resumed once the sweep that claimed it can no longer be sending.
 */
export const ESCALATION_LEASE_MS = 15 * 60_000;

/** The sweep stops taking new tasks when less real time than this is left in its invocation. */
const TIME_RESERVE_MS = 30_000;

export interface SweepLog {
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface SweepDeps {
  store: Store;
  /** Sends one e-mail (a digest) and resolves to the provider's message id (functions/adapters/mail.ts). */
  send: (email: Email) => Promise<string>;
  /** The digests' words (functions/presentation/email/texts.ts). */
  texts: Texts;
  /** The approval-link signing key: asked for only when a digest is made. */
  signingKey: () => Promise<string>;
  /** The HTTP API's public base URL: assignees' links and the supervision pages. */
  apiBaseUrl: string;
  /**
   * How far past now the sweep reads (ISO duration). Tasks carry no remind-at, and the index is sorted by due
   * time across every programme, so the bound must cover the longest reminder lead of any plan: a plan that
   * reminds earlier has its early reminders sent late, and the sweep reports it.
   */
  readAhead: string;
  /** Real milliseconds left in the invocation; without it the sweep runs to the end. */
  timeLeft?: () => number;
  /** Index items per Query page. */
  pageSize?: number;
  /** Tasks processed at the same time. */
  concurrency?: number;
  log?: SweepLog;
}

export interface SweepReport {
  /** The sweep's instant: every decision of the sweep is taken at it. */
  now: string;
  /** Tasks due up to this instant were read. */
  readUpTo: string;
  pages: number;
  /** Open tasks the index returned. */
  tasksRead: number;
  /** Items DynamoDB read to return them (equal to tasksRead: the index holds only open tasks). */
  itemsScanned: number;
  /** Levels delivered by this sweep, by level. */
  delivered: { reminder: number; supervisor: number; leadingGroup: number };
  /** Level-1 reminders passed without sending (the task was overdue, or opened inside the window). */
  remindersSkipped: number;
  /** Messages of the levels delivered, queued as digest items (one per recipient of each message). */
  digestItemsQueued: number;
  /** E-mails sent: digests, one per person and day. */
  messagesSent: number;
  /** Digests that failed (their items wait for the next sweep). */
  messagesFailed: number;
  /** Digest items sent, and dropped because their task closed meanwhile. */
  digestItemsSent: number;
  digestItemsDropped: number;
  /** Recipients with items left for a later digest (a day off, before the hour, or sent today already). */
  digestsWaiting: number;
  /** Tasks with a level another sweep is delivering (its lease has not expired). */
  tasksInFlight: number;
  /** Tasks left for the next sweep because of an error (logged). */
  tasksFailed: number;
  tasksWithoutPlan: number;
  /** Programmes whose plan reminds earlier than readAhead covers. */
  plansBeyondReadAhead: string[];
  /** False when the sweep stopped early for lack of time; the next one carries on. */
  complete: boolean;
}

const LEVEL_COUNTER = { 1: 'reminder', 2: 'supervisor', 3: 'leadingGroup' } as const satisfies Record<
  Level,
  keyof SweepReport['delivered']
>;

/** Runs one sweep at `now`. */
export async function sweepEscalations(deps: SweepDeps, now: Date): Promise<SweepReport> {
  const nowIso = now.toISOString();
  const readUpTo = addDuration(now, deps.readAhead, 'UTC').toISOString();
  const report: SweepReport = {
    now: nowIso,
    readUpTo,
    pages: 0,
    tasksRead: 0,
    itemsScanned: 0,
    delivered: { reminder: 0, supervisor: 0, leadingGroup: 0 },
    remindersSkipped: 0,
    digestItemsQueued: 0,
    messagesSent: 0,
    messagesFailed: 0,
    digestItemsSent: 0,
    digestItemsDropped: 0,
    digestsWaiting: 0,
    tasksInFlight: 0,
    tasksFailed: 0,
    tasksWithoutPlan: 0,
    plansBeyondReadAhead: [],
    complete: true,
  };
  const sweep = new Sweep(deps, now, report);
  for await (const page of openTasksDueBy(deps.store, readUpTo, deps.pageSize ?? 200)) {
    report.pages += 1;
    report.tasksRead += page.tasks.length;
    report.itemsScanned += page.scanned;
    const done = await forEachLimited(page.tasks, deps.concurrency ?? 4, async (task) => {
      if (deps.timeLeft && deps.timeLeft() < TIME_RESERVE_MS) return false;
      await sweep.task(task);
      return true;
    });
    if (!done) {
      report.complete = false;
      return report;
    }
  }
  if (deps.timeLeft && deps.timeLeft() < TIME_RESERVE_MS) {
    report.complete = false;
    return report;
  }
  const digests = await sendDigests(
    {
      store: deps.store,
      send: deps.send,
      texts: deps.texts,
      signingKey: () => sweep.signingKey(),
      apiBaseUrl: deps.apiBaseUrl,
      planOf: (programmeId) => sweep.planOf(programmeId),
      ...(deps.log ? { log: deps.log } : {}),
    },
    now,
  );
  report.messagesSent = digests.sent;
  report.messagesFailed = digests.failed;
  report.digestItemsSent = digests.itemsSent;
  report.digestItemsDropped = digests.itemsDropped;
  report.digestsWaiting = digests.waiting;
  return report;
}

/** One sweep's state: its instant, the plans and the signing key it loaded, and its counts. */
class Sweep {
  private readonly deps: SweepDeps;
  private readonly now: Date;
  private readonly nowIso: string;
  private readonly report: SweepReport;
  private readonly plans = new Map<string, Promise<Plan | undefined>>();
  private key: Promise<string> | undefined;

  constructor(deps: SweepDeps, now: Date, report: SweepReport) {
    this.deps = deps;
    this.now = now;
    this.nowIso = now.toISOString();
    this.report = report;
  }

  async task(task: TaskRecord): Promise<void> {
    try {
      await this.escalate(task);
    } catch (error) {
      this.report.tasksFailed += 1;
      this.deps.log?.error('escalation of a task failed; the next sweep retries it', {
        taskId: task.taskId,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
    }
  }

  private async escalate(task: TaskRecord): Promise<void> {
    const { store } = this.deps;
    const level = task.escalationLevel;
    const delivered = task.escalationDelivered ?? 0;
    if (level >= 3 && delivered >= 3) return; // nothing left, whatever the plan says
    const plan = await this.planOf(task.programmeId);
    if (!plan) {
      this.report.tasksWithoutPlan += 1;
      return;
    }
    if (delivered < level) {
      // A level was claimed and not finished: another sweep is on it, or it failed or crashed.
      if (task.escalationLeaseUntil && Date.parse(task.escalationLeaseUntil) > this.now.getTime()) {
        this.report.tasksInFlight += 1;
        return;
      }
      const lease = this.leaseUntil();
      if (!(await resumeEscalation(store, task.taskId, level, this.nowIso, lease))) return;
      const step = levelStep(plan, task, level as Level, this.now);
      if (!(await this.deliver(plan, task, step, lease))) return;
    }
    for (const step of pendingSteps(plan, task, this.now)) {
      const lease = this.leaseUntil();
      if (!(await raiseEscalation(store, task.taskId, step.level - 1, step.level, this.nowIso, lease)))
        return;
      if (!(await this.deliver(plan, task, step, lease))) return;
    }
  }

  /**
   * Marks the level delivered with its audit event and queues its messages for the recipients' digests, in one
   * transaction. False: stop with this task (another sweep completed it, or the write failed: the lease is
   * released so the next sweep resumes the level).
   */
  private async deliver(plan: Plan, task: TaskRecord, step: LevelStep, lease: string): Promise<boolean> {
    const { store } = this.deps;
    const items = digestItemsOfStep(task, step, this.nowIso);
    let completed: boolean;
    try {
      completed = await this.complete(plan, task, step, items);
    } catch (error) {
      await releaseEscalation(store, task.taskId, lease, this.nowIso);
      throw error;
    }
    if (!completed) return false;
    this.report.digestItemsQueued += items.length;
    if (step.skipped) this.report.remindersSkipped += 1;
    else this.report.delivered[LEVEL_COUNTER[step.level]] += 1;
    return true;
  }

  private complete(plan: Plan, task: TaskRecord, step: LevelStep, items: DigestItem[]): Promise<boolean> {
    return completeEscalation(
      this.deps.store,
      task.taskId,
      step.level,
      {
        eventId: `escalation-${task.taskId}-${step.level}`,
        programmeId: task.programmeId,
        pilotId: task.pilotId,
        at: this.nowIso,
        actor: 'system',
        action: stepAction(step),
        taskId: task.taskId,
        executionArn: task.executionArn,
        summary: stepSummary(plan, step),
        details: {
          level: step.level,
          dueAt: task.dueAt,
          levelDueSince: step.dueSince.toISOString(),
          ...(step.skipped ? { skipped: step.skipped } : {}),
          messages: step.messages.map((m) => ({
            id: m.id,
            audience: m.audience,
            to: m.to.map((r) => r.email),
            ...(m.cc.length ? { cc: m.cc.map((r) => r.email) } : {}),
          })),
        },
      },
      items,
    );
  }

  signingKey(): Promise<string> {
    this.key ??= this.deps.signingKey();
    return this.key;
  }

  planOf(programmeId: string): Promise<Plan | undefined> {
    let plan = this.plans.get(programmeId);
    if (!plan) {
      plan = this.loadPlan(programmeId);
      this.plans.set(programmeId, plan);
    }
    return plan;
  }

  private async loadPlan(programmeId: string): Promise<Plan | undefined> {
    let plan: Plan;
    try {
      plan = await loadPlan(this.deps.store, programmeId);
    } catch (error) {
      if (!(error instanceof NotFoundError || error instanceof InvalidPlanError)) throw error;
      this.deps.log?.error('a programme with open tasks has no valid plan: its tasks are not escalated', {
        programmeId,
        problems: error instanceof InvalidPlanError ? error.problems.slice(0, 5) : 'no plan stored',
      });
      return undefined;
    }
    const lead = longestReminderLead(plan);
    if (compareDurations(lead, this.deps.readAhead) > 0) {
      this.report.plansBeyondReadAhead.push(programmeId);
      this.deps.log?.warn('a plan reminds earlier than the sweep reads ahead: those reminders go out late', {
        programmeId,
        longestReminderLead: lead,
        readAhead: this.deps.readAhead,
      });
    }
    return plan;
  }

  private leaseUntil(): string {
    return new Date(this.now.getTime() + ESCALATION_LEASE_MS).toISOString();
  }
}

/** Runs `fn` over `items`, at most `limit` at a time, until one returns false. Resolves to false if one did. */
async function forEachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<boolean>,
): Promise<boolean> {
  let next = 0;
  let go = true;
  const worker = async () => {
    while (go && next < items.length) {
      const item = items[next++] as T;
      if (!(await fn(item))) go = false;
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return go;
}
