// `pilotflow launch` as an administrator runs it, in a process of its own, on the sample app's local cloud started
// without a launch (`pilotflow start --no-launch`): a plan with a broken e-mail address is refused with its line
// and nothing is launched or mailed; the sample plan launches, its notices go out, and launching it again
// starts nothing new.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SampleCloud, startSampleCloud } from '#test/support/sample-cloud.ts';

const BIN = fileURLToPath(new URL('../../bin/pilotflow.js', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../plans/sample.yaml', import.meta.url));

let env: SampleCloud;

beforeAll(async () => {
  env = await startSampleCloud({ launch: false });
}, 600_000);

afterAll(async () => {
  await env?.stop();
});

/** The CLI in its own process; asynchronously, since the local cloud answers it from this one. */
function launch(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, 'launch', ...args, '--data-dir', env.cloud.dataDir],
      { encoding: 'utf8', timeout: 120_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Every execution of every state machine of the cloud, by name. */
async function executions(): Promise<string[]> {
  const names: string[] = [];
  for (const machine of env.cloud.resources.stateMachines) {
    const { executions } = await env.cloud.runtime.listExecutions({ stateMachineArn: machine.arn });
    names.push(...executions.map((e) => `${machine.name}/${e.name}`));
  }
  return names;
}

describe('pilotflow launch on the local cloud', () => {
  test('refuses a plan with a broken e-mail address with its path and line in the plan’s language (Chinese), and launches nothing', async () => {
    const text = readFileSync(SAMPLE, 'utf8');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('minzheng@xx-county.example')) + 1;
    expect(line).toBeGreaterThan(0);
    const broken = join(mkdtempSync(join(tmpdir(), 'pilotflow-launch-')), 'broken.yaml');
    writeFileSync(broken, text.replace('minzheng@xx-county.example', 'minzheng-at-xx-county'));

    const result = await launch(broken);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`（第 ${line} 行）`);
    expect(result.stderr).toMatch(/email：不是电子邮箱地址/);
    expect(result.stderr).toContain('未启动任何内容');
    expect(result.stderr).not.toMatch(/nothing was launched|line \d/);
    await env.cloud.whenIdle();
    expect(await env.cloud.mailbox.list({})).toEqual([]);
    expect(await executions()).toEqual([]);
  }, 120_000);

  test('launches the sample plan once: its notices are mailed, and a second launch starts nothing new', async () => {
    const first = await launch(SAMPLE, '--json');
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout) as { ok: boolean; launched: boolean; programmeId: string };
    expect(result).toMatchObject({ ok: true, launched: true, pilots: 6 });
    await env.cloud.whenIdle();
    const mails = await env.cloud.mailbox.list({});
    expect(mails.length).toBeGreaterThan(0);
    const started = await executions();
    expect(started.length).toBeGreaterThan(0);

    const again = await launch(SAMPLE);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('was already launched');
    await env.cloud.whenIdle();
    expect((await env.cloud.mailbox.list({})).length).toBe(mails.length);
    expect(await executions()).toEqual(started);
  }, 600_000);
});
