// The named pieces every PilotFlow state machine is built from (STYLE.md §6): a Lambda step with the
// standard Retry and Catch, a human task, a countersign, a wait for a stage's window, and the failure path.
// One Flow per state machine: it keeps state names unique and routes every failure to the same place.
// Query language: JSONata throughout; plan data comes from the execution input, read through
// `$states.context.Execution.Input` so it is the same inside Map iterations.

import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Duration } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import type { StageName, TaskKind } from '#plan/kinds.ts';

/** The Lambda functions the machines call (each a PilotFlowFunction in the stack). */
export interface WorkflowFunctions {
  openTask: IFunction;
  closeTask: IFunction;
  notifyFailure: IFunction;
  sendNotice: IFunction;
  recordProgress: IFunction;
  recordCheck: IFunction;
  scoreAcceptance: IFunction;
  compileSummary: IFunction;
  sendSummary: IFunction;
  awaitPilots: IFunction;
}

/**
 * Errors worth retrying: Lambda's own transient failures
 * (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html), a handler that ran
 * past its timeout (`Sandbox.Timedout`: a slow dependency, a sandbox starved of CPU; every handler is
 * idempotent, so running it again is safe), and our TransientError (functions/lib/errors.ts).
 */
export const TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  'Sandbox.Timedout',
  'TransientError',
];

/**
 * The one Retry of every Lambda step and nested start: the transient errors, retried six times after 2, 4, 8,
 * 16, 32 and 64 s (about two minutes in all), so a throttled or restarting dependency has time to recover.
 */
export const TRANSIENT_RETRY: sfn.RetryProps = Object.freeze({
  errors: TRANSIENT_ERRORS,
  interval: Duration.seconds(2),
  maxAttempts: 6,
  backoffRate: 2,
});

/** The error a stalled human task ends with, so an enclosing Map knows the lead unit was told already. */
export const STALLED_ERROR = 'PilotFlow.Stalled';
export const FAILED_ERROR = 'PilotFlow.Failed';

/** How long a human task waits for its decision before the stage is reported stalled. */
export const DEFAULT_HUMAN_TASK_TIMEOUT = Duration.days(120);

/** `{% expr %}`: a JSONata expression in a field. */
export const jx = (expression: string) => `{% ${expression} %}`;
/** The execution input (the same in every Map iteration). */
export const INPUT = '$states.context.Execution.Input';
/** The ISO instants of the programme's schedule (functions/domain/workflow-input.ts). */
export const SCHEDULE = `${INPUT}.schedule`;

export interface FlowProps {
  functions: WorkflowFunctions;
  /** The stage these states belong to (human tasks record it; the pilot/programme machines use theirs). */
  stage: StageName | 'pilot' | 'programme';
  /** JSONata for the pilot id (`-` for programme-wide machines). */
  pilotId?: string;
  humanTaskTimeout?: Duration;
}

export interface HumanTaskOptions {
  kind: TaskKind;
  /** A role (`pilot`, `stageLead`, `inspector`, `town`, `workingGroup`, `programmeLead`), a unit id, or `{% … %}`. */
  assignee: string;
  /** JSONata for the round number (default `$round`). */
  round?: string;
  /** JSONata for what the page shows besides the form (an object; keys with no value are left out). */
  context?: string;
  /** Variables to set from the decision (`$states.result`). */
  assign?: Record<string, string>;
  /** The stage recorded on the task (default: the flow's stage). */
  stage?: StageName;
  /** JSONata for the output (default: the decision, `$states.result`). */
  outputs?: string;
}

const MAX_NAME = 80;

export class Flow {
  readonly scope: Construct;
  private readonly props: FlowProps;

  get functions(): WorkflowFunctions {
    return this.props.functions;
  }
  /** State names of the whole state machine (Map iterations included), which must all differ. */
  private readonly names: Set<string>;
  private readonly inMap: boolean;
  private failureState?: sfn.IChainable;

  constructor(scope: Construct, id: string, props: FlowProps, parent?: { names: Set<string> }) {
    this.scope = new Construct(scope, id);
    this.props = props;
    this.inMap = parent !== undefined;
    this.names = parent?.names ?? new Set();
  }

  /** A flow for a Map's item processor: its failures propagate to the Map, which catches them. */
  child(id: string): Flow {
    return new Flow(this.scope, id, this.props, { names: this.names });
  }

  get pilotIdExpr(): string {
    return this.props.pilotId ?? `${INPUT}.pilotId`;
  }

  /** Payload fields every handler call carries. */
  ids(): Record<string, string> {
    return {
      programmeId: jx(`${INPUT}.programmeId`),
      executionArn: jx('$states.context.Execution.Id'),
    };
  }

  name(name: string): string {
    if (name.length > MAX_NAME) throw new Error(`state name longer than ${MAX_NAME} characters: ${name}`);
    if (this.names.has(name)) throw new Error(`state name used twice in one state machine: ${name}`);
    this.names.add(name);
    return name;
  }

  private id(name: string): string {
    return name.replace(/[^A-Za-z0-9]+/g, ' ').trim() || 'State';
  }

  /** The shared failure path: tell the lead unit, then stop. Catchers assign `$failedStep` and `$failure`. */
  failure(): sfn.IChainable {
    if (this.inMap) throw new Error('a Map iteration has no failure path of its own');
    if (!this.failureState) {
      const notify = tasks.LambdaInvoke.jsonata(this.scope, 'Notify failure', {
        stateName: this.name('Notify the lead unit of the failure'),
        lambdaFunction: this.props.functions.notifyFailure,
        retryOnServiceExceptions: false,
        payload: sfn.TaskInput.fromObject({
          ...this.ids(),
          pilotId: jx(this.pilotIdExpr),
          stage: this.props.stage,
          step: jx('$failedStep'),
          error: jx('$failure'),
        }),
        outputs: jx('$failure'),
      });
      notify.addRetry(TRANSIENT_RETRY);
      const fail = sfn.Fail.jsonata(this.scope, 'Failed', {
        stateName: this.name('Stopped after a failure'),
        error: FAILED_ERROR,
        cause: jx(`$failedStep & ' failed: ' & $string($failure.Error)`),
      });
      this.failureState = notify.next(fail);
    }
    return this.failureState;
  }

  /** Adds the standard Retry, and (outside Map iterations) the Catch to the failure path. */
  guard<T extends sfn.TaskStateBase | sfn.Map>(state: T): T {
    if (state instanceof sfn.TaskStateBase) {
      state.addRetry(TRANSIENT_RETRY);
    }
    if (!this.inMap) {
      state.addCatch(this.failure(), {
        errors: ['States.ALL'],
        assign: { failedStep: jx('$states.context.State.Name'), failure: jx('$states.errorOutput') },
      });
    }
    return state;
  }

  /** A Lambda step; its output is the function's return value. */
  call(
    name: string,
    fn: keyof WorkflowFunctions,
    payload: Record<string, unknown>,
    options: { assign?: Record<string, string>; outputs?: unknown } = {},
  ): tasks.LambdaInvoke {
    return this.guard(
      tasks.LambdaInvoke.jsonata(this.scope, this.id(name), {
        stateName: this.name(name),
        lambdaFunction: this.props.functions[fn],
        retryOnServiceExceptions: false,
        payload: sfn.TaskInput.fromObject({ ...this.ids(), ...payload }),
        outputs: options.outputs ?? jx('$states.result.Payload'),
        ...(options.assign ? { assign: options.assign } : {}),
      }),
    );
  }

  /** Records a stage's status on the pilot (the dashboard's matrix). */
  recordStage(name: string, stage: StageName, status: 'running' | 'done'): tasks.LambdaInvoke {
    return this.call(
      name,
      'recordProgress',
      {
        event: 'stage',
        pilotId: jx(this.pilotIdExpr),
        stage,
        status,
        step: jx('$states.context.State.Name'),
      },
      { outputs: jx('$states.input') },
    );
  }

  /** Waits until an instant of the schedule (a past instant goes on at once). */
  waitUntil(name: string, timestamp: string, assign?: Record<string, string>): sfn.Wait {
    return sfn.Wait.jsonata(this.scope, this.id(name), {
      stateName: this.name(name),
      time: sfn.WaitTime.timestamp(jx(timestamp)),
      ...(assign ? { assign } : {}),
    });
  }

  pass(name: string, props: { assign?: Record<string, string>; outputs?: unknown } = {}): sfn.Pass {
    return sfn.Pass.jsonata(this.scope, this.id(name), { stateName: this.name(name), ...props });
  }

  choice(name: string): sfn.Choice {
    return sfn.Choice.jsonata(this.scope, this.id(name), { stateName: this.name(name) });
  }

  succeed(name: string): sfn.Succeed {
    return sfn.Succeed.jsonata(this.scope, this.id(name), { stateName: this.name(name) });
  }

  fail(name: string, error: string, cause: string): sfn.Fail {
    return sfn.Fail.jsonata(this.scope, this.id(name), { stateName: this.name(name), error, cause });
  }

  /**
   * A human task: a Pass gives it a fresh task id (kept across retries of the Task), then the Task calls
   * open-task with a token and waits for the decision `{ outcome, comment, form, decidedBy, decidedAt }`,
   * which becomes its output. Past the timeout the task is reported stalled to the lead unit and the flow
   * stops in "Stalled: <name>".
   */
  humanTask(name: string, options: HumanTaskOptions): sfn.Chain {
    const assign = this.pass(`New task: ${name}`, { assign: { taskId: jx('$uuid()') } });
    const task = tasks.LambdaInvoke.jsonata(this.scope, this.id(name), {
      stateName: this.name(name),
      lambdaFunction: this.props.functions.openTask,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      retryOnServiceExceptions: false,
      taskTimeout: sfn.Timeout.duration(this.props.humanTaskTimeout ?? DEFAULT_HUMAN_TASK_TIMEOUT),
      payload: sfn.TaskInput.fromObject({
        ...this.ids(),
        taskToken: jx('$states.context.Task.Token'),
        taskId: jx('$taskId'),
        pilotId: jx(this.pilotIdExpr),
        stage: options.stage ?? this.props.stage,
        kind: options.kind,
        step: jx('$states.context.State.Name'),
        round: jx(options.round ?? '$round'),
        assignee: options.assignee,
        context: jx(options.context ?? '{}'),
      }),
      outputs: jx(options.outputs ?? '$states.result'),
      ...(options.assign ? { assign: options.assign } : {}),
    });
    task.addRetry(TRANSIENT_RETRY);
    const report = tasks.LambdaInvoke.jsonata(this.scope, this.id(`Report stalled ${name}`), {
      stateName: this.name(`Report the stalled task: ${name}`.slice(0, MAX_NAME)),
      lambdaFunction: this.props.functions.closeTask,
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({
        ...this.ids(),
        pilotId: jx(this.pilotIdExpr),
        stage: options.stage ?? this.props.stage,
        taskId: jx('$taskId'),
        step: name,
      }),
      outputs: jx('$states.input'),
    });
    report.addRetry(TRANSIENT_RETRY);
    const stalled = this.fail(
      `Stalled: ${name}`.slice(0, MAX_NAME),
      STALLED_ERROR,
      `No decision on "${name}" within the time allowed; the lead unit was told.`,
    );
    task.addCatch(report.next(stalled), { errors: ['States.Timeout'] });
    if (!this.inMap) {
      const catchAll = {
        errors: ['States.ALL'],
        assign: { failedStep: jx('$states.context.State.Name'), failure: jx('$states.errorOutput') },
      };
      task.addCatch(this.failure(), catchAll);
      report.addCatch(this.failure(), catchAll);
    }
    return sfn.Chain.start(assign).next(task);
  }

  /**
   * 会签 countersign: one human task per member (a Map over `items`, JSONata for an array of assignees), all
   * at once; the output is the array of their decisions. A member's stalled task stops the whole countersign.
   */
  countersign(
    name: string,
    options: Omit<HumanTaskOptions, 'assignee' | 'assign'> & {
      items: string;
      memberTask: string;
      assign?: Record<string, string>;
    },
  ): sfn.Map {
    const map = sfn.Map.jsonata(this.scope, this.id(name), {
      stateName: this.name(name),
      items: sfn.ProvideItems.jsonata(jx(options.items)),
      itemSelector: {
        assignee: jx('$states.context.Map.Item.Value'),
        round: jx(options.round ?? '$round'),
        context: jx(options.context ?? '{}'),
      },
      ...(options.assign ? { assign: options.assign } : {}),
    });
    const member = this.child(`${this.id(name)} member`);
    map.itemProcessor(
      member.humanTask(options.memberTask, {
        kind: options.kind,
        ...(options.stage ? { stage: options.stage } : {}),
        assignee: jx('$states.input.assignee'),
        round: '$states.input.round',
        context: `$merge([$states.input.context, { "memberUnit": $states.input.assignee }])`,
      }),
    );
    if (!this.inMap) {
      map.addCatch(
        this.fail(
          `Stalled: ${name}`.slice(0, MAX_NAME),
          STALLED_ERROR,
          `A member did not decide "${name}" in time.`,
        ),
        {
          errors: [STALLED_ERROR],
        },
      );
    }
    return this.guard(map);
  }
}

/** A Choice rule in JSONata: `cond("$review.outcome = 'approve'")`. */
export function cond(expression: string): sfn.Condition {
  return sfn.Condition.jsonata(jx(expression));
}
