// Stage 3, evaluation and acceptance (评估验收): the pilot's self-inspection (自查) → the town's preliminary
// evaluation (初评, community pilots only; a return goes back to self-inspection) → county acceptance by the
// working group (验收: 会签 every member, or 或签 any one, as the plan says). A return, or a weighted score
// below the pass score, sends the pilot to rectification and re-acceptance. Then its summary report.
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { cond, type Flow, INPUT, jx, SCHEDULE } from './flow.ts';

export function evaluationDefinition(flow: Flow): sfn.IChainable {
  const pilotId = jx(`${INPUT}.pilotId`);
  const wait = flow.waitUntil('Wait for the evaluation window', `${SCHEDULE}.evaluationStart`, {
    round: jx('1'),
    returnComment: jx("''"),
    acceptanceRound: jx('1'),
  });
  const started = flow.recordStage('Record the evaluation as started', 'evaluation', 'running');
  const selfInspection = flow.humanTask('Carry out the self-inspection', {
    kind: 'selfInspection',
    assignee: 'pilot',
    context: `{ "previousComment": $returnComment != '' ? $returnComment }`,
    assign: { selfInspection: jx('$states.result.form') },
  });
  const preliminary = flow.humanTask('Carry out the preliminary evaluation', {
    kind: 'preliminaryEvaluation',
    assignee: 'town',
    context: `{ "submittedSummary": $selfInspection.summary, "submittedFiles": $selfInspection.evidence }`,
    assign: { preliminary: jx('$states.result') },
  });
  const passed = flow.choice('Did the town pass the preliminary evaluation?');

  // The acceptance round's context: after a failed round, the members see the score and the comments.
  const acceptanceContext = `$acceptanceRound > 1 ? { "previousComment": $acceptance.comments, "score": $acceptance.score } : {}`;
  const countersign = flow.countersign('Acceptance by the working group', {
    kind: 'acceptance',
    items: `${INPUT}.acceptance.members`,
    memberTask: 'Sign the acceptance',
    round: '$acceptanceRound',
    context: acceptanceContext,
  });
  const anyOne = flow.humanTask('Acceptance by one member of the working group', {
    kind: 'acceptance',
    assignee: 'workingGroup',
    round: '$acceptanceRound',
    context: acceptanceContext,
    outputs: '[$states.result]',
  });
  const score = flow.call(
    'Score the acceptance',
    'scoreAcceptance',
    { pilotId, round: jx('$acceptanceRound'), decisions: jx('$states.input') },
    { assign: { acceptance: jx('$states.result.Payload') } },
  );
  const signing = flow
    .choice('How does the working group sign?')
    .when(cond(`${INPUT}.acceptance.mode = 'countersign'`), countersign)
    .otherwise(anyOne);
  countersign.next(score);
  anyOne.next(score);

  const rectify = flow.humanTask('Rectify after the acceptance', {
    kind: 'rectification',
    assignee: 'pilot',
    round: '$acceptanceRound',
    context: `{ "previousComment": $acceptance.comments != '' ? $acceptance.comments, "score": $acceptance.score }`,
  });
  const reaccept = flow.pass('Prepare the re-acceptance', {
    assign: { acceptanceRound: jx('$acceptanceRound + 1') },
  });
  rectify.next(reaccept).next(signing);

  const accepted = flow.call(
    'Record the pilot as accepted',
    'recordProgress',
    { event: 'outcome', pilotId, outcome: 'accepted', acceptanceScore: jx('$acceptance.score') },
    { outputs: jx('$states.input') },
  );
  const summary = flow.call(
    "Compile the pilot's summary report",
    'compileSummary',
    { scope: 'pilot', pilotId },
    { outputs: jx('$acceptance') },
  );
  const done = flow.recordStage('Record the evaluation as done', 'evaluation', 'done');
  accepted.next(summary).next(done).next(flow.succeed('Evaluation complete'));
  score.next(
    flow
      .choice('Is the pilot accepted?')
      .when(cond('$acceptance.passed = true'), accepted)
      .otherwise(rectify),
  );

  passed
    .when(cond(`$preliminary.outcome != 'approve'`), selfInspection, {
      assign: { round: jx('$round + 1'), returnComment: jx('$preliminary.comment') },
    })
    .otherwise(signing);
  const level = flow
    .choice('Is the pilot a community?')
    .when(cond(`${INPUT}.level = 'community'`), preliminary.next(passed))
    .otherwise(signing);
  return wait.next(started).next(selfInspection).next(level);
}
