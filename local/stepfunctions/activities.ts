// Activities: CreateActivity, DescribeActivity, ListActivities, DeleteActivity, and GetActivityTask's long poll
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetActivityTask.html: "The maximum time
// the service holds on to the request before responding is 60 seconds. If no task is available within 60
// seconds, the poll returns a taskToken with a null string"). A Task state on an activity ARN waits on a task
// token like `.waitForTaskToken` (states/task.ts); its queued task lives in memory only, because the engine
// queues it again from the execution's stored position after a restart (TaskStates.resume).
import * as z from 'zod';
import type { Clock } from '../clock.ts';
import { SfnApiError } from './api-errors.ts';
import { decodeToken, encodeToken, lastPerKey, MAX_TAGS, parse, tooManyTags, validName } from './requests.ts';
import type { Store } from './store.ts';

/** A task scheduled on an activity, waiting for a worker. */
export interface ActivityTask {
  activityArn: string;
  token: string;
  /** The task's effective input, as JSON text. */
  input: string;
}

const tag = z.object({ key: z.string().min(1).max(128), value: z.string().max(256) });
const arn = z.string().min(1).max(256);
export const ActivityRequests = {
  create: z.object({
    name: z.string().min(1).max(80),
    tags: z.array(tag).optional(),
    encryptionConfiguration: z.object({ type: z.string().optional() }).loose().optional(),
  }),
  activity: z.object({ activityArn: arn }),
  list: z.object({
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().min(1).max(1024).optional(),
  }),
  getTask: z.object({ activityArn: arn, workerName: z.string().min(1).max(80).optional() }),
};

export const ACTIVITY_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:[^:]+$/;

export interface ActivitiesOptions {
  store: Store;
  clock: Clock;
  region: string;
  accountId: string;
  /** How long GetActivityTask waits for a task: 60 s as on AWS. */
  pollMs: number;
  /** Hands the task to a worker (its execution writes ActivityStarted); false when the task is gone meanwhile. */
  claim: (task: ActivityTask, workerName: string | undefined) => Promise<boolean>;
}

export class Activities {
  private readonly o: ActivitiesOptions;
  private readonly queues = new Map<string, ActivityTask[]>();
  private readonly pollers = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(options: ActivitiesOptions) {
    this.o = options;
  }

  create(input: unknown): { activityArn: string; creationDate: Date } {
    const req = parse(ActivityRequests.create, input);
    if (!validName(req.name)) throw new SfnApiError('InvalidName', `Invalid Name: '${req.name}'`);
    const type = req.encryptionConfiguration?.type;
    if (type !== undefined && type !== 'AWS_OWNED_KEY') {
      throw new SfnApiError(
        'ValidationException',
        `encryptionConfiguration type ${type} (KMS) is not supported by the local Step Functions runtime`,
      );
    }
    const tags = lastPerKey(req.tags ?? []);
    if (tags.length > MAX_TAGS) throw tooManyTags(req.name);
    const activityArn = `arn:aws:states:${this.o.region}:${this.o.accountId}:activity:${req.name}`;
    // "CreateActivity is an idempotent API": creating it again answers with the existing activity.
    const existing = this.o.store.activity(activityArn);
    if (existing) return { activityArn, creationDate: new Date(existing.created) };
    const created = this.o.clock.now();
    this.o.store.putActivity({ arn: activityArn, name: req.name, created }, tags);
    return { activityArn, creationDate: new Date(created) };
  }

  describe(input: unknown): { activityArn: string; name: string; creationDate: Date } {
    const a = this.existing(parse(ActivityRequests.activity, input).activityArn);
    return { activityArn: a.arn, name: a.name, creationDate: new Date(a.created) };
  }

  list(input: unknown) {
    const req = parse(ActivityRequests.list, input);
    const limit = req.maxResults || 100;
    const after = decodeToken(
      req.nextToken,
      (v): v is { arn: string } => typeof (v as { arn?: unknown })?.arn === 'string',
    );
    const rows = this.o.store.activities(after?.arn ?? '', limit + 1);
    const page = rows.slice(0, limit);
    return {
      activities: page.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: new Date(a.created) })),
      ...(rows.length > limit ? { nextToken: encodeToken({ arn: page.at(-1)!.arn }) } : {}),
    };
  }

  /** Deletes the activity; its queued tasks are dropped (they end by their own timeouts, as on AWS). */
  delete(input: unknown): Record<string, never> {
    const { activityArn } = parse(ActivityRequests.activity, input);
    checkActivityArn(activityArn);
    this.o.store.deleteActivity(activityArn);
    this.queues.delete(activityArn);
    return {};
  }

  exists(activityArn: string): boolean {
    return this.o.store.activity(activityArn) !== undefined;
  }

  /** A Task state scheduled a task on the activity: the next worker that polls gets it. */
  offer(task: ActivityTask): void {
    const queue = this.queues.get(task.activityArn) ?? [];
    this.queues.set(task.activityArn, queue);
    queue.push(task);
    const waiting = this.pollers.get(task.activityArn);
    const first = waiting?.values().next().value;
    if (first) {
      waiting!.delete(first);
      first();
    }
  }

  /** GetActivityTask: the oldest task queued on the activity, waiting for one up to the poll time. */
  async getTask(input: unknown): Promise<{ taskToken?: string; input?: string }> {
    const req = parse(ActivityRequests.getTask, input);
    this.existing(req.activityArn);
    const deadline = Date.now() + this.o.pollMs;
    for (;;) {
      const queue = this.queues.get(req.activityArn) ?? [];
      while (queue.length) {
        const task = queue.shift()!;
        if (await this.o.claim(task, req.workerName)) return { taskToken: task.token, input: task.input };
      }
      const left = deadline - Date.now();
      if (this.closed || left <= 0) return {};
      await this.wait(req.activityArn, left);
    }
  }

  /** Releases every poll (they answer with no task). */
  close(): void {
    this.closed = true;
    for (const set of this.pollers.values()) for (const wake of set) wake();
    this.pollers.clear();
  }

  private wait(activityArn: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const set = this.pollers.get(activityArn) ?? new Set<() => void>();
      this.pollers.set(activityArn, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }

  private existing(activityArn: string) {
    checkActivityArn(activityArn);
    const a = this.o.store.activity(activityArn);
    if (!a) throw new SfnApiError('ActivityDoesNotExist', `Activity Does Not Exist: '${activityArn}'`);
    return a;
  }
}

function checkActivityArn(activityArn: string): void {
  if (!ACTIVITY_ARN.test(activityArn)) {
    throw new SfnApiError(
      'InvalidArn',
      `Invalid Arn: 'Resource type not valid in this context: ${activityArn}'`,
    );
  }
}
