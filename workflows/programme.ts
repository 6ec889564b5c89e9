// The whole programme: start every pilot, wait until each has an outcome, compile the programme summary, and
// once every pilot is accepted, the lead unit confirms the summary materials and they go to the higher level
// (报送试点工作总结材料).
//
// Pilots are started, not awaited, by the Map: an inline Map runs at most 40 iterations at once, and a
// pilot lasts a year, so `.sync` iterations would hold back every pilot after the 40th. The Programme waits
// instead on one task token that the last pilot's outcome releases (functions/domain/progress.ts).

import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Duration } from 'aws-cdk-lib/core';
import { cond, type Flow, INPUT, jx, TRANSIENT_RETRY } from './flow.ts';

/** The Pilot machine's input for one pilot of the programme's input (functions/domain/workflow-input.ts). */
const PILOT_INPUT =
  `$merge([{ "programmeId": ${INPUT}.programmeId, "schedule": ${INPUT}.schedule, ` +
  `"acknowledgers": ${INPUT}.acknowledgers, "acceptance": ${INPUT}.acceptance }, $states.input, ` +
  `{ "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": $states.context.Execution.Id }])`;

export function programmeDefinition(
  flow: Flow,
  pilot: sfn.IStateMachine,
  waitTimeout: Duration,
): sfn.IChainable {
  const start = flow.child('Start pilot');
  const startPilot = tasks.StepFunctionsStartExecution.jsonata(start.scope, 'Start', {
    stateName: start.name('Start the pilot'),
    stateMachine: pilot,
    integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    name: jx('$states.input.executionName'),
    input: sfn.TaskInput.fromText(jx(PILOT_INPUT)),
    outputs: { pilotId: jx('$states.input.pilotId') },
  });
  startPilot.addRetry(TRANSIENT_RETRY);
  // A pilot execution of that name exists and finished: it was started by an earlier attempt.
  startPilot.addCatch(
    start.pass('Pilot started before', { outputs: { pilotId: jx('$states.input.pilotId') } }),
    {
      errors: ['StepFunctions.ExecutionAlreadyExistsException'],
    },
  );
  const startAll = sfn.Map.jsonata(flow.scope, 'Start every pilot', {
    stateName: flow.name('Start every pilot'),
    items: sfn.ProvideItems.jsonata(jx('$states.input.pilots')),
    maxConcurrency: 20,
    outputs: { started: jx('$count($states.result)') },
  });
  startAll.itemProcessor(startPilot);
  flow.guard(startAll);

  const waitAll = tasks.LambdaInvoke.jsonata(flow.scope, 'Wait for every pilot', {
    stateName: flow.name('Wait for every pilot to finish'),
    lambdaFunction: flow.functions.awaitPilots,
    integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    retryOnServiceExceptions: false,
    taskTimeout: sfn.Timeout.duration(waitTimeout),
    payload: sfn.TaskInput.fromObject({ ...flow.ids(), taskToken: jx('$states.context.Task.Token') }),
    outputs: jx('$states.result'),
  });
  flow.guard(waitAll);

  const compile = flow.call(
    'Compile the programme summary',
    'compileSummary',
    { scope: 'programme' },
    {
      assign: { programmeSummary: jx('$states.result.Payload') },
    },
  );
  const confirm = flow.humanTask('Confirm the summary materials', {
    kind: 'summary',
    assignee: 'programmeLead',
    stage: 'evaluation',
    round: '1',
    assign: { summaryDecision: jx('$states.result'), summaryTaskId: jx('$taskId') },
  });
  const send = flow.call('Send the summary to the higher level', 'sendSummary', {
    taskId: jx('$summaryTaskId'),
    decision: jx('$summaryDecision'),
  });
  const notAccepted = flow.call('Tell the lead unit not every pilot was accepted', 'notifyFailure', {
    pilotId: '-',
    stage: 'programme',
    step: 'Were all pilots accepted?',
    error: {
      Error: 'PilotFlow.NotAllAccepted',
      Cause: jx(
        `$string($programmeSummary.accepted) & ' of ' & $string($programmeSummary.total) & ' pilots were accepted'`,
      ),
    },
  });
  notAccepted.next(
    flow.fail('Not every pilot was accepted', 'PilotFlow.NotAllAccepted', 'The summary was not sent.'),
  );
  const all = flow
    .choice('Were all pilots accepted?')
    .when(
      cond('$programmeSummary.allAccepted = true'),
      confirm.next(send).next(flow.succeed('Programme complete')),
    )
    .otherwise(notAccepted);
  return startAll.next(waitAll).next(compile).next(all);
}
