// Template state machines deployed into the runtime as CloudFormation would: definitions resolved, their
// substitutions applied, created, updated when they change, and deleted when the template drops them.
import { describe, expect, test } from 'vitest';
import { Resolver } from '#local/cloud/intrinsics.ts';
import { deployStateMachines, stateMachinesOf } from '#local/cloud/state-machines.ts';
import { StepFunctionsRuntime } from '#local/stepfunctions/runtime.ts';

const role = { Type: 'AWS::IAM::Role', Properties: {} };

function machines(definitions: Record<string, Record<string, unknown>>) {
  const resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> = { Role: role };
  for (const [id, properties] of Object.entries(definitions)) {
    resources[id] = {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: { RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] }, ...properties },
    };
  }
  resources.Fn = { Type: 'AWS::Lambda::Function', Properties: {} };
  return stateMachinesOf(new Resolver({ stackName: 'S', template: { Resources: resources } }));
}

const pass = (result: string) =>
  JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });

describe('reading state machines from the template', () => {
  test('an object Definition is resolved and DefinitionSubstitutions are applied', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a DefinitionSubstitutions placeholder
    const target = '${Target}';
    const [machine] = machines({
      Flow: {
        StateMachineName: 'pilot-flow',
        Definition: {
          StartAt: 'Call',
          States: { Call: { Type: 'Task', Resource: target, Next: 'Done' }, Done: { Type: 'Succeed' } },
        },
        DefinitionSubstitutions: { Target: { 'Fn::GetAtt': ['Fn', 'Arn'] } },
      },
    });
    expect(machine?.name).toBe('pilot-flow');
    expect(machine?.arn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:pilot-flow');
    expect(machine?.roleArn).toBe('arn:aws:iam::123456789012:role/S-Role');
    expect(JSON.parse(machine?.definition ?? '{}').States.Call.Resource).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:S-Fn',
    );
  });
});

describe('deploying into the runtime', () => {
  test('creates the template’s machines, updates a changed one and deletes one the template dropped', async () => {
    const runtime = await StepFunctionsRuntime.open({});
    try {
      await deployStateMachines(
        runtime,
        machines({ A: { DefinitionString: pass('a') }, B: { DefinitionString: pass('b') } }),
      );
      await deployStateMachines(runtime, machines({ A: { DefinitionString: pass('a2') } }));
      const { stateMachines } = await runtime.listStateMachines({});
      expect(stateMachines.map((m) => m.name)).toEqual(['A']);
      const a = await runtime.describeStateMachine({ stateMachineArn: stateMachines[0]?.stateMachineArn });
      expect(JSON.parse(a.definition).States.P.Result).toBe('a2');
    } finally {
      await runtime.close();
    }
  });
});
