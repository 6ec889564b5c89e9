// `pilotflow rehearse` on the sample plan, end to end: the real CDK app on the local cloud, every official played
// through the e-mailed links, once without interruption. A rehearsal killed and continued on the same data
// directory is crash.test.ts's (its first kill is in the middle of the implementation stage).
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Mail } from '#local/cloud/mailbox.ts';
import { rehearse } from '#local/rehearsal/driver.ts';
import type { RehearsalReport } from '#local/rehearsal/report.ts';
import { defaultScenario } from '#local/rehearsal/scenarios/default.ts';
import { tempDataDir } from '#test/support/local-cloud.ts';
import {
  ASSEMBLY_CACHE,
  CLI,
  duplicatesOf,
  mailOf,
  outcomes,
  ROOT,
  SAMPLE_PLAN,
  SIX_PILOTS,
  UNDISTURBED,
} from '#test/support/rehearsal.ts';
import { docxText, unzip } from '#test/support/zip.ts';

async function rehearseSample(dataDir: string): Promise<RehearsalReport> {
  return rehearse({ plan: SAMPLE_PLAN, scenario: defaultScenario, dataDir, assemblyDir: ASSEMBLY_CACHE });
}

let uninterrupted: { report: RehearsalReport; mail: Mail[] };

beforeAll(async () => {
  const dataDir = tempDataDir();
  const report = await rehearseSample(dataDir);
  uninterrupted = { report, mail: await mailOf(dataDir) };
}, 1_200_000);

describe('a rehearsal of the sample plan', () => {
  test('ends with the programme completed, as the default scenario expects', () => {
    expect(uninterrupted.report.differences).toEqual([]);
    expect(uninterrupted.report.expected).toBe(true);
    expect(uninterrupted.report.programme.status).toBe('completed');
  });

  test('ends with the outcomes and e-mails the crash test expects of an undisturbed run', () => {
    // The crash test compares its killed and restarted rehearsal with these, instead of rehearsing once more.
    expect(outcomes(uninterrupted.report)).toEqual(UNDISTURBED.outcomes);
    const { mail } = uninterrupted;
    expect(mail.length - duplicatesOf(mail).count).toBe(UNDISTURBED.emails);
  });

  test('uploads evidence through the pages wherever a form asks for it', () => {
    // At least each pilot's implementation plan and self-inspection, and the summary materials.
    expect(uninterrupted.report.attachments).toBeGreaterThanOrEqual(6 + 6 + 1);
  });

  test('ends with all six pilots accepted by the county', () => {
    const { pilots } = uninterrupted.report;
    expect(pilots.map((p) => p.id)).toEqual(SIX_PILOTS);
    for (const pilot of pilots) {
      expect(pilot.outcome).toBe('accepted');
      expect(pilot.acceptanceScore).toBeGreaterThanOrEqual(60);
    }
  });

  test('escalates the late self-inspection to the town after reminding its community', () => {
    const gucheng = uninterrupted.report.pilots.find((p) => p.id === 'gucheng');
    expect(gucheng).toMatchObject({ reminders: 1, escalations: 1 });
    // Each in the recipient's daily digest, an item with its label.
    const digestsTo = (address: string) =>
      uninterrupted.mail
        .filter((m) => m.subject.startsWith('【每日催办汇总】') && m.to.includes(address))
        .map((m) => m.text ?? '')
        .join('\n');
    expect(digestsTo('gucheng@xx-town.example')).toMatch(/^【催办】XX镇古城社区：试点自查/m);
    expect(digestsTo('shehuishiwu@xx-town.example')).toMatch(/^【逾期提醒】XX镇古城社区：试点自查/m);
    for (const other of uninterrupted.report.pilots.filter((p) => p.id !== 'gucheng')) {
      expect(other.escalations).toBe(0);
    }
  });

  test('plays the returns, the problems found and the failed acceptance the scenario describes', () => {
    const byId = new Map(uninterrupted.report.pilots.map((p) => [p.id, p]));
    expect(byId.get('xx-town')?.returns).toEqual({ planReview: 1 });
    expect(byId.get('caotang')?.checks.withProblems).toBe(1);
    expect(byId.get('caotang')?.returns).toEqual({ verification: 1 });
    expect(byId.get('donghelu')?.returns).toEqual({ preliminaryEvaluation: 1 });
    expect(byId.get('zhangshu')?.rounds.acceptance).toBe(2);
  });

  test('sends every mail in Chinese only: no Latin-script word but in addresses and URLs', () => {
    // `XX` is the sample's anonymised place name, not English; file names (an official's data) keep their extension.
    const latin = (text: string) =>
      (
        text
          .replace(/https?:\/\/\S+|[\w.+-]+@[\w.-]+\.[a-z]{2,}/gi, ' ')
          .replace(/\.(?:pdf|docx?|xlsx?|pptx?|jpe?g|png)(?=[（\s])/gi, ' ')
          .match(/[A-Za-z]+/g) ?? []
      ).filter((w) => w !== 'XX');
    const english = uninterrupted.mail.flatMap((m) => {
      const words = latin(`${m.subject}\n${m.text ?? ''}`);
      return words.length ? [`${m.subject}: ${[...new Set(words)].join(' ')}`] : [];
    });
    expect(uninterrupted.mail.length).toBeGreaterThan(100);
    expect(english).toEqual([]);
  });

  test('sends the programme summary to the higher level by e-mail, the report attached as .docx', () => {
    const summaries = uninterrupted.mail.filter((m) => m.subject.startsWith('【报送】'));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.to).toEqual(['minzheng@xx-city.example']);
    expect(uninterrupted.report.programme.summarySent).toBe(true);
    const [report] = summaries[0]!.attachments;
    expect(report?.filename).toBe('XX县试点工作总结报告.docx');
    const text = docxText(unzip(report!.content).get('word/document.xml')!.toString('utf8'));
    for (const pilot of uninterrupted.report.pilots) {
      expect(text).toContain(`通过验收\n${pilot.acceptanceScore}\n`);
    }
  });
});

describe('pilotflow rehearse', () => {
  test('refuses an unknown scenario naming the ones there are, in the plan’s language, and exits 1', () => {
    const result = spawnSync(process.execPath, [CLI, 'rehearse', '--scenario', 'nonesuch'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('没有名为“nonesuch”的场景；可用的有：default');
  });

  test('refuses a broken zh-CN plan with its problems in Chinese on stderr, before starting anything', () => {
    const result = spawnSync(process.execPath, [CLI, 'rehearse', 'test/fixtures/plan-ten-mistakes.yaml'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toBe('test/fixtures/plan-ten-mistakes.yaml：10 个问题');
    expect(lines).toContain('units[1].contacts[0].email：不是电子邮箱地址（第 41 行）');
  });
});
