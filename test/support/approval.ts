// A test bed for the approval flow without the whole local cloud: a fresh table in DynamoDB Local with the
// sample plan stored, the local Step Functions runtime running a one-step machine whose Task waits for a
// token (`lambda:invoke.waitForTaskToken`), and a stand-in for open-task that stores the task and issues its
// links with the real store and `issueLinks`. Decisions go back through the runtime's SFN API over HTTP.
import { readFileSync } from 'node:fs';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type ApprovalDeps, type LinkRequest, openLink, submitDecision } from '#domain/approval.ts';
import type { RequestClient } from '#domain/client.ts';
import type { TaskCallback } from '#domain/decision.ts';
import type { FormSpec } from '#domain/forms.ts';
import { issueLinks } from '#domain/links.ts';
import { freePort } from '#local/ports.ts';
import { StepFunctionsRuntime } from '#local/stepfunctions/runtime.ts';
import { parsePlan } from '#plan/load.ts';
import type { Plan } from '#plan/schema.ts';
import { decisionPage, linkPage } from '#presentation/pages/approval-view.ts';
import type { PageResult } from '#presentation/pages/model.ts';
import { putProgrammeOnce } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';
import { createTask, type NewTask, type Person, type TaskRecord } from '#store/tasks.ts';
import { allItems, freshStore } from './store.ts';

export const SIGNING_KEY = 'test-signing-key-'.padEnd(64, 'k');
export const PROGRAMME = 'xx-county-community-governance-2023';
export const OPEN_TASK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:open-task';

export const WANG: Person = {
  name: '王芳',
  email: 'minzheng-office@xx-county.example',
  unitId: 'civil-affairs',
};
export const LI: Person = { name: '李华', email: 'minzheng@xx-county.example', unitId: 'civil-affairs' };
export const ZHAO: Person = { name: '赵强', email: 'caizheng@xx-county.example', unitId: 'finance' };

/** A review form: a score, a document link, a yes/no, and the three decisions. */
export const REVIEW_FORM: FormSpec & Record<string, unknown> = {
  decisions: ['approve', 'return', 'reject'],
  fields: [
    {
      name: 'score.party-leadership',
      kind: 'score',
      label: { zh: '党组织引领作用', en: 'Party leadership' },
      required: false,
      requiredFor: ['approve'],
    },
    {
      name: 'document',
      kind: 'url',
      label: { zh: '意见文件链接', en: 'Link to the opinion' },
      required: false,
    },
  ],
};

export function samplePlan(): Plan {
  const parsed = parsePlan(readFileSync(new URL('../../plans/sample.yaml', import.meta.url), 'utf8'));
  if (!parsed.ok) throw new Error('the sample plan does not validate');
  return parsed.plan;
}

export interface OpenedTask {
  task: TaskRecord;
  executionArn: string;
  /** One per assignee: the link id and its signature, as the e-mail carries them. */
  links: Array<{ assignee: Person; linkId: string; sig: string; url: string }>;
}

export interface ApprovalBed {
  store: Store;
  sfn: SFNClient;
  /** The runtime's SFN API endpoint (for handlers that make their own SFN client). */
  sfnEndpoint: string;
  /** The test's clock for the domain (the runtime itself runs on real time). */
  clock: { now: number };
  /** SendTaskSuccess calls that reached the runtime, by task token. */
  callbacks: string[];
  /** Makes the next `n` callbacks fail with `error` before they reach Step Functions. */
  failNextCallbacks(n: number, error: Error): void;
  deps(overrides?: Partial<ApprovalDeps>): ApprovalDeps;
  openTask(options?: {
    /** A task id of the caller's choosing (the workflow handlers' inputs want a UUID). */
    taskId?: string;
    assignees?: Person[];
    form?: Record<string, unknown>;
    round?: number;
    step?: string;
    /** The task's kind (a review by default): a batch page lists one kind. */
    kind?: TaskRecord['kind'];
    dueAt?: string;
    expiresAt?: string;
    pilotId?: string;
    context?: Record<string, unknown>;
  }): Promise<OpenedTask>;
  describe(executionArn: string): Promise<{ status: string; output: unknown }>;
  stop(executionArn: string): Promise<void>;
  /** Every item of the table, for "nothing changed" assertions. */
  items(): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export const T0 = Date.parse('2023-02-05T02:00:00.000Z');

export async function startApprovalBed(): Promise<ApprovalBed> {
  const store = await freshStore();
  const plan = samplePlan();
  await putProgrammeOnce(
    store,
    {
      programmeId: PROGRAMME,
      title: plan.programme.title,
      status: 'running',
      launchedAt: 'x',
      updatedAt: 'x',
    },
    plan,
  );

  const tokens = new Map<string, (token: string) => void>();
  const runtime = await StepFunctionsRuntime.open({
    async invokeLambda(_arn, payload) {
      const { taskId, token } = payload as { taskId: string; token: string };
      tokens.get(taskId)?.(token);
      return { payload: { opened: taskId } };
    },
  });
  const { url } = await runtime.listen({ port: await freePort(), host: '127.0.0.1' });
  const sfn = new SFNClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const machine = await sfn.send(
    new CreateStateMachineCommand({
      name: `approval-${Date.now()}`,
      roleArn: 'arn:aws:iam::123456789012:role/local',
      definition: JSON.stringify({
        StartAt: 'Review the implementation plan',
        States: {
          'Review the implementation plan': {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: {
              FunctionName: OPEN_TASK_ARN,
              Payload: { 'taskId.$': '$.taskId', 'token.$': '$$.Task.Token' },
            },
            End: true,
          },
        },
      }),
    }),
  );

  const clock = { now: T0 };
  const callbacks: string[] = [];
  const failures: Error[] = [];
  const callback: TaskCallback = {
    async sendTaskSuccess(taskToken, output) {
      const failure = failures.shift();
      if (failure) throw failure;
      callbacks.push(taskToken);
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output }));
    },
  };
  let seq = 0;

  return {
    store,
    sfn,
    sfnEndpoint: url,
    clock,
    callbacks,
    failNextCallbacks(n, error) {
      for (let i = 0; i < n; i++) failures.push(error);
    },
    deps: (overrides = {}) => ({
      store,
      signingKeys: { current: SIGNING_KEY },
      callback,
      now: () => new Date(clock.now),
      ...overrides,
    }),
    async openTask(options = {}) {
      seq += 1;
      const taskId = options.taskId ?? `task-${seq}-${Math.random().toString(36).slice(2, 8)}`;
      const token = new Promise<string>((resolve) => tokens.set(taskId, resolve));
      const started = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machine.stateMachineArn,
          name: taskId,
          input: JSON.stringify({ taskId }),
        }),
      );
      const dueAt = options.dueAt ?? '2023-02-10T16:00:00.000Z';
      const assignees = options.assignees ?? [WANG];
      const task: NewTask = {
        taskId,
        programmeId: PROGRAMME,
        pilotId: options.pilotId ?? 'gucheng',
        stage: 'implementation',
        kind: options.kind ?? 'planReview',
        step: options.step ?? 'Review the implementation plan',
        title: '审核实施方案',
        round: options.round ?? 1,
        assignees,
        dueAt,
        createdAt: new Date(clock.now).toISOString(),
        executionArn: started.executionArn as string,
        taskToken: await token,
        form: options.form ?? REVIEW_FORM,
        ...(options.context ? { context: options.context } : {}),
      };
      const { task: stored } = await createTask(store, task);
      const issued = await issueLinks(store, SIGNING_KEY, {
        task: stored,
        assignees,
        expiresAt: options.expiresAt ?? '2023-02-17T16:00:00.000Z',
        now: new Date(clock.now).toISOString(),
        apiBaseUrl: 'http://approval.test',
      });
      return {
        task: stored,
        executionArn: started.executionArn as string,
        links: issued.map((l) => ({
          assignee: l.assignee,
          linkId: l.linkId,
          sig: new URL(l.url).searchParams.get('sig') as string,
          url: l.url,
        })),
      };
    },
    async describe(executionArn) {
      // The runtime continues the execution asynchronously after SendTaskSuccess.
      await runtime.whenIdle();
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return { status: out.status as string, output: out.output ? JSON.parse(out.output) : undefined };
    },
    async stop(executionArn) {
      await sfn.send(new StopExecutionCommand({ executionArn, error: 'Stopped', cause: 'by the test' }));
      await runtime.whenIdle();
    },
    items: () => allItems(store),
    async close() {
      sfn.destroy();
      await runtime.close();
      store.db.destroy();
    },
  };
}

/** A link's page as the approval handler answers a GET: the domain's state, then its view in the page's language. */
export async function openPage(
  deps: ApprovalDeps,
  req: LinkRequest & { lang?: string },
): Promise<PageResult> {
  return linkPage(await openLink(deps, req), { lang: req.lang, now: deps.now() });
}

/** The page the approval handler answers a POST of the link's form with. */
export async function submitPage(
  deps: ApprovalDeps,
  req: LinkRequest & { lang?: string; fields: ReadonlyMap<string, string>; client?: RequestClient },
): Promise<PageResult> {
  return decisionPage(await submitDecision(deps, req), { lang: req.lang, now: deps.now() });
}
