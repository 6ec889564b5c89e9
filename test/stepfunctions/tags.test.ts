// Tags on state machines through @aws-sdk/client-sfn: given at CreateStateMachine or by TagResource, removed by
// UntagResource, listed by ListTagsForResource, kept across a restart and gone with the machine, with AWS's
// errors for a missing resource, a resource that takes no tags and more than 50 tags.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachine, type Harness, ROLE, start, startHarness } from './harness.ts';

const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

const list = async (resourceArn: string) =>
  (await h.sfn.send(new ListTagsForResourceCommand({ resourceArn }))).tags;

describe('tags', () => {
  it('keeps the tags a state machine is created with', async () => {
    const { stateMachineArn } = await h.sfn.send(
      new CreateStateMachineCommand({
        name: 'Tagged',
        definition,
        roleArn: ROLE,
        tags: [
          { key: 'team', value: 'pilots' },
          { key: 'county', value: 'Nord' },
        ],
      }),
    );
    expect(await list(stateMachineArn!)).toEqual([
      { key: 'county', value: 'Nord' },
      { key: 'team', value: 'pilots' },
    ]);
  });

  it('adds and overwrites tags with TagResource and removes them with UntagResource', async () => {
    const arn = await createMachine(h.sfn, JSON.parse(definition));
    expect(await list(arn)).toEqual([]);
    await h.sfn.send(
      new TagResourceCommand({
        resourceArn: arn,
        tags: [
          { key: 'team', value: 'pilots' },
          { key: 'stage', value: 'launch' },
        ],
      }),
    );
    await h.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'team', value: 'audit' }] }));
    expect(await list(arn)).toEqual([
      { key: 'stage', value: 'launch' },
      { key: 'team', value: 'audit' },
    ]);
    await h.sfn.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team', 'absent'] }));
    expect(await list(arn)).toEqual([{ key: 'stage', value: 'launch' }]);
  });

  it('drops the tags of a deleted state machine, so a new one of the same name starts without them', async () => {
    const arn = await createMachine(h.sfn, JSON.parse(definition), 'Recreated');
    await h.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'old', value: 'yes' }] }));
    await h.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
    await expect(list(arn)).rejects.toMatchObject({ name: 'ResourceNotFound' });
    await createMachine(h.sfn, JSON.parse(definition), 'Recreated');
    expect(await list(arn)).toEqual([]);
  });

  it('refuses more than 50 tags on a resource with TooManyTags naming it', async () => {
    const arn = await createMachine(h.sfn, JSON.parse(definition));
    const tags = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `k${from + i}`, value: 'v' }));
    await h.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: tags(0, 50) }));
    await h.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: tags(0, 1) })); // overwrites, still 50
    await expect(
      h.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: tags(50, 1) })),
    ).rejects.toMatchObject({ name: 'TooManyTags', resourceName: arn });
    expect(await list(arn)).toHaveLength(50);
    await expect(
      h.sfn.send(
        new CreateStateMachineCommand({ name: 'TooMany', definition, roleArn: ROLE, tags: tags(0, 51) }),
      ),
    ).rejects.toMatchObject({ name: 'TooManyTags' });
  });

  it('refuses a tag with characters AWS does not take', async () => {
    const arn = await createMachine(h.sfn, JSON.parse(definition));
    await expect(
      h.sfn.send(new TagResourceCommand({ resourceArn: arn, tags: [{ key: 'a*b', value: 'v' }] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('answers ResourceNotFound for a missing machine or an execution, and InvalidArn for a non-ARN', async () => {
    const arn = await createMachine(h.sfn, JSON.parse(definition));
    const executionArn = await start(h.sfn, arn);
    const missing = 'arn:aws:states:us-east-1:123456789012:stateMachine:Missing';
    for (const resourceArn of [missing, executionArn]) {
      await expect(
        h.sfn.send(new TagResourceCommand({ resourceArn, tags: [{ key: 'k', value: 'v' }] })),
      ).rejects.toMatchObject({ name: 'ResourceNotFound' });
    }
    await expect(list('not-an-arn')).rejects.toMatchObject({ name: 'InvalidArn' });
  });
});

describe('tags on disk', () => {
  it('are kept across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sfn-tags-'));
    const first = await startHarness({ dataDir });
    const { stateMachineArn } = await first.sfn.send(
      new CreateStateMachineCommand({
        name: 'Durable',
        definition,
        roleArn: ROLE,
        tags: [{ key: 'a', value: '1' }],
      }),
    );
    await first.close();
    const second = await startHarness({ dataDir });
    try {
      const out = await second.sfn.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
      expect(out.tags).toEqual([{ key: 'a', value: '1' }]);
    } finally {
      await second.close();
    }
  });
});
