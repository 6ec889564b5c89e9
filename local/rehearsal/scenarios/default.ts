// The default rehearsal: every official answers at once and approves, except for five twists the plan's
// procedures exist for, each played by one pilot (by position in the plan, so any plan of the sample's
// shape works; in the sample A = XX镇, B = 草堂社区, C = 古城社区, D = 东河路社区, E = 樟树社区):
//   A  its implementation plan is returned once, then approved;
//   B  its second supervision check finds problems: rectification, the verification returns it once, then
//      it is verified;
//   C  its self-inspection is left unanswered until the reminder and the overdue notice (escalation) came;
//   D  (a community) the town returns it at the preliminary evaluation, once;
//   E  fails its first county acceptance (low scores), rectifies, and passes the second.
import type { Plan } from '#plan/schema.ts';
import { lt, tr } from '#presentation/i18n.ts';
import type { Act, RehearsalOutcome, Scenario, TaskInView } from '../scenario.ts';

interface Roles {
  returnedPlan?: string;
  checkProblems?: string;
  late?: string;
  preliminaryReturn?: string;
  failedAcceptance?: string;
}

function roles(plan: Plan): Roles {
  const [a, b, c] = plan.pilots;
  const taken = new Set([a?.id, b?.id, c?.id]);
  const d = plan.pilots.find((p) => p.level === 'community' && !taken.has(p.id));
  if (d) taken.add(d.id);
  const e = plan.pilots.find((p) => !taken.has(p.id));
  return {
    ...(a ? { returnedPlan: a.id } : {}),
    ...(b ? { checkProblems: b.id } : {}),
    ...(c ? { late: c.id } : {}),
    ...(d ? { preliminaryReturn: d.id } : {}),
    ...(e ? { failedAcceptance: e.id } : {}),
  };
}

/** The score a pilot earns at acceptance (and, a little higher, in its own self-inspection). */
function baseScore(plan: Plan, pilotId: string): number {
  const index = plan.pilots.findIndex((p) => p.id === pilotId);
  // 92, 86, 84, 81, 78, 88, …: one excellent pilot, the others passing, none on the edge.
  return [92, 86, 84, 81, 78, 88][index % 6] ?? 85;
}

const doc = (pilotId: string, name: string) => `https://docs.xx-county.example/pilots/${pilotId}/${name}.pdf`;

function samePath(a: string, b: string): boolean {
  try {
    return new URL(a).pathname === new URL(b).pathname;
  } catch {
    return false;
  }
}

function act(view: TaskInView): Act {
  const r = roles(view.plan);
  const { pilotId, round } = view;
  const score = baseScore(view.plan, pilotId);
  const earlierOf = (kind: string) => view.earlier.filter((t) => t.kind === kind);
  switch (view.kind) {
    case 'acknowledgement':
      return { decision: 'approve' };
    case 'implementationPlan':
      return {
        decision: 'approve',
        values: {
          summary:
            round === 1
              ? '围绕试点任务建设一站式便民服务中心，完善居民议事协商机制。'
              : '一站式便民服务中心2023年4月底前建成；议事协商每月一次；各项任务明确责任人和完成时限。',
          document: doc(pilotId, `实施方案（第${round}稿）`),
        },
      };
    case 'planReview':
      if (pilotId === r.returnedPlan && round === 1) {
        return { decision: 'return', comment: '请补充时间表和各项任务的责任人。' };
      }
      return { decision: 'approve' };
    case 'supervisionCheck': {
      const checkNumber = earlierOf('supervisionCheck').length + 1;
      const problems = pilotId === r.checkProblems && checkNumber === 2;
      return {
        decision: 'approve',
        values: {
          progress: `第 ${checkNumber} 次督查：各项任务按实施方案推进。`,
          fundUse: '试点资金按预算使用，台账清楚。',
          problemsFound: problems ? 'yes' : 'no',
          ...(problems ? { problems: '居民议事会会议记录不完整；便民服务事项清单未公示。' } : {}),
          ...(pilotId === r.failedAcceptance && checkNumber === 3
            ? { studyTour: '赴杭州市学习智慧社区建设经验。' }
            : {}),
        },
      };
    }
    case 'rectification': {
      const afterAcceptance = view.stage === 'evaluation';
      return {
        decision: 'approve',
        values: {
          measures: afterAcceptance
            ? '对照验收意见逐项完善台账，补充居民满意度调查和佐证材料。'
            : round === 1
              ? '补齐2023年以来的议事会记录。'
              : '补齐议事会记录，服务事项清单已在服务大厅上墙公示。',
          evidence: doc(pilotId, `${afterAcceptance ? '验收整改' : '督查整改'}佐证（第${round}轮）`),
        },
      };
    }
    case 'verification':
      if (pilotId === r.checkProblems && round === 1) {
        return { decision: 'return', comment: '服务事项清单仍未公示，请继续整改。' };
      }
      return { decision: 'approve' };
    case 'selfInspection': {
      if (pilotId === r.late && round === 1) {
        // Answered only once the system has chased it: the reminder, then the overdue notice, with this link —
        // each an item of a daily digest (its label, then its facts and link), or an e-mail of its own (催办).
        const chased = (prefix: string) =>
          view.mailbox.some(
            (m) =>
              m.to.some((to) => to.toLowerCase() === view.assignee.toLowerCase()) &&
              (m.subject.startsWith(prefix) ? [m.text ?? ''] : (m.text ?? '').split(/\n(?=【)/)).some(
                (part) =>
                  part.startsWith(prefix) &&
                  (part.match(/https?:\/\/\S+/g) ?? []).some((link) => samePath(link, view.page.url)),
              ),
          );
        if (!chased('【催办】')) return { wait: lt('等待催办', 'until the reminder comes') };
        if (!chased('【逾期催办】')) return { wait: lt('等待逾期催办', 'until the overdue notice comes') };
      }
      return {
        decision: 'approve',
        values: {
          score: Math.min(100, score + 3),
          summary:
            round === 1 ? '对照指标逐项自查，各项任务已完成。' : '补充了居民满意度调查数据，重新自查。',
          evidence: doc(pilotId, `自查佐证材料（第${round}轮）`),
        },
      };
    }
    case 'preliminaryEvaluation':
      if (pilotId === r.preliminaryReturn && round === 1) {
        return { decision: 'return', comment: '自查评分依据不足，请补充居民满意度调查数据。' };
      }
      return { decision: 'approve', values: { score: Math.min(100, score + 1) } };
    case 'acceptance':
      if (pilotId === r.failedAcceptance && round === 1) {
        return { decision: 'approve', values: { score: 50 }, comment: '台账不全，居民参与度偏低。' };
      }
      return { decision: 'approve', values: { score } };
    case 'summary':
      return {
        decision: 'approve',
        values: {
          summary: '试点工作按方案完成，各试点均通过县级验收，现将总结材料报送。',
          document: 'https://docs.xx-county.example/试点工作总结材料.pdf',
        },
      };
  }
}

function check(plan: Plan, outcome: RehearsalOutcome): string[] {
  const r = roles(plan);
  const differences: string[] = [];
  const expect = (ok: boolean, what: string) => {
    if (!ok) differences.push(what);
  };
  expect(
    outcome.programme.status === 'completed',
    `programme status is ${outcome.programme.status}, not completed`,
  );
  expect(outcome.programme.summarySent, 'the summary materials were not sent to the higher level');
  for (const pilot of plan.pilots) {
    const p = outcome.pilots.find((x) => x.id === pilot.id);
    if (!p) {
      differences.push(`${pilot.id}: no result`);
      continue;
    }
    const at = (what: string) => `${pilot.id}: ${what}`;
    expect(p.outcome === 'accepted', at(`outcome ${p.outcome}, not accepted`));
    const returns = (kind: keyof typeof p.returns) => p.returns[kind] ?? 0;
    expect(
      returns('planReview') === (pilot.id === r.returnedPlan ? 1 : 0),
      at(`implementation plan returned ${returns('planReview')} times`),
    );
    expect(
      p.checks.withProblems === (pilot.id === r.checkProblems ? 1 : 0),
      at(`${p.checks.withProblems} supervision checks found problems`),
    );
    expect(
      returns('verification') === (pilot.id === r.checkProblems ? 1 : 0),
      at(`rectification returned ${returns('verification')} times at verification`),
    );
    const late = pilot.id === r.late;
    expect(late ? p.reminders >= 1 : p.reminders === 0, at(`${p.reminders} reminders`));
    expect(late ? p.escalations >= 1 : p.escalations === 0, at(`${p.escalations} escalations`));
    expect(
      returns('preliminaryEvaluation') === (pilot.id === r.preliminaryReturn ? 1 : 0),
      at(`returned ${returns('preliminaryEvaluation')} times at the preliminary evaluation`),
    );
    expect(
      (p.rounds.acceptance ?? 0) === (pilot.id === r.failedAcceptance ? 2 : 1),
      at(`${p.rounds.acceptance ?? 0} acceptance rounds`),
    );
  }
  return differences;
}

export const defaultScenario: Scenario = {
  name: 'default',
  describe(plan) {
    const r = roles(plan);
    const name = (id: string | undefined) => plan.pilots.find((p) => p.id === id)?.name ?? '-';
    const lines = [
      lt(
        `${name(r.returnedPlan)}：实施方案退回一次，再审核通过`,
        `${name(r.returnedPlan)}: implementation plan returned once, then approved`,
      ),
      lt(
        `${name(r.checkProblems)}：第二次督查发现问题，整改核实时退回一次`,
        `${name(r.checkProblems)}: the second supervision check finds problems; the verification returns the rectification once`,
      ),
      lt(
        `${name(r.late)}：自查在催办和逾期催办之后才办理`,
        `${name(r.late)}: self-inspection answered only after the reminder and the overdue escalation`,
      ),
      lt(
        `${name(r.preliminaryReturn)}：乡镇初评时退回一次`,
        `${name(r.preliminaryReturn)}: returned once at the town's preliminary evaluation`,
      ),
      lt(
        `${name(r.failedAcceptance)}：县级首次验收未通过（各项 50 分），整改后第二次验收通过`,
        `${name(r.failedAcceptance)}: fails the first county acceptance (scores of 50), rectifies, passes the second`,
      ),
      lt('其余人员收到即办理并同意', 'everyone else answers at once and approves'),
    ];
    return lines.map((line) => tr(plan.programme.locale, line));
  },
  act,
  check,
};
