// The escalation sweep: reads the open tasks due up to now plus the reminder bound from the sparse
// open-tasks-by-due index (never a scan, so its cost follows the number of due tasks, not the table's size),
// and takes each task up the policy's levels (escalation.ts). Every level is claimed with a conditional
// write and delivered under a lease (functions/store/escalation.ts), and each of its messages goes through
// `sendOnce` (a lease per task, level and recipient, taken before sending and marked done after), so
// overlapping sweeps, retries and restarts send each message once but for one window: a run that dies
// after SES accepted a message and before that message's lease is marked done sends it again on resume.
import { NotFoundError } from '#lib/errors.ts';
import { linkExpiresAt } from '#plan/schedule.ts';
// The plan's parts one by one, not its index: the index brings the YAML parser, which a sweep never needs.
import type { Party, Plan } from '#plan/schema.ts';
import { addDuration, compareDurations } from '#plan/time.ts';
import { InvalidPlanError } from '#plan/validate.ts';
import {
  completeEscalation,
  openTasksDueBy,
  raiseEscalation,
  releaseEscalation,
  resumeEscalation,
} from '#store/escalation.ts';
import type { Store } from '#store/store.ts';
import type { Person, TaskRecord } from '#store/tasks.ts';
import { sendOnce } from './deps.ts';
import {
  type Level,
  type LevelStep,
  levelStep,
  longestReminderLead,
  type PlannedMessage,
  pendingSteps,
  type Recipient,
  stepAction,
  stepSummary,
  supervisingParties,
} from './escalation.ts';
import { actionLinkFor } from './links.ts';
import type { Email, Texts } from './mail.ts';
import { loadPlan } from './plans.ts';
import { supervisionLink } from './supervision.ts';

/**
 * How long a sweep holds a level it claimed. Longer than the escalate function's timeout (infra checks it),
 * so a level is only resumed once the sweep that claimed it can no longer be sending.
 */
export const ESCALATION_LEASE_MS = 15 * 60_000;

/**
 * The claim-once scope of reminder and escalation messages; the id is `<taskId>#<message id>`, and a message
 * id names the level and the recipient (`2:assignee:<email>`, `2:supervisor:<party>`, escalation.ts).
 */
export const ESCALATION_MESSAGE_SCOPE = 'escalation';

/** The sweep stops taking new tasks when less real time than this is left in its invocation. */
const TIME_RESERVE_MS = 30_000;

export interface SweepLog {
  warn(message: string, details: Record<string, unknown>): void;
  error(message: string, details: Record<string, unknown>): void;
}

export interface SweepDeps {
  store: Store;
  /** Sends one e-mail and resolves to the provider's message id (functions/adapters/mail.ts). */
  send: (email: Email) => Promise<string>;
  /** The reminders' and escalations' words (functions/presentation/email/texts.ts). */
  texts: Texts;
  /** The approval-link signing key: asked for only when an assignee's message is sent. */
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
  messagesSent: number;
  messagesFailed: number;
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
    messagesSent: 0,
    messagesFailed: 0,
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
      break;
    }
  }
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

  /** Sends the step's messages not sent yet, then marks the level delivered. False: stop with this task. */
  private async deliver(plan: Plan, task: TaskRecord, step: LevelStep, lease: string): Promise<boolean> {
    const { store, send } = this.deps;
    const supervisors: Party[] = step.level >= 2 ? supervisingParties(plan, task) : [];
    // Whether a message went out is asked of its claim when it is sent, never of `task`: that came from the
    // index, whose reads are eventually consistent and may predate another run's sends
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html).
    // The message leases run on the sweep's instant, as the level's does: a resumed level (its lease of
    // ESCALATION_LEASE_MS expired) always finds the leases of its messages (LEASE_MS) expired too.
    const once = { store, now: () => this.now, sendEmail: send };
    for (const message of step.messages) {
      const email = this.deps.texts.escalationEmail({
        plan,
        task,
        message,
        now: this.now,
        supervisors,
        ...(message.assignee
          ? await this.actionUrl(plan, task, message.assignee)
          : await this.supervisionLinks(plan, message)),
      });
      let sent: boolean;
      try {
        sent = await sendOnce(once, ESCALATION_MESSAGE_SCOPE, `${task.taskId}#${message.id}`, email);
      } catch (error) {
        this.report.messagesFailed += 1;
        this.deps.log?.error('sending a reminder or escalation failed; a later sweep resumes the level', {
          taskId: task.taskId,
          level: step.level,
          messageId: message.id,
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
        await releaseEscalation(store, task.taskId, lease, this.nowIso);
        return false;
      }
      if (sent) this.report.messagesSent += 1;
    }
    const completed = await completeEscalation(store, task.taskId, step.level, {
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
    });
    if (!completed) return false;
    if (step.skipped) this.report.remindersSkipped += 1;
    else this.report.delivered[LEVEL_COUNTER[step.level]] += 1;
    return true;
  }

  /**
   * A link of the assignee's that works: their stored link while it is active and not expired, else a new one
   * bound to them (links.ts actionLinkFor), valid for the plan's grace period from now.
   */
  private async actionUrl(plan: Plan, task: TaskRecord, assignee: Person): Promise<{ actionUrl: string }> {
    const base = Math.max(Date.parse(task.dueAt), this.now.getTime());
    const link = await actionLinkFor(this.deps.store, await this.signingKey(), {
      task,
      assignee,
      now: this.now,
      expiresAt: linkExpiresAt(plan, new Date(base)).toISOString(),
      apiBaseUrl: this.deps.apiBaseUrl,
    });
    return { actionUrl: link.url };
  }

  /** Each recipient's own link to the party's supervision page (supervision.ts). */
  private async supervisionLinks(
    plan: Plan,
    message: PlannedMessage,
  ): Promise<{ supervisionLinks?: Array<Recipient & { url: string }> }> {
    const party = message.party;
    if (!party) return {};
    const key = await this.signingKey();
    return {
      supervisionLinks: [...message.to, ...message.cc].map((recipient) => ({
        ...recipient,
        url: supervisionLink(key, {
          apiBaseUrl: this.deps.apiBaseUrl,
          plan,
          party,
          recipient,
          now: this.now,
        }),
      })),
    };
  }

  private signingKey(): Promise<string> {
    this.key ??= this.deps.signingKey();
    return this.key;
  }

  private planOf(programmeId: string): Promise<Plan | undefined> {
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
