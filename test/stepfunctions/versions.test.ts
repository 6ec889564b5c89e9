// Versions and aliases through @aws-sdk/client-sfn: publish on Create/UpdateStateMachine and
// PublishStateMachineVersion (numbered, idempotent per revision), an execution of a version runs that version's
// definition whatever the machine became, an alias routes by weight, executions say which version and alias
// started them, and the Conflict/validation rules AWS applies.
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachineVersionsCommand,
  PublishStateMachineVersionCommand,
  StartExecutionCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, ROLE, settle, startHarness } from './harness.ts';

let h: Harness;
let random = 0.5;
beforeAll(async () => {
  h = await startHarness({ random: () => random });
});
afterAll(async () => {
  await h.close();
});

/** A machine whose output names its release. */
const release = (n: string) =>
  JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: n, End: true } } });

let counter = 0;
async function machineWithTwoVersions() {
  const name = `v${++counter}`;
  const created = await h.sfn.send(
    new CreateStateMachineCommand({
      name,
      definition: release('one'),
      roleArn: ROLE,
      publish: true,
      versionDescription: 'first',
    }),
  );
  const updated = await h.sfn.send(
    new UpdateStateMachineCommand({
      stateMachineArn: created.stateMachineArn,
      definition: release('two'),
      publish: true,
    }),
  );
  return {
    arn: created.stateMachineArn!,
    v1: created.stateMachineVersionArn!,
    v2: updated.stateMachineVersionArn!,
  };
}

async function runOn(stateMachineArn: string) {
  const { executionArn } = await h.sfn.send(new StartExecutionCommand({ stateMachineArn }));
  await settle(h);
  return await h.sfn.send(new DescribeExecutionCommand({ executionArn }));
}

describe('versions', () => {
  it('publishes numbered versions at creation and update, each running its own definition', async () => {
    const m = await machineWithTwoVersions();
    expect([m.v1, m.v2]).toEqual([`${m.arn}:1`, `${m.arn}:2`]);
    await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: m.arn, definition: release('three') }));
    const one = await runOn(m.v1);
    expect([one.output, one.stateMachineArn, one.stateMachineVersionArn]).toEqual(['"one"', m.arn, m.v1]);
    expect((await runOn(m.v2)).output).toBe('"two"');
    const latest = await runOn(m.arn);
    expect([latest.output, latest.stateMachineVersionArn]).toEqual(['"three"', undefined]);
    expect(await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: m.v1 }))).toMatchObject({
      stateMachineArn: m.v1,
      definition: release('one'),
      description: 'first',
    });
  });

  it('answers a second publish of the same revision with its version, and lists versions newest first', async () => {
    const m = await machineWithTwoVersions();
    const again = await h.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: m.arn }));
    expect(again.stateMachineVersionArn).toBe(m.v2);
    const out = await h.sfn.send(
      new ListStateMachineVersionsCommand({ stateMachineArn: m.arn, maxResults: 1 }),
    );
    expect(out.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([m.v2]);
    const next = await h.sfn.send(
      new ListStateMachineVersionsCommand({ stateMachineArn: m.arn, nextToken: out.nextToken }),
    );
    expect(next.stateMachineVersions!.map((v) => v.stateMachineVersionArn)).toEqual([m.v1]);
  });

  it('refuses to publish a revision that is no longer current', async () => {
    const m = await machineWithTwoVersions();
    const { revisionId } = await h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: m.arn }));
    await h.sfn.send(new UpdateStateMachineCommand({ stateMachineArn: m.arn, definition: release('three') }));
    await expect(
      h.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: m.arn, revisionId })),
    ).rejects.toMatchObject({ name: 'ConflictException' });
  });

  it('never reuses a deleted version number', async () => {
    const m = await machineWithTwoVersions();
    await h.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: m.v2 }));
    await expect(
      h.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: m.v2 })),
    ).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
    const v3 = await h.sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: m.arn }));
    expect(v3.stateMachineVersionArn).toBe(`${m.arn}:3`);
  });

  it('refuses versionDescription without publish', async () => {
    await expect(
      h.sfn.send(
        new CreateStateMachineCommand({
          name: 'Described',
          definition: release('x'),
          roleArn: ROLE,
          versionDescription: 'd',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('aliases', () => {
  it('routes executions by weight and says which alias and version started each', async () => {
    const m = await machineWithTwoVersions();
    const { stateMachineAliasArn } = await h.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        routingConfiguration: [
          { stateMachineVersionArn: m.v1, weight: 80 },
          { stateMachineVersionArn: m.v2, weight: 20 },
        ],
      }),
    );
    expect(stateMachineAliasArn).toBe(`${m.arn}:live`);
    random = 0.79; // within the first 80
    const first = await runOn(stateMachineAliasArn!);
    random = 0.8; // the last 20
    const second = await runOn(stateMachineAliasArn!);
    random = 0.5;
    expect([first.output, first.stateMachineVersionArn, first.stateMachineAliasArn]).toEqual([
      '"one"',
      m.v1,
      stateMachineAliasArn,
    ]);
    expect([second.output, second.stateMachineVersionArn]).toEqual(['"two"', m.v2]);
    const byAlias = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineAliasArn }));
    expect(byAlias.executions!.map((e) => e.executionArn).sort()).toEqual(
      [first.executionArn, second.executionArn].sort(),
    );
    const byVersion = await h.sfn.send(new ListExecutionsCommand({ stateMachineArn: m.v2 }));
    expect(byVersion.executions!.map((e) => e.executionArn)).toEqual([second.executionArn]);
  });

  it('describes, lists, updates and deletes an alias', async () => {
    const m = await machineWithTwoVersions();
    const { stateMachineAliasArn } = await h.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'prod',
        description: 'what counties run',
        routingConfiguration: [{ stateMachineVersionArn: m.v1, weight: 100 }],
      }),
    );
    await h.sfn.send(
      new UpdateStateMachineAliasCommand({
        stateMachineAliasArn,
        routingConfiguration: [{ stateMachineVersionArn: m.v2, weight: 100 }],
      }),
    );
    expect(await h.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn }))).toMatchObject({
      name: 'prod',
      description: 'what counties run',
      routingConfiguration: [{ stateMachineVersionArn: m.v2, weight: 100 }],
    });
    expect((await runOn(stateMachineAliasArn!)).output).toBe('"two"');
    const listed = await h.sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: m.arn }));
    expect(listed.stateMachineAliases!.map((a) => a.stateMachineAliasArn)).toEqual([stateMachineAliasArn]);
    await h.sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn }));
    await expect(
      h.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
  });

  it('keeps a version an alias routes to (ConflictException) and refuses a routing AWS refuses', async () => {
    const m = await machineWithTwoVersions();
    await h.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'pinned',
        routingConfiguration: [{ stateMachineVersionArn: m.v1, weight: 100 }],
      }),
    );
    await expect(
      h.sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: m.v1 })),
    ).rejects.toMatchObject({ name: 'ConflictException' });
    const refused = async (
      name: string,
      routingConfiguration: Array<{ stateMachineVersionArn: string; weight: number }>,
    ) =>
      await expect(
        h.sfn.send(new CreateStateMachineAliasCommand({ name, routingConfiguration })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    await refused('half', [{ stateMachineVersionArn: m.v1, weight: 50 }]);
    await refused('twice', [
      { stateMachineVersionArn: m.v1, weight: 50 },
      { stateMachineVersionArn: m.v1, weight: 50 },
    ]);
    await refused('42', [{ stateMachineVersionArn: m.v1, weight: 100 }]);
    await expect(
      h.sfn.send(
        new CreateStateMachineAliasCommand({
          name: 'pinned',
          routingConfiguration: [{ stateMachineVersionArn: m.v2, weight: 100 }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConflictException' });
  });

  it('goes with its state machine, versions included', async () => {
    const m = await machineWithTwoVersions();
    const { stateMachineAliasArn } = await h.sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'gone',
        routingConfiguration: [{ stateMachineVersionArn: m.v1, weight: 100 }],
      }),
    );
    await h.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: m.arn }));
    await expect(
      h.sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFound',
    });
    await expect(h.sfn.send(new StartExecutionCommand({ stateMachineArn: m.v1 }))).rejects.toMatchObject({
      name: 'StateMachineDoesNotExist',
    });
  });
});
