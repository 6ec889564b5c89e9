// The state machines and their functions as synthesised: what each machine is made of, and that every
// function can do what it must and nothing more. Behaviour is tested by running them (test/integration).
import { describe, expect, it } from 'vitest';
import { validateAsl } from '#test/support/asl-validator.ts';
import { type AslState, allStates, stateMachines } from '#test/support/definitions.ts';
import { stackTemplate } from '#test/support/template.ts';
import { STALLED_ERROR, TRANSIENT_ERRORS } from '#workflows/flow.ts';

const machines = stateMachines();
const MACHINES = ['Launch', 'Implementation', 'Evaluation', 'Pilot', 'Programme'];

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };
const resources = () => (stackTemplate() as { Resources: Record<string, Resource> }).Resources;

const isHumanTask = (s: AslState) => s.Resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken';

describe('the state machines', () => {
  it('are the five of the design, each a JSONata definition that the ASL schema accepts', async () => {
    expect(Object.keys(machines).sort()).toEqual([...MACHINES].sort());
    for (const name of MACHINES) {
      const { definition } = machines[name]!;
      expect(definition.QueryLanguage).toBe('JSONata');
      const result = await validateAsl(definition);
      expect(result.isValid, `${name}: ${result.errorsText('\n')}`).toBe(true);
    }
  });

  it('wait for a decision in every human task, with a timeout that ends in a stalled state', () => {
    for (const name of ['Launch', 'Implementation', 'Evaluation', 'Programme']) {
      const states = allStates(machines[name]!.definition);
      const human = states.filter(
        ([, s]) => isHumanTask(s) && (s.Arguments?.Payload as { kind?: string })?.kind,
      );
      expect(human.length, name).toBeGreaterThan(0);
      for (const [stateName, state] of human) {
        expect(Number(state.TimeoutSeconds), stateName).toBeGreaterThanOrEqual(30 * 86_400);
        const payload = state.Arguments!.Payload as Record<string, string>;
        expect(payload.taskToken).toBe('{% $states.context.Task.Token %}');
        expect(payload.taskId).toBe('{% $taskId %}');
        expect(state.Retry?.[0]?.ErrorEquals).toEqual(TRANSIENT_ERRORS);
        const onTimeout = state.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'));
        expect(onTimeout, stateName).toBeDefined();
        const report = states.find(([n]) => n === onTimeout!.Next)![1];
        const stalled = states.find(([n]) => n === report.Next)![1];
        expect(stalled).toMatchObject({ Type: 'Fail', Error: STALLED_ERROR });
      }
    }
  });

  it('route every failure outside a Map iteration to the lead unit before stopping', () => {
    for (const name of ['Launch', 'Implementation', 'Evaluation', 'Programme']) {
      const { States } = machines[name]!.definition;
      const notify = States['Notify the lead unit of the failure'];
      expect(notify?.Next, name).toBe('Stopped after a failure');
      for (const [stateName, state] of Object.entries(States)) {
        if (state.Type !== 'Task' && state.Type !== 'Map') continue;
        if (stateName === 'Notify the lead unit of the failure') continue;
        const all = state.Catch?.find((c) => c.ErrorEquals.includes('States.ALL'));
        expect(all?.Next, `${name} / ${stateName}`).toBe('Notify the lead unit of the failure');
      }
    }
  });

  it('read like the plan: the launch stage in the words an administrator sees', () => {
    const names = Object.keys(machines.Launch!.definition.States);
    expect(names).toEqual(
      expect.arrayContaining([
        'Wait for the launch window',
        'Send the mobilisation notice',
        'Acknowledge the pilot tasks',
        'Submit the implementation plan',
        'Review the implementation plan',
        'Is the implementation plan approved?',
      ]),
    );
  });

  it('countersign the acceptance with one human task per member of the working group', () => {
    const acceptance = machines.Evaluation!.definition.States['Acceptance by the working group']!;
    expect(acceptance.Type).toBe('Map');
    expect(acceptance.Items).toBe('{% $states.context.Execution.Input.acceptance.members %}');
    const inner = acceptance.ItemProcessor!.States['Sign the acceptance']!;
    expect(isHumanTask(inner)).toBe(true);
    expect(acceptance.Catch?.[0]).toMatchObject({ ErrorEquals: [STALLED_ERROR] });
  });

  it('run a pilot as three nested stage executions with deterministic names', () => {
    const { States } = machines.Pilot!.definition;
    for (const [state, suffix, machine] of [
      ['Launch', 'launch', 'Launch'],
      ['Implementation', 'implementation', 'Implementation'],
      ['Evaluation', 'evaluation', 'Evaluation'],
    ] as const) {
      expect(States[state]!.Resource).toBe('arn:aws:states:::states:startExecution.sync:2');
      expect(States[state]!.Arguments).toMatchObject({
        StateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${machines[machine]!.logicalId}`,
        Name: `{% $states.context.Execution.Input.executionName & '-${suffix}' %}`,
      });
    }
  });

  it('start every pilot from the programme and wait on one token for all of them', () => {
    const { States } = machines.Programme!.definition;
    const start = States['Start every pilot']!;
    expect(start.ItemProcessor!.States['Start the pilot']!.Resource).toBe(
      'arn:aws:states:::states:startExecution',
    );
    expect(States['Wait for every pilot to finish']!.Resource).toBe(
      'arn:aws:states:::lambda:invoke.waitForTaskToken',
    );
  });
});

/** The IAM actions and resources granted to a function's role, from its policies. */
function grantsOf(functionLogicalIdPart: string): Array<{ actions: string[]; resource: string }> {
  const all = resources();
  const [fnId, fn] = Object.entries(all).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.includes(functionLogicalIdPart),
  )!;
  expect(fnId).toBeDefined();
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  const grants: Array<{ actions: string[]; resource: string }> = [];
  for (const r of Object.values(all)) {
    if (r.Type !== 'AWS::IAM::Policy') continue;
    const roles = (r.Properties.Roles as Array<{ Ref: string }>).map((x) => x.Ref);
    if (!roles.includes(roleId!)) continue;
    for (const statement of (
      r.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }
    ).Statement) {
      const actions = ([] as string[]).concat(statement.Action);
      for (const resource of ([] as unknown[]).concat(statement.Resource))
        grants.push({ actions, resource: JSON.stringify(resource) });
    }
  }
  return grants;
}

const services = (grants: Array<{ actions: string[] }>) =>
  [...new Set(grants.flatMap((g) => g.actions.map((a) => a.split(':')[0])))].sort();

describe('the workflow functions', () => {
  it('let open-task use the table, read the link-signing secret, send e-mail and log: nothing else', () => {
    const grants = grantsOf('WorkflowOpenTask');
    expect(services(grants)).toEqual(['dynamodb', 'logs', 'secretsmanager', 'ses', 'xray']);
    const secret = grants.filter((g) => g.actions.some((a) => a.startsWith('secretsmanager:')));
    expect(secret.every((g) => g.resource.includes('LinkSigningKey'))).toBe(true);
    expect(secret.flatMap((g) => g.actions)).toEqual(['secretsmanager:GetSecretValue']);
    const mail = grants.filter((g) => g.actions.includes('ses:SendEmail'));
    expect(mail.map((g) => g.resource).join()).toContain('identity/xx-county.example');
    expect(
      grants
        .filter((g) => g.actions.some((a) => a.startsWith('dynamodb:')))
        .every((g) => g.resource.includes('DataTable')),
    ).toBe(true);
  });

  it('let only record-progress and await-pilots resume the Programme execution, with SendTaskSuccess alone', () => {
    // On `*`: SendTaskSuccess has no resource-level permission (test/infra/production.test.ts, IAM).
    for (const fn of ['WorkflowRecordProgress', 'WorkflowAwaitPilots']) {
      const sfn = grantsOf(fn).filter((g) => g.actions.some((a) => a.startsWith('states:')));
      expect(sfn.map((g) => g.resource)).toEqual(['"*"']);
      expect(sfn[0]!.actions.filter((a) => a.startsWith('states:'))).toEqual(['states:SendTaskSuccess']);
    }
    expect(services(grantsOf('WorkflowOpenTask'))).not.toContain('states');
    expect(services(grantsOf('WorkflowScoreAcceptance'))).toEqual(['dynamodb', 'logs', 'xray']);
  });

  it('mark launch-programme, and no other function, as the local cloud’s launcher, with only StartExecution on the Programme', () => {
    const launchers = Object.entries(resources()).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.['pilotflow:role'] === 'launcher',
    );
    expect(launchers.map(([id]) => id)).toEqual([expect.stringContaining('LaunchProgramme')]);
    const states = grantsOf('LaunchProgramme').filter((g) => g.actions.some((a) => a.startsWith('states:')));
    expect(states.map((g) => g.actions)).toEqual([['states:StartExecution']]);
    expect(states[0]!.resource).toContain('WorkflowsProgrammeStateMachine');
  });

  it('keep the link-signing key in a generated secret of 64 characters without punctuation', () => {
    const secret = Object.values(resources()).find((r) => r.Type === 'AWS::SecretsManager::Secret')!;
    expect(secret.Properties.GenerateSecretString).toMatchObject({
      PasswordLength: 64,
      ExcludePunctuation: true,
    });
  });
});
