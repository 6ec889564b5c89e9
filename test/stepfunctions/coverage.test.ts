// docs/stepfunctions.md's "Coverage" tables are what the runtime does: every operation of @aws-sdk/client-sfn
// is listed and answers (or is refused as not supported) as its row says, every state field AWS knows is listed
// with the refusals the validation makes, and each resource and request row is accepted or refused as written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as sdk from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_SUPPORTED, OPERATIONS } from '#local/stepfunctions/http.ts';
import {
  COMMON,
  REFUSED_FIELDS,
  REFUSED_PROCESSOR_MODES,
  STATE_FIELDS,
} from '#local/stepfunctions/validation/fields.ts';
import { type Harness, ROLE, sfnClient, startHarness } from './harness.ts';

const DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'stepfunctions.md'), 'utf8');

/** The rows of the first table after `heading`, each a list of cells without their backticks. */
function table(heading: string): string[][] {
  const at = DOC.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`docs/stepfunctions.md has no heading '${heading}'`);
  const lines = DOC.slice(at).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}
const bare = (cell: string) => cell.replace(/^`|`$/g, '');
const names = (cell: string) => (cell === '' ? [] : cell.split(', ').map(bare));

let h: Harness;
let sfn: sdk.SFNClient;

beforeAll(async () => {
  h = await startHarness();
  // StartSyncExecution's endpoint has the host prefix `sync-`; against a local endpoint it must be turned off.
  sfn = sfnClient(h.endpoint, { disableHostPrefix: true });
});

afterAll(async () => {
  sfn.destroy();
  await h.close();
});

describe('operations', () => {
  const rows = table('### Operations');
  const listed = rows.map(([op]) => bare(op!));

  it('lists every operation of @aws-sdk/client-sfn once', () => {
    const commands = Object.keys(sdk)
      .filter((k) => /^[A-Z]\w+Command$/.test(k))
      .map((k) => k.slice(0, -'Command'.length));
    expect([...listed].sort()).toEqual(commands.sort());
  });

  it('marks as supported exactly the operations the runtime serves', () => {
    const supported = rows.filter(([, here]) => here === 'supported').map(([op]) => bare(op!));
    const notSupported = rows.filter(([, here]) => here === 'not supported').map(([op]) => bare(op!));
    expect(supported.length + notSupported.length).toBe(rows.length);
    expect(supported.sort()).toEqual(Object.keys(OPERATIONS).sort());
    expect(notSupported.sort()).toEqual([...NOT_SUPPORTED].sort());
  });

  for (const [op, here] of rows.map(([o, x]) => [bare(o!), x] as const)) {
    it(`${op} is ${here}`, async () => {
      const Command = (
        sdk as unknown as Record<string, new (input: object) => sdk.$Command<object, object, never>>
      )[`${op}Command`]!;
      const answer = await sfn.send(new Command({}) as never).then(
        () => ({ name: 'answered', message: '' }),
        (error: Error) => ({ name: error.name, message: error.message }),
      );
      if (here === 'supported') expect(answer.name).not.toBe('UnknownOperationException');
      else
        expect(answer).toEqual({
          name: 'UnknownOperationException',
          message: expect.stringContaining(`${op} is not supported by the local Step Functions runtime`),
        });
    });
  }
});

describe('state fields', () => {
  const rows = table('### State fields');

  it('lists every state type with every field AWS knows for it', () => {
    expect(rows.map(([type]) => type).sort()).toEqual(Object.keys(STATE_FIELDS).sort());
    for (const [type, supported, refused] of rows) {
      const f = STATE_FIELDS[type!]!;
      const known = [...COMMON, ...f.both, ...f.JSONPath, ...f.JSONata];
      expect([type, [...names(supported!), ...names(refused!)].sort()]).toEqual([type, known.sort()]);
    }
  });

  it('marks as refused exactly the fields the validation refuses', () => {
    const refused = rows.flatMap(([type, , r]) => names(r!).map((field) => `${type}.${field}`));
    expect(refused.sort()).toEqual(Object.keys(REFUSED_FIELDS).sort());
  });

  it('marks as refused exactly the Map modes the validation refuses', () => {
    const modes = table('### Map modes');
    expect(modes.filter(([, here]) => here === 'refused').map(([m]) => bare(m!))).toEqual(
      Object.keys(REFUSED_PROCESSOR_MODES),
    );
    expect(modes.filter(([, here]) => here === 'supported').map(([m]) => bare(m!))).toEqual([
      'INLINE',
      'DISTRIBUTED',
    ]);
  });
});

describe('task resources', () => {
  for (const [cell, here] of table('### Task resources')) {
    const resource = bare(cell!);
    it(`${resource} is ${here}`, async () => {
      const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } };
      const out = await sfn.send(
        new sdk.ValidateStateMachineDefinitionCommand({ definition: JSON.stringify(definition) }),
      );
      if (here === 'supported') expect(out.diagnostics).toEqual([]);
      else
        expect(out.diagnostics).toEqual([
          expect.objectContaining({ code: 'UNSUPPORTED_BY_LOCAL_RUNTIME', location: '/States/T/Resource' }),
        ]);
    });
  }
});

describe('request fields', () => {
  let n = 0;
  const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
  for (const [op, request, here] of table('### Request fields')) {
    const operation = bare(op!);
    const extra = JSON.parse(bare(request!)) as object;
    it(`${operation} with ${bare(request!)} is ${here}`, async () => {
      const name = `coverage-${++n}`;
      const send =
        operation === 'CreateStateMachine'
          ? () => sfn.send(new sdk.CreateStateMachineCommand({ name, definition, roleArn: ROLE, ...extra }))
          : async () => {
              const { stateMachineArn } = await sfn.send(
                new sdk.CreateStateMachineCommand({ name, definition, roleArn: ROLE }),
              );
              return sfn.send(new sdk.UpdateStateMachineCommand({ stateMachineArn, definition, ...extra }));
            };
      if (here === 'supported') await expect(send()).resolves.toBeDefined();
      else
        await expect(send()).rejects.toMatchObject({
          name: 'ValidationException',
          message: expect.stringContaining('not supported'),
        });
    });
  }
});
