// `pilotflow keys rotate` on the sample app's local cloud, as an operator runs it (the CLI in its own process):
// on the running cloud, then on the stopped one. Links e-mailed before a rotation still decide after it,
// links e-mailed after it carry the new key's id, and a link signed two rotations ago is refused. The
// decisions made over the local HTTP API record who clicked.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { keyIdOf } from '#domain/links.ts';
import { listAuditOfTask } from '#store/audit.ts';
import {
  decide,
  formTokenOf,
  type SampleCloud,
  startSampleCloud,
  type TaskLink,
  uploadEvidence,
} from '#test/support/sample-cloud.ts';

const BIN = fileURLToPath(new URL('../../bin/pilotflow.js', import.meta.url));

let env: SampleCloud;
let dataDir: string;

beforeAll(async () => {
  env = await startSampleCloud();
  dataDir = env.cloud.dataDir;
}, 600_000);

afterAll(async () => {
  await env?.stop();
});

/** The CLI in a process of its own; asynchronously, since the running local cloud answers it from this one. */
async function rotate(): Promise<{ stdout: string; newKeyId: string; previousKeyId: string }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [BIN, 'keys', 'rotate', '--data-dir', dataDir],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const id = (label: string) => stdout.match(new RegExp(`${label}\\s+([A-Za-z0-9_-]{8})`))?.[1] ?? '';
  return { stdout, newKeyId: id('new key id'), previousKeyId: id('previous key id') };
}

const acknowledgements = (pilot: string) => env.links({ subject: new RegExp(`${pilot}：确认收到试点任务`) });
const planSubmission = (pilot: string) => env.links({ subject: new RegExp(`${pilot}：提交实施方案`) });
const keyOf = (link: TaskLink | undefined) => keyIdOf(link?.sig);

describe('a decision over the local HTTP API', () => {
  test('records the network of the address it came from and its browser in the audit event', async () => {
    const [link] = (await acknowledgements('樟树社区')) as [TaskLink];
    const browser = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/138.0 Safari/537.36';
    const page = await (await fetch(link.url, { headers: { 'user-agent': browser } })).text();
    const res = await fetch(link.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': browser },
      body: new URLSearchParams({ token: formTokenOf(page), decision: 'approve', comment: '' }).toString(),
    });
    expect(res.status).toBe(200);
    const task = await env.taskOf(link);
    const [event] = (await listAuditOfTask(env.store, task.taskId)).filter(
      (e) => e.action === 'decision.recorded',
    );
    expect(event?.details).toMatchObject({ client: { ip: '127.0.0.0/24', userAgent: browser } });
  });
});

describe('pilotflow keys rotate', () => {
  let launchKey: string | undefined;
  let rotatedKey: string;

  test('on a running local cloud: links e-mailed before still decide, and links e-mailed after carry the new key', async () => {
    const before = await acknowledgements('古城社区');
    launchKey = keyOf(before[0]);
    expect(launchKey).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(before.every((l) => keyOf(l) === launchKey)).toBe(true);

    const rotated = await rotate();
    expect(rotated.stdout).toContain('running');
    expect(rotated.previousKeyId).toBe(launchKey);
    expect(rotated.newKeyId).not.toBe(launchKey);
    rotatedKey = rotated.newKeyId;

    // Every function instance reads the secret again within five minutes (its cache): let them.
    await env.cloud.clock.advance(6 * 60_000);
    for (const link of before) {
      const res = await decide(link, { decision: 'approve', comment: '已收到。' });
      expect(res.status).toBe(200);
    }
    await env.cloud.whenIdle();
    const next = await planSubmission('古城社区');
    expect(next.map((l) => l.to)).toEqual(['gucheng@xx-town.example']);
    expect(keyOf(next[0])).toBe(rotatedKey);
  });

  test('on a stopped local cloud: a link e-mailed before decides after the restart, and one two rotations old is refused', async () => {
    const [plan] = (await planSubmission('古城社区')) as [TaskLink];
    // The pilot's own e-mailed link (a department's comes from its batch page, signed when the page is read).
    const [launched] = (await env.links({
      subject: /草堂社区：确认收到试点任务/,
      to: 'caotang@xx-town.example',
    })) as [TaskLink];
    expect(keyOf(launched)).toBe(launchKey);
    await env.stop();

    const rotated = await rotate();
    expect(rotated.stdout).toContain('stopped');
    expect(rotated.previousKeyId).toBe(rotatedKey);
    env = await startSampleCloud({ continueFrom: env });

    await uploadEvidence(plan, 'plan-v1.pdf');
    const res = await decide(plan, { decision: 'approve', 'f.summary': '建设“一站式”便民服务中心' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('您的意见已提交，谢谢。');
    expect((await fetch(launched.url)).status).toBe(403);

    await env.cloud.whenIdle();
    const [review] = await env.links({ subject: /古城社区：审核实施方案/ });
    expect(keyOf(review)).toBe(rotated.newKeyId);
  });
});
