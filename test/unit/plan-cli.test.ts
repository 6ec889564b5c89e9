// `pilotflow validate` as a clerk runs it: a child process on the project's Node.js (vitest's own, Node 24).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  it('exits 0 with a one-line summary for the sample plan, in its language (zh-CN)', async () => {
    const { code, stdout } = await pilotflow('validate', SAMPLE_FILE);

    expect(code).toBe(0);
    expect(lines(stdout)).toEqual([
      'plans/sample.yaml：方案有效：“xx-county-community-governance-2023”（关于城乡社区治理试点工作方案），6 个试点，7 个单位',
    ]);
  });

  it('exits 1 and prints every problem of a zh-CN plan in Chinese as "path：message（第 N 行）" in line order, then the count', async () => {
    const { code, stdout } = await pilotflow('validate', TEN_MISTAKES_FILE);

    expect(code).toBe(1);
    const out = lines(stdout);
    expect(out).toHaveLength(11);
    expect(out[0]).toBe('programme.timezone：不是时区：请使用 IANA 名称，例如 Asia/Shanghai（第 11 行）');
    expect(out[1]).toBe('units[1].contacts[0].email：不是电子邮箱地址（第 41 行）');
    expect(out[9]).toBe('indicators.items：权重合计为 105；合计必须正好是 100（第 237 行）');
    const numbers = out.slice(0, 10).map((l) => Number(/（第 (\d+) 行）$/.exec(l)?.[1]));
    expect(numbers).toEqual([11, 41, 56, 66, 121, 158, 165, 190, 212, 237]);
    expect(out[10]).toBe(`${TEN_MISTAKES_FILE}：10 个问题`);
    // Every problem says what is wrong in Chinese: no English words besides the plan's own field names and ids.
    for (const line of out.slice(0, 10)) expect(line).toMatch(/[\u4e00-\u9fff]/);
  });

  it('prints the problems of an English plan in English', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pilotflow-validate-'));
    try {
      const file = join(dir, 'plan-en.yaml');
      const text = readFileSync(join(ROOT, TEN_MISTAKES_FILE), 'utf8');
      writeFileSync(file, text.replace(/^(\s+locale:\s*)zh-CN\s*$/m, '$1en'));
      const { code, stdout } = await pilotflow('validate', file);

      expect(code).toBe(1);
      const out = lines(stdout);
      expect(out[0]).toBe(
        'programme.timezone: not a time zone: use an IANA name such as Asia/Shanghai (line 11)',
      );
      expect(out[1]).toBe('units[1].contacts[0].email: not an e-mail address (line 41)');
      expect(out[10]).toBe(`${file}: 10 problems`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
      zh: '权重合计为 105；合计必须正好是 100',
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
