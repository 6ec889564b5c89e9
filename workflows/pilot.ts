// A pilot's whole run: Launch → Implementation → Evaluation, each its own execution of its stage machine
// (startExecution.sync:2), named `<pilot execution name>-<stage>` so an administrator can open each stage on
// its own, and a retried start finds the same execution. A stage that stops records the pilot as stopped.

import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { type Flow, INPUT, jx, TRANSIENT_RETRY } from './flow.ts';

export interface StageMachines {
  launch: sfn.IStateMachine;
  implementation: sfn.IStateMachine;
  evaluation: sfn.IStateMachine;
}

/** The execution input of a stage: the pilot's own input, linked to this execution for the console. */
const STAGE_INPUT = `$merge([$states.context.Execution.Input, { "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": $states.context.Execution.Id }])`;

export function pilotDefinition(flow: Flow, stages: StageMachines): sfn.IChainable {
  const stopped = flow.call(
    'Record the pilot as stopped',
    'recordProgress',
    {
      event: 'outcome',
      pilotId: jx(`${INPUT}.pilotId`),
      outcome: 'stopped',
      reason: jx(`$string($failure.Error) & ': ' & $substring($string($failure.Cause), 0, 500)`),
    },
    { outputs: jx('$failure') },
  );
  stopped.next(
    flow.fail('Pilot stopped', 'PilotFlow.PilotStopped', 'A stage of this pilot stopped; see its execution.'),
  );
  const stage = (name: string, machine: sfn.IStateMachine, suffix: string) => {
    const task = tasks.StepFunctionsStartExecution.jsonata(flow.scope, name, {
      stateName: flow.name(name),
      stateMachine: machine,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      name: jx(`${INPUT}.executionName & '-${suffix}'`),
      input: sfn.TaskInput.fromText(jx(STAGE_INPUT)),
      outputs: jx('$states.input'),
    });
    task.addRetry(TRANSIENT_RETRY);
    task.addCatch(stopped, {
      errors: ['States.ALL'],
      assign: { failure: jx('$states.errorOutput') },
    });
    return task;
  };
  return stage('Launch', stages.launch, 'launch')
    .next(stage('Implementation', stages.implementation, 'implementation'))
    .next(stage('Evaluation', stages.evaluation, 'evaluation'))
    .next(flow.succeed('Pilot complete'));
}
