// Stage 2, implementation (组织实施): until the window ends, a supervision check (督查) at each of the plan's
// check times; problems found go to the pilot as a rectification task (整改) with a deadline, and the
// inspector verifies it (approve, or return for more work). Study tours are recorded on the check form.
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { cond, type Flow, INPUT, jx, SCHEDULE } from './flow.ts';

export function implementationDefinition(flow: Flow): sfn.IChainable {
  const wait = flow.waitUntil('Wait for the implementation window', `${SCHEDULE}.implementationStart`, {
    check: jx('0'),
  });
  const started = flow.recordStage('Record the implementation as started', 'implementation', 'running');
  const nextCheck = flow.pass('Count the check', { assign: { check: jx('$check + 1') } });
  const waitForCheck = flow.waitUntil(
    'Wait for the next supervision check',
    `${SCHEDULE}.checkTimes[$check]`,
    {
      round: jx('1'),
      rectifyComment: jx("''"),
    },
  );
  const check = flow.humanTask('Carry out the supervision check', {
    kind: 'supervisionCheck',
    assignee: 'inspector',
    assign: { checkDecision: jx('$states.result'), checkTaskId: jx('$taskId') },
  });
  const record = flow.call(
    'Record the supervision check',
    'recordCheck',
    {
      pilotId: jx(`${INPUT}.pilotId`),
      checkNumber: jx('$check + 1'),
      taskId: jx('$checkTaskId'),
      decision: jx('$checkDecision'),
    },
    { assign: { checkRecord: jx('$states.result.Payload') } },
  );
  const rectify = flow.humanTask('Rectify the problems', {
    kind: 'rectification',
    assignee: 'pilot',
    context:
      `{ "problems": $checkRecord.problems, "dueBy": $checkRecord.rectifyBy ? $checkRecord.rectifyBy, ` +
      `"previousComment": $rectifyComment != '' ? $rectifyComment }`,
    assign: { rectification: jx('$states.result.form') },
  });
  const verify = flow.humanTask('Verify the rectification', {
    kind: 'verification',
    assignee: 'inspector',
    context:
      `{ "problems": $checkRecord.problems, "submittedSummary": $rectification.measures, ` +
      `"submittedFiles": $rectification.evidence }`,
    assign: { verification: jx('$states.result') },
  });
  const verified = flow
    .choice('Is the rectification verified?')
    .when(cond(`$verification.outcome != 'approve'`), rectify, {
      assign: { round: jx('$round + 1'), rectifyComment: jx('$verification.comment') },
    })
    .otherwise(nextCheck);
  const problems = flow
    .choice('Were problems found?')
    .when(cond('$checkRecord.problemsFound = true'), rectify)
    .otherwise(nextCheck);
  const endOfWindow = flow.waitUntil(
    'Wait for the end of the implementation window',
    `${SCHEDULE}.implementationEnd`,
  );
  const done = flow.recordStage('Record the implementation as done', 'implementation', 'done');
  const due = flow
    .choice('Is another supervision check due?')
    .when(cond(`$check < $count(${SCHEDULE}.checkTimes)`), waitForCheck)
    .otherwise(endOfWindow.next(done).next(flow.succeed('Implementation complete')));
  waitForCheck.next(check).next(record).next(problems);
  rectify.next(verify).next(verified);
  nextCheck.next(due);
  return wait.next(started).next(due);
}
