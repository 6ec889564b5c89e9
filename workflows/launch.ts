// Stage 1, launch (工作启动): the mobilisation notice, every recipient acknowledges, the pilot submits its
// implementation plan and the civil affairs bureau approves it or returns it, as many rounds as it takes.
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { cond, type Flow, INPUT, jx, SCHEDULE } from './flow.ts';

export function launchDefinition(flow: Flow): sfn.IChainable {
  const wait = flow.waitUntil('Wait for the launch window', `${SCHEDULE}.launchStart`, {
    round: jx('1'),
    returnComment: jx("''"),
  });
  const started = flow.recordStage('Record the launch as started', 'launch', 'running');
  const notice = flow.call(
    'Send the mobilisation notice',
    'sendNotice',
    { notice: 'mobilisation', pilotId: jx(`${INPUT}.pilotId`) },
    { outputs: jx('$states.input') },
  );
  // Each participant unit and the pilot itself acknowledge receipt (会签 of acknowledgements).
  const acknowledge = flow.countersign('Acknowledge the pilot tasks', {
    kind: 'acknowledgement',
    items: `$append(${INPUT}.acknowledgers, ['pilot'])`,
    memberTask: 'Acknowledge receipt',
    round: '1',
  });
  const submit = flow.humanTask('Submit the implementation plan', {
    kind: 'implementationPlan',
    assignee: 'pilot',
    context: `{ "previousComment": $returnComment != '' ? $returnComment }`,
    assign: { submission: jx('$states.result.form') },
  });
  const review = flow.humanTask('Review the implementation plan', {
    kind: 'planReview',
    assignee: 'stageLead',
    context:
      `{ "submittedSummary": $submission.summary, "submittedFiles": $submission.document, ` +
      `"previousComment": $returnComment != '' ? $returnComment }`,
    assign: { review: jx('$states.result') },
  });
  const done = flow.recordStage('Record the launch as done', 'launch', 'done');
  const approved = flow
    .choice('Is the implementation plan approved?')
    // Returned: the pilot revises and resubmits; every round is its own pair of tasks, stored and audited.
    .when(cond(`$review.outcome != 'approve'`), submit, {
      assign: { round: jx('$round + 1'), returnComment: jx('$review.comment') },
    })
    .otherwise(done.next(flow.succeed('Launch complete')));
  return wait.next(started).next(notice).next(acknowledge).next(submit).next(review).next(approved);
}
