// Task: resolves the resource, writes Scheduled/Started, arms TimeoutSeconds and HeartbeatSeconds, issues the
// token of `.waitForTaskToken`, and calls the resource once the turn is committed; then takes its outcome (the
// call's return, a token's answer, a nested execution's end, a timer) to the state's output or to Retry/Catch.
import { randomUUID } from 'node:crypto';
import type { ActivityTask } from '../activities.ts';
import { StatesFailure, toFailure } from '../failure.ts';
import { type Execution, type State, stateOf, type TaskRun, type Thread } from '../model.ts';
import * as P from '../processing.ts';
import { resolveResource } from '../resources.ts';
import type { Scheduler } from '../scheduler.ts';
import type { ExecutionRow } from '../store.ts';
import { newToken, type Tokens } from '../tokens.ts';
import type { Failure, Json, ServiceIntegration, TaskCall } from '../types.ts';
import type { Run } from './run.ts';

export interface ChildStart {
  stateMachineArn: string;
  input: string;
  name: string;
  parent: { arn: string; thread: number; effect: number };
}

/** What the embedder provides for task resources. */
export interface TaskServices {
  integrations: Map<string, ServiceIntegration>;
  /** Lambda by function ARN, and lambda:invoke. */
  invokeLambdaTask: (functionArn: string, parameters: Json, call: TaskCall) => Promise<Json>;
  /** Starts a nested execution (states:startExecution); resolves to its ARN and start date. */
  startChild: (start: ChildStart) => Promise<{ executionArn: string; startDate: number }>;
  /** A child's DescribeExecution shape, for .sync outputs. */
  describeForParent: (row: ExecutionRow) => Record<string, Json>;
  /** Whether an activity exists, and queuing a task on it for its workers (activities.ts). */
  activityExists: (activityArn: string) => boolean;
  offerActivity: (task: ActivityTask) => void;
  /** Step Functions Local's mocked responses: the response for the `call`-th call (from 0) of a state. */
  mockResponse?: (
    stateMachineArn: string,
    testCase: string,
    stateName: string,
    call: number,
  ) => { output?: Json; failure?: Failure } | undefined;
}

export interface TaskOptions extends TaskServices {
  region: string;
  tokens: Pick<Tokens, 'issue' | 'reopen'>;
  /** Side effects after the commit, and the count of calls in flight. */
  calls: Pick<Scheduler, 'effect' | 'callStarted' | 'callReturned'>;
  isRunning(arn: string): boolean;
  getExecution(arn: string): ExecutionRow | undefined;
}

export class TaskStates {
  private readonly run: Run;
  private readonly o: TaskOptions;
  /** Tells a call's outcome from that of an earlier call of the same thread. */
  private nextEffect = 1;

  constructor(run: Run, options: TaskOptions) {
    this.run = run;
    this.o = options;
  }

  async start(exec: Execution, t: Thread, state: State): Promise<void> {
    const resourceName = String(state.Resource);
    const resolved = resolveResource(resourceName);
    if (!resolved) {
      throw new StatesFailure({
        error: 'States.Runtime',
        cause: `The resource ${resourceName} of state ${t.state} is not supported by the local Step Functions runtime`,
      });
    }
    const token = resolved.pattern === 'token' ? newToken() : undefined;
    const scope = this.run.scope(exec, t, { token });
    const parameters = await P.taskParameters(state, t.input, scope);
    const { timeout, heartbeat } = await P.taskTimeouts(state, t.input, scope);
    const effect = this.nextEffect++;
    const task: TaskRun = {
      effect,
      service: resolved.service,
      resource: resolved.resource,
      action: resolved.action,
      pattern: resolved.pattern,
      lambdaArn: resolved.lambdaArn,
      parameters,
      token,
      ...(heartbeat !== undefined ? { heartbeat } : {}),
    };
    if (resolved.service === 'states' && resolved.action === 'startExecution') task.childName = randomUUID();
    const testCase = exec.row.testCase;
    if (testCase && this.o.mockResponse) {
      exec.st.mockCalls ??= {};
      const calls = exec.st.mockCalls;
      const n = calls[t.state] ?? 0;
      const mock = this.o.mockResponse(exec.row.smArn, testCase, t.state, n);
      if (mock) {
        calls[t.state] = n + 1;
        task.mocked = mock;
      }
    }
    t.task = task;
    t.phase = 'task';
    if (resolved.activityArn && !task.mocked) {
      task.activityArn = resolved.activityArn;
      return this.scheduleActivity(exec, t, task, timeout, heartbeat);
    }
    if (resolved.lambdaArn) {
      this.run.emit(exec, t, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', {
        resource: resourceName,
        input: JSON.stringify(parameters),
        inputDetails: { truncated: false },
        timeoutInSeconds: timeout,
      });
      this.run.emit(exec, t, 'LambdaFunctionStarted', undefined, undefined);
    } else {
      this.run.emit(exec, t, 'TaskScheduled', 'taskScheduledEventDetails', {
        resourceType: resolved.service,
        resource: resolved.resource,
        region: this.o.region,
        parameters: JSON.stringify(parameters),
        timeoutInSeconds: timeout,
        heartbeatInSeconds: heartbeat,
      });
      this.run.emit(exec, t, 'TaskStarted', 'taskStartedEventDetails', {
        resourceType: resolved.service,
        resource: resolved.resource,
      });
    }
    // The execution may have ended with these events (its history is full): nothing is started then.
    if (exec.done) return;
    const now = this.run.now();
    if (timeout !== undefined) this.run.arm(exec, t, 'timeout', now + timeout * 1000);
    if (heartbeat !== undefined && resolved.pattern !== 'request') {
      this.run.arm(exec, t, 'heartbeat', now + heartbeat * 1000);
    }
    if (token) {
      this.o.tokens.issue(token, exec, t.id);
    }
    this.launch(exec, t, task);
  }

  /**
   * A Task on an activity: ActivityScheduled, its TimeoutSeconds armed from now, its token open and the task
   * queued for a worker once the turn is committed. HeartbeatSeconds counts from ActivityStarted.
   */
  private scheduleActivity(
    exec: Execution,
    t: Thread,
    task: TaskRun,
    timeout: number | undefined,
    heartbeat: number | undefined,
  ): void {
    const arn = task.activityArn!;
    if (!this.o.activityExists(arn)) {
      const failure = { error: 'States.Runtime', cause: `The activity ${arn} does not exist` };
      this.run.emit(exec, t, 'ActivityScheduleFailed', 'activityScheduleFailedEventDetails', failure);
      t.task = undefined;
      throw new StatesFailure(failure);
    }
    this.run.emit(exec, t, 'ActivityScheduled', 'activityScheduledEventDetails', {
      resource: arn,
      input: JSON.stringify(task.parameters ?? null),
      inputDetails: { truncated: false },
      timeoutInSeconds: timeout,
      heartbeatInSeconds: heartbeat,
    });
    if (exec.done) return;
    if (timeout !== undefined) this.run.arm(exec, t, 'timeout', this.run.now() + timeout * 1000);
    this.o.tokens.issue(task.token!, exec, t.id);
    this.queueActivity(task);
  }

  private queueActivity(task: TaskRun): void {
    const queued = {
      activityArn: task.activityArn!,
      token: task.token!,
      input: JSON.stringify(task.parameters ?? null),
    };
    this.o.calls.effect(() => this.o.offerActivity(queued));
  }

  /** A worker took the activity task (GetActivityTask): ActivityStarted; false when it was taken already. */
  activityStarted(exec: Execution, t: Thread, workerName: string | undefined): boolean {
    const task = t.task;
    if (!task?.activityArn || task.submitted) return false;
    task.submitted = true;
    this.run.emit(
      exec,
      t,
      'ActivityStarted',
      'activityStartedEventDetails',
      workerName === undefined ? {} : { workerName },
    );
    if (task.heartbeat !== undefined) {
      this.run.arm(exec, t, 'heartbeat', this.run.now() + task.heartbeat * 1000);
    }
    this.run.touch(exec);
    return true;
  }

  /** SendTaskHeartbeat: the heartbeat timer starts again; false when the task has none running. */
  heartbeat(exec: Execution, t: Thread): boolean {
    const seconds = t.timers.heartbeat === undefined ? undefined : t.task?.heartbeat;
    if (seconds === undefined) return false;
    this.run.arm(exec, t, 'heartbeat', this.run.now() + seconds * 1000);
    return true;
  }

  /** The task's TimeoutSeconds or HeartbeatSeconds passed. */
  async timedOut(exec: Execution, t: Thread, kind: 'timeout' | 'heartbeat'): Promise<void> {
    const task = t.task;
    if (!task) return;
    const failure: Failure =
      kind === 'timeout'
        ? { error: 'States.Timeout', cause: 'The task did not finish within its TimeoutSeconds' }
        : {
            error: 'States.HeartbeatTimeout',
            cause: 'No heartbeat was received within HeartbeatSeconds',
          };
    this.emitOutcome(exec, t, task, 'TimedOut', { ...failure });
    this.run.closeTaskToken(exec, t);
    t.task = undefined;
    return await this.run.stateFailed(exec, t, failure);
  }

  /** After a restart: the token open again, a nested execution that ended meanwhile taken, a call repeated. */
  resume(exec: Execution, t: Thread): void {
    const task = t.task!;
    if (task.token) this.o.tokens.reopen(task.token, exec, t.id);
    if (task.activityArn) {
      // Queued again for a worker unless one had taken it (its heartbeat timer is re-armed by the engine).
      if (!task.submitted) this.queueActivity(task);
    } else if (task.child) {
      const child = this.o.getExecution(task.child);
      if (child && child.status !== 'RUNNING') {
        this.run.enqueue(exec, () => this.childFinished(exec, t.id, task.effect, child));
      }
    } else if (!task.submitted) {
      this.launch(exec, t, task);
    }
  }

  /** Starts the task's call once the current batch is committed. */
  private launch(exec: Execution, t: Thread, task: TaskRun): void {
    const thread = t.id;
    const stateName = t.state;
    this.o.calls.effect(() => {
      this.o.calls.callStarted();
      const call: TaskCall = { executionArn: exec.row.arn, stateName, token: task.token };
      this.callResource(exec, thread, task, call).then(
        (output) => this.completeEffect(exec, thread, task.effect, { output }),
        (error) =>
          this.completeEffect(exec, thread, task.effect, { failure: P.asFailure(error) ?? toFailure(error) }),
      );
    });
  }

  private completeEffect(
    exec: Execution,
    thread: number,
    effect: number,
    outcome: { output?: Json; failure?: Failure },
  ): void {
    this.o.calls.callReturned(exec, async () => {
      const t = exec.st.threads[thread];
      const task = t?.task;
      if (!t || !task || task.effect !== effect || task.submitted) return;
      if (outcome.failure) return this.failed(exec, t, outcome.failure);
      if (task.pattern === 'request' || task.mocked) return this.succeeded(exec, t, outcome.output);
      task.submitted = true;
      if (task.pattern !== 'token' && task.service === 'states') {
        task.child = (outcome.output as { ExecutionArn: string }).ExecutionArn;
      }
      this.run.emit(exec, t, 'TaskSubmitted', 'taskSubmittedEventDetails', {
        resourceType: task.service,
        resource: task.resource,
        output: JSON.stringify(outcome.output ?? null),
        outputDetails: { truncated: false },
      });
      if (task.child && !this.o.isRunning(task.child)) {
        const row = this.o.getExecution(task.child);
        if (row && row.status !== 'RUNNING') await this.childFinished(exec, t.id, task.effect, row);
      }
    });
  }

  private async callResource(exec: Execution, thread: number, task: TaskRun, call: TaskCall): Promise<Json> {
    if (task.mocked) {
      if (task.mocked.failure) throw new StatesFailure(task.mocked.failure);
      return task.mocked.output;
    }
    if (task.lambdaArn) return await this.o.invokeLambdaTask(task.resource, task.parameters, call);
    if (task.service === 'states' && task.action === 'startExecution') {
      const p = (task.parameters ?? {}) as Record<string, unknown>;
      if (typeof p.StateMachineArn !== 'string') {
        throw new StatesFailure({ error: 'States.Runtime', cause: 'startExecution needs StateMachineArn' });
      }
      const input =
        p.Input === undefined ? '{}' : typeof p.Input === 'string' ? p.Input : JSON.stringify(p.Input);
      const started = await this.o.startChild({
        stateMachineArn: p.StateMachineArn,
        input,
        name: typeof p.Name === 'string' ? p.Name : task.childName!,
        parent: { arn: exec.row.arn, thread, effect: task.effect },
      });
      return { ExecutionArn: started.executionArn, StartDate: started.startDate };
    }
    const integration = this.o.integrations.get(`${task.service}:${task.action}`);
    if (!integration) {
      throw new StatesFailure({
        error: 'States.Runtime',
        cause: `The resource arn:aws:states:::${task.service}:${task.resource} is not supported by the local Step Functions runtime`,
      });
    }
    return await integration(task.parameters, call);
  }

  /** The task's result (a call's return, SendTaskSuccess, a nested execution's success). */
  async succeeded(exec: Execution, t: Thread, output: Json): Promise<void> {
    const task = t.task!;
    this.run.closeTaskToken(exec, t);
    this.emitOutcome(exec, t, task, 'Succeeded', {
      output: JSON.stringify(output ?? null),
      outputDetails: { truncated: false },
    });
    this.run.clearTimers(exec, t);
    const state = stateOf(exec, t);
    try {
      const outcome = await P.taskOutput(state, t.input, output, this.run.scope(exec, t));
      await this.run.exit(exec, t, state, outcome);
    } catch (error) {
      const failure = P.asFailure(error);
      if (!failure) throw error;
      await this.run.stateFailed(exec, t, failure);
    }
  }

  /** The task's error (a call's, SendTaskFailure, a nested execution's failure). */
  async failed(exec: Execution, t: Thread, failure: Failure): Promise<void> {
    const task = t.task!;
    this.run.closeTaskToken(exec, t);
    this.emitOutcome(exec, t, task, 'Failed', { ...failure });
    t.task = undefined;
    await this.run.stateFailed(exec, t, failure);
  }

  /** A nested execution started by this thread's `.sync` task stopped. */
  async childFinished(exec: Execution, thread: number, effect: number, child: ExecutionRow): Promise<void> {
    const t = exec.st.threads[thread];
    const task = t?.task;
    if (!t || !task || task.effect !== effect) return;
    if (task.pattern === 'request' || task.pattern === 'token') return;
    const described = this.o.describeForParent(child);
    if (child.status === 'SUCCEEDED') {
      if (task.pattern === 'sync2')
        described.Output = child.output === null ? null : JSON.parse(child.output);
      return await this.succeeded(exec, t, described);
    }
    await this.failed(exec, t, {
      error: child.status === 'TIMED_OUT' ? 'States.Timeout' : 'States.TaskFailed',
      cause: JSON.stringify(described),
    });
  }

  /** LambdaFunction… events for a Lambda function ARN, Task… events (naming the resource) for the others. */
  private emitOutcome(
    exec: Execution,
    t: Thread,
    task: TaskRun,
    outcome: 'Succeeded' | 'Failed' | 'TimedOut',
    details: Record<string, unknown>,
  ): void {
    if (task.activityArn) {
      this.run.emit(exec, t, `Activity${outcome}`, `activity${outcome}EventDetails`, details);
    } else if (task.lambdaArn) {
      this.run.emit(exec, t, `LambdaFunction${outcome}`, `lambdaFunction${outcome}EventDetails`, details);
    } else {
      this.run.emit(exec, t, `Task${outcome}`, `task${outcome}EventDetails`, {
        resourceType: task.service,
        resource: task.resource,
        ...details,
      });
    }
  }
}
