// `pilotflow validate` as a clerk runs it: a child process on the project's Node.js (vitest's own, Node 24).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT, SAMPLE_FILE, TEN_MISTAKES_FILE } from '#test/fixtures/plans.ts';

const run = promisify(execFile);

async function pilotflow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/pilotflow.js', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

// Each test starts a Node.js process; on a busy machine that can take seconds, hence the generous timeout.
describe('pilotflow validate', { timeout: 60_000 }, () => {
  it('exits 0 with a one-line summary for the sample plan', async () => {
    const { code, stdout } = await pilotflow('validate', SAMPLE_FILE);

    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      'plans/sample.yaml: valid plan "xx-county-community-governance-2023" (关于城乡社区治理试点工作方案), 6 pilots, 7 units',
    ]);
  });

  it('exits 1 and prints every problem as "path: message (line N)" in line order, then the count', async () => {
    const { code, stdout } = await pilotflow('validate', TEN_MISTAKES_FILE);

    expect(code).toBe(1);
    const out = lines(stdout);
    expect(out).toHaveLength(11);
    expect(out[0]).toBe(
      'programme.timezone: not a time zone: use an IANA name such as Asia/Shanghai (line 11)',
    );
    expect(out[1]).toBe('units[1].contacts[0].email: not an e-mail address (line 41)');
    const numbers = out.slice(0, 10).map((l) => Number(/\(line (\d+)\)$/.exec(l)?.[1]));
    expect(numbers).toEqual([11, 41, 56, 66, 121, 158, 165, 190, 212, 237]);
    expect(out[10]).toBe(`10 problems in ${TEN_MISTAKES_FILE}`);
  });

  it('prints the problems as JSON with --json', async () => {
    const { code, stdout } = await pilotflow('validate', '--json', TEN_MISTAKES_FILE);

    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(10);
    expect(result.problems[9]).toEqual({
      path: 'indicators.items',
      message: 'the weights add up to 105; they must add up to exactly 100',
      line: 237,
    });
  });

  it('says in one line that a missing file cannot be read, and exits 1', async () => {
    const { code, stdout, stderr } = await pilotflow('validate', 'plans/missing.yaml');

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(lines(stderr)).toEqual(['cannot read plans/missing.yaml: no such file']);
  });
});
