// Summary e-mails: a pilot's summary report when its evaluation ends, and the programme's summary materials
// sent to the higher level (报送试点工作总结材料) once every pilot is accepted.
import type { PilotSummary, ProgrammeSummary } from '#domain/summary.ts';
import { findPilot, higherLevel } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { type Locale, nameIn, pick, shortName } from './i18n.ts';
import { type Block, type RenderedEmail, renderMessage } from './message.tsx';
import { contactOf, programmeLine } from './task-email.ts';

const GRADE: Record<string, { zh: string; en: string }> = {
  excellent: { zh: '优秀', en: 'excellent' },
  pass: { zh: '合格', en: 'pass' },
  fail: { zh: '不合格', en: 'fail' },
};

function scoreText(locale: Locale, s: PilotSummary): string {
  if (s.acceptanceScore === null) return pick(locale, '未评分', 'not scored');
  const grade = s.grade ? GRADE[s.grade] : undefined;
  return `${s.acceptanceScore}${grade ? pick(locale, `（${grade.zh}）`, ` (${grade.en})`) : ''}`;
}

function pilotRows(plan: Plan, s: PilotSummary): Array<[string, string]> {
  const l = plan.programme.locale;
  const outcome: Record<string, [string, string]> = {
    accepted: ['通过验收', 'accepted'],
    failed: ['未通过验收', 'not accepted'],
    stopped: ['已停止', 'stopped'],
    'in-progress': ['进行中', 'in progress'],
  };
  const [zh, en] = outcome[s.outcome ?? 'in-progress'] ?? ['', ''];
  return [
    [pick(l, '结果', 'Outcome'), pick(l, zh, en)],
    [pick(l, '验收得分', 'Acceptance score'), scoreText(l, s)],
    [pick(l, '实施方案提交轮次', 'Implementation plan rounds'), String(s.implementationPlanRounds)],
    [
      pick(l, '督查次数（发现问题）', 'Supervision checks (with problems)'),
      `${s.supervisionChecks}（${s.checksWithProblems}）`,
    ],
    [pick(l, '整改次数', 'Rectifications'), String(s.rectifications)],
    [pick(l, '自查轮次', 'Self-inspection rounds'), String(s.selfInspectionRounds)],
    [pick(l, '验收轮次', 'Acceptance rounds'), String(s.acceptanceRounds)],
    [
      pick(l, '任务（已办理 / 超时）', 'Tasks (done / timed out)'),
      `${s.tasks.total}（${s.tasks.decided} / ${s.tasks.timedOut}）`,
    ],
  ];
}

export function renderPilotSummary(plan: Plan, summary: PilotSummary): RenderedEmail {
  const l = plan.programme.locale;
  const pilot = findPilot(plan, summary.pilotId);
  const name = pilot ? shortName(l, pilot) : summary.pilotId;
  const blocks: Block[] = [
    {
      kind: 'p',
      text: pick(
        l,
        `${name}的评估验收已完成，试点工作总结如下。`,
        `The evaluation of ${name} is complete. Its summary:`,
      ),
    },
    {
      kind: 'facts',
      rows: [
        [pick(l, '试点', 'Pilot'), pilot ? nameIn(l, pilot) : summary.pilotId],
        ...pilotRows(plan, summary),
      ],
    },
  ];
  if (summary.studyTours.length > 0) {
    blocks.push(
      { kind: 'p', text: pick(l, '外出学习考察：', 'Study tours:') },
      { kind: 'list', items: summary.studyTours },
    );
  }
  return renderMessage({
    locale: l,
    subject: pick(l, `【总结】${name}试点工作总结`, `[Summary] ${name}: pilot summary report`),
    programme: programmeLine(plan),
    heading: pick(l, `${name}试点工作总结`, `Summary report: ${name}`),
    blocks,
    contact: contactOf(plan),
  });
}

export function renderProgrammeSummary(
  plan: Plan,
  summary: ProgrammeSummary,
  note: { text: string; document?: string },
): RenderedEmail {
  const l = plan.programme.locale;
  const p = plan.programme;
  const title = shortName(l, { name: p.title, nameEn: p.titleEn });
  const to = higherLevel(plan);
  const lines = summary.pilots.map((s) => {
    const pilot = findPilot(plan, s.pilotId);
    return `${pilot ? nameIn(l, pilot) : s.pilotId}: ${scoreText(l, s)}`;
  });
  return renderMessage({
    locale: l,
    subject: pick(
      l,
      `【报送】${p.county}${title}总结材料`,
      `[Report] ${p.countyEn}: summary of the ${title}`,
    ),
    programme: programmeLine(plan),
    heading: pick(l, '试点工作总结材料', 'Summary materials of the pilot programme'),
    greeting: pick(l, `${shortName(l, to)}：`, `To ${shortName(l, to)},`),
    blocks: [
      {
        kind: 'p',
        text: pick(
          l,
          `${p.county}试点工作已完成评估验收，现将总结材料报送如下。`,
          `${p.countyEn} has completed the evaluation and acceptance of its pilots. The summary materials follow.`,
        ),
      },
      {
        kind: 'facts',
        rows: [
          [pick(l, '试点数', 'Pilots'), String(summary.pilots.length)],
          [pick(l, '通过验收', 'Accepted'), String(summary.accepted)],
          [pick(l, '优秀', 'Excellent'), String(summary.excellent)],
          [
            pick(l, '平均得分', 'Average score'),
            summary.averageScore === null ? '-' : String(summary.averageScore),
          ],
        ],
      },
      { kind: 'list', items: lines },
      { kind: 'quote', label: pick(l, '工作总结', 'Summary'), text: note.text },
      ...(note.document
        ? [
            {
              kind: 'facts' as const,
              rows: [[pick(l, '总结材料', 'Materials'), note.document] as [string, string]],
            },
          ]
        : []),
    ],
    contact: contactOf(plan),
  });
}
