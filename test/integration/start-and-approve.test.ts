// A county's first try, as the README tells it: `pilotflow start` (what `npm start` runs) prints its URLs, the
// mailbox holds the launch's e-mails, and officials who open their links and approve move the execution on.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Mail, Mailbox } from '#local/cloud/mailbox.ts';
import { Browser } from '#local/rehearsal/browser.ts';
import { basePort, tempDataDir } from '#test/support/local-cloud.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The assemblies the sample-cloud tests keep: the same app with the same context. */
const ASSEMBLY_CACHE = `${ROOT}node_modules/.cache/pilotflow/test-assemblies`;

let child: ChildProcess;
let output = '';
let mailbox: Mailbox;

/** Resolves with the output once it matches `pattern`; rejects if the command exits first. */
function outputMatching(pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(output)) {
        child.stdout?.off('data', check);
        resolve(output);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`pilotflow start exited (${code}):\n${output}`)));
    check();
  });
}

/** Polls the mailbox until `count` e-mails match `subject`. */
async function mailsMatching(subject: RegExp, count: number): Promise<Mail[]> {
  for (let i = 0; i < 600; i++) {
    const mails = await mailbox.list({ subject });
    if (mails.length >= count) return mails;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`fewer than ${count} e-mails match ${subject}`);
}

beforeAll(async () => {
  child = spawn(
    process.execPath,
    [
      `${ROOT}bin/pilotflow.js`,
      'start',
      '--data-dir',
      tempDataDir(),
      '--port',
      String(await basePort()),
      // Paused on New Year's Day 2023, when every pilot's launch stage has e-mailed its acknowledgements.
      '--clock',
      '2023-01-01T00:00:00Z',
      '--speed',
      '0',
      '--assembly-dir',
      ASSEMBLY_CACHE,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await outputMatching(/Press Ctrl-C to stop\./);
  mailbox = new Mailbox(/Mailbox\s+(\S+)/.exec(output)?.[1] ?? '');
}, 600_000);

afterAll(async () => {
  if (child?.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
});

describe('pilotflow start', () => {
  test('prints the dashboard, mailbox, HTTP API and Step Functions URLs and the admin token', () => {
    for (const label of ['Dashboard', 'Mailbox', 'HTTP API', 'Step Functions']) {
      expect(output).toMatch(new RegExp(`${label}\\s+http://127\\.0\\.0\\.1:\\d+`));
    }
    expect(output).toMatch(/Admin token\s+\S+\.\S+\.\S+/);
  });

  test('puts the launch notices in the mailbox', async () => {
    const notices = await mailsMatching(/动员大会/, 1);
    expect(notices[0]?.to).toEqual([expect.stringMatching(/@xx-(county|town)\.example$/)]);
    expect(notices[0]?.text).toContain('动员大会');
  });

  test('moves the execution on once every official has opened the link and approved', async () => {
    const browser = new Browser();
    // 古城社区's acknowledgement goes to the community and four county departments (a countersign); each
    // department has one e-mail for its six pilots, whose page's "全部确认" is its approve button.
    const acknowledgements = [
      ...(await mailsMatching(/古城社区：确认收到试点任务/, 1)),
      ...(await mailsMatching(/确认收到试点任务（6 个试点）/, 4)),
    ];
    expect(acknowledgements).toHaveLength(5);
    for (const mail of acknowledgements) {
      const [link] = mail.links.filter((l) => l.includes('/a/') || l.includes('/b/'));
      const page = await browser.open(link as string);
      expect(page.status).toBe(200);
      expect(page.title).toBe('确认收到试点任务');
      const form = page.form;
      const approve = form?.buttons.find((b) => b.value === 'approve');
      if (!form || !approve) throw new Error(`no approve button on ${page.url}`);
      const answer = await browser.submit(page, form, {}, approve);
      expect(answer.status).toBe(200);
    }

    const [next] = await mailsMatching(/古城社区：提交实施方案/, 1);
    expect(next?.to).toEqual(['gucheng@xx-town.example']);
  });
});
