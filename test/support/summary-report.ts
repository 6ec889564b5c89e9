// The summary to the higher level with its .docx report, for the tests of both transports
// (test/integration/summary-report-*.test.ts): a finished programme, compile-summary and send-summary run as
// Lambda would, and what the higher level received checked, the attached document opened and read.
import { expect } from 'vitest';
import { putPilots, recordPilotSummary } from '#store/pilots.ts';
import { putProgrammeOnce } from '#store/programmes.ts';
import { samplePlan } from '#test/fixtures/plans.ts';
import type { HandlerEnv } from '#test/support/handlers.ts';
import { docxText, unzip } from '#test/support/zip.ts';

const plan = samplePlan();
const PROGRAMME = plan.programme.id;
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Programme:summary';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A programme whose pilots all finished, each with its summary and acceptance score stored. */
async function finishedProgramme(env: HandlerEnv): Promise<void> {
  const at = '2023-12-15T00:00:00.000Z';
  await putProgrammeOnce(
    env.store,
    { programmeId: PROGRAMME, title: plan.programme.title, status: 'running', launchedAt: at, updatedAt: at },
    plan,
  );
  await putPilots(
    env.store,
    plan.pilots.map((p, i) => ({
      programmeId: PROGRAMME,
      pilotId: p.id,
      name: p.name,
      level: p.level,
      type: p.type,
      stages: {},
      outcome: 'accepted' as const,
      acceptanceScore: 80 + i,
      updatedAt: at,
    })),
  );
  for (const [i, p] of plan.pilots.entries()) {
    const summary = {
      pilotId: p.id,
      outcome: 'accepted',
      acceptanceScore: 80 + i,
      grade: 'pass',
      implementationPlanRounds: 1,
      supervisionChecks: 1,
      checksWithProblems: 0,
      rectifications: 0,
      studyTours: [],
      selfInspectionRounds: 1,
      acceptanceRounds: 1,
      tasks: { total: 10, decided: 10, timedOut: 0 },
      compiledAt: at,
    };
    await recordPilotSummary(env.store, PROGRAMME, p.id, summary, at);
  }
}

async function sendTheSummary(env: HandlerEnv) {
  await finishedProgramme(env);
  await env.invoke('compile-summary', {
    scope: 'programme',
    programmeId: PROGRAMME,
    executionArn: EXECUTION,
  });
  await env.invoke('send-summary', {
    programmeId: PROGRAMME,
    executionArn: EXECUTION,
    taskId: '6f1c1f9e-8d1e-4a43-9a55-0d3b1f2a7c10',
    decision: {
      outcome: 'approve',
      comment: '',
      form: { summary: '一、试点成效显著\n二、下一步工作打算' },
      decidedBy: { name: '李华', email: 'minzheng@xx-county.example', unitId: 'civil-affairs' },
      decidedAt: '2023-12-20T02:00:00.000Z',
    },
  });
  return (await env.mail()).filter((m) => m.to.includes('minzheng@xx-city.example'));
}

/** Sends the summary on `env` and checks the higher level's mail: one, with the report as its one attachment. */
export async function expectSummaryWithReport(env: HandlerEnv): Promise<void> {
  const mail = await sendTheSummary(env);
  expect(mail).toHaveLength(1);
  expect(mail[0]!.subject).toContain('总结材料');
  expect(mail[0]!.cc).toContain('minzheng@xx-county.example');
  const [report, ...more] = mail[0]!.attachments;
  expect(more).toEqual([]);
  expect(report).toMatchObject({ filename: 'XX县试点工作总结报告.docx', contentType: DOCX });
  const text = docxText(unzip(report!.content).get('word/document.xml')!.toString('utf8'));
  expect(text).toContain('XX县试点工作总结报告');
  for (const p of plan.pilots) expect(text).toContain(`${p.name}\n`);
  expect(text).toContain(`XX镇解放街社区\n社会组织参与型\n通过验收\n${80 + plan.pilots.length - 1}\n合格`);
  expect(text).toContain('一、试点成效显著\n二、下一步工作打算');
}
