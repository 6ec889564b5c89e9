// The workflows end to end on the local cloud: the synthesised state machines on the local Step Functions
// runtime, the real handlers in workers, DynamoDB Local and the local SES, the clock moved to each window and
// check. Officials act as they would: read the task e-mail, follow its link, decide (through the stand-in for
// the approval page in test/support/workflow-cloud.ts). Two pilots of test/fixtures/workflow-plan.yaml: the
// community 古城社区 through every stage, with every return the plan allows, then the town XX镇 through a
// countersigned acceptance that one member returns, after which the programme's summary goes out.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mail } from '#local/cloud/index.ts';
import { parsePlan } from '#plan/load.ts';
import { listAuditOfPilot } from '#store/audit.ts';
import { getPilot, listPilots } from '#store/pilots.ts';
import { getProgramme } from '#store/programmes.ts';
import { listTasksOfPilot } from '#store/tasks.ts';
import {
  advanceTo,
  decideThroughLink,
  executionStatus,
  Inbox,
  startWorkflowCloud,
  taskOfBatch,
  WORKFLOW_PLAN,
  type WorkflowCloud,
} from '#test/support/workflow-cloud.ts';

const PROGRAMME = 'workflow-test';
const LEAD = 'minzheng@xx-county.example';
const FINANCE = 'caizheng@xx-county.example';
const ORGANISATION = 'zuzhibu@xx-county.example';
const GUCHENG = 'gucheng@xx-town.example';
const TOWN = 'shehuishiwu@xx-town.example';
const HIGHER_LEVEL = 'minzheng@xx-city.example';

const plan = (() => {
  const parsed = parsePlan(readFileSync(WORKFLOW_PLAN, 'utf8'));
  if (!parsed.ok) throw new Error('the workflow plan does not validate');
  return parsed.plan;
})();
/** A files field's value as a decision records it: the files under the task's prefix (functions/domain/evidence.ts). */
const files = (name: string) => [
  { name, size: 1024, key: `evidence/${PROGRAMME}/pilot/task/field/u/${name}` },
];
const scores = (n: number) => Object.fromEntries(plan.indicators.items.map((i) => [`score.${i.id}`, n]));

let wf: WorkflowCloud;
let inbox: Inbox;
/** The finance bureau's one e-mail for its acknowledgements of both pilots. */
let financeBatch: Mail;

beforeAll(async () => {
  wf = await startWorkflowCloud();
  inbox = new Inbox(wf.cloud);
}, 600_000);

afterAll(async () => {
  await wf?.stop();
});

describe('launching a programme', () => {
  it('starts it once however often it is launched', async () => {
    const again = await wf.cloud.invoke('LaunchProgramme', {
      planYaml: readFileSync(WORKFLOW_PLAN, 'utf8'),
      source: 'again',
    });
    expect(again.functionError).toBeUndefined();
    expect(again.payload).toMatchObject({ programmeId: PROGRAMME, launched: false, pilots: 2 });
    const programme = wf.cloud.resources.stateMachines.find((m) => m.name.endsWith('-Programme'))!;
    const { executions } = await wf.cloud.runtime.listExecutions({ stateMachineArn: programme.arn });
    expect(executions?.map((e: { name?: string }) => e.name)).toEqual([PROGRAMME]);
    expect(await listPilots(wf.store, PROGRAMME)).toHaveLength(2);
  });
});

describe('a community pilot', () => {
  it('goes through launch, implementation and evaluation with every return the plan allows', {
    timeout: 600_000,
  }, async () => {
    // ---- Launch: the window opens, the notice goes out, everyone acknowledges.
    await advanceTo(wf.cloud, '2023-01-01T16:00:00.000Z');
    const notice = await inbox.next(GUCHENG, '动员大会');
    expect(notice.text).toContain('2023年1月3日（星期二）09:30');
    // The finance bureau acknowledges for both pilots: one e-mail, one page (batching).
    financeBatch = await inbox.next(FINANCE, '确认收到试点任务（2 个试点）');
    await decideThroughLink(wf, await taskOfBatch(wf, financeBatch, 'XX镇古城社区：确认收到试点任务'), {
      outcome: 'approve',
    });
    await decideThroughLink(wf, await inbox.next(GUCHENG, 'XX镇古城社区：确认收到试点任务'), {
      outcome: 'approve',
    });

    // The implementation plan is returned once, then approved.
    const plan1 = {
      summary: '建设“一站式”便民服务中心',
      document: files('plan-v1.pdf'),
    };
    await decideThroughLink(wf, await inbox.next(GUCHENG, 'XX镇古城社区：提交实施方案，'), {
      outcome: 'approve',
      form: plan1,
    });
    const review1 = await inbox.next(LEAD, 'XX镇古城社区：审核实施方案，');
    expect(review1.text).toContain('plan-v1.pdf（1.0 千字节）');
    await decideThroughLink(wf, review1, { outcome: 'return', comment: '请补充时间表和责任人' });
    const resubmit = await inbox.next(GUCHENG, 'XX镇古城社区：提交实施方案（第 2 轮）');
    expect(resubmit.text).toContain('请补充时间表和责任人');
    const plan2 = {
      summary: '一站式服务中心，2023年3月底前建成',
      document: files('plan-v2.pdf'),
    };
    await decideThroughLink(wf, resubmit, { outcome: 'approve', form: plan2 });
    await decideThroughLink(wf, await inbox.next(LEAD, 'XX镇古城社区：审核实施方案（第 2 轮）'), {
      outcome: 'approve',
    });
    expect(await executionStatus(wf.cloud, 'Launch', 'workflow-test-gucheng-launch')).toBe('SUCCEEDED');

    // ---- Implementation: the monthly check finds problems; the pilot rectifies; the inspector verifies.
    await advanceTo(wf.cloud, '2023-01-31T16:00:00.000Z');
    expect((await getPilot(wf.store, PROGRAMME, 'gucheng'))!.stages.implementation?.status).toBe('running');
    await advanceTo(wf.cloud, '2023-02-28T16:00:00.000Z');
    await decideThroughLink(wf, await inbox.next(LEAD, 'XX镇古城社区：开展督查'), {
      outcome: 'approve',
      form: {
        progress: '服务中心主体完工',
        fundUse: '按预算使用',
        problemsFound: true,
        problems: '居民议事会记录不全',
        studyTour: '赴成都学习社区营造经验',
      },
    });
    const rectify = await inbox.next(GUCHENG, 'XX镇古城社区：问题整改');
    expect(rectify.text).toContain('居民议事会记录不全');
    await decideThroughLink(wf, rectify, {
      outcome: 'approve',
      form: { measures: '补齐2022年以来议事记录' },
    });
    await decideThroughLink(wf, await inbox.next(LEAD, 'XX镇古城社区：核查整改情况'), { outcome: 'approve' });

    // ---- Evaluation: the town returns the self-inspection once; the first acceptance scores too low.
    await advanceTo(wf.cloud, '2023-03-15T16:00:00.000Z');
    expect(await executionStatus(wf.cloud, 'Implementation', 'workflow-test-gucheng-implementation')).toBe(
      'SUCCEEDED',
    );
    const selfInspection = {
      ...scores(80),
      summary: '各项任务完成',
      evidence: files('self.pdf'),
    };
    await decideThroughLink(wf, await inbox.next(GUCHENG, 'XX镇古城社区：试点自查，'), {
      outcome: 'approve',
      form: selfInspection,
    });
    await decideThroughLink(wf, await inbox.next(TOWN, 'XX镇古城社区：乡镇初评，'), {
      outcome: 'return',
      comment: '佐证材料不足',
    });
    const again = await inbox.next(GUCHENG, 'XX镇古城社区：试点自查（第 2 轮）');
    expect(again.text).toContain('佐证材料不足');
    await decideThroughLink(wf, again, { outcome: 'approve', form: selfInspection });
    await decideThroughLink(wf, await inbox.next(TOWN, 'XX镇古城社区：乡镇初评（第 2 轮）'), {
      outcome: 'approve',
      form: scores(80),
    });

    for (const member of [LEAD, FINANCE, ORGANISATION]) {
      await decideThroughLink(wf, await inbox.next(member, 'XX镇古城社区：县级验收，'), {
        outcome: 'approve',
        form: scores(50),
      });
    }
    const rectifyAfter = await inbox.next(GUCHENG, 'XX镇古城社区：问题整改');
    expect(rectifyAfter.text).toContain('上一轮验收得分：50');
    await decideThroughLink(wf, rectifyAfter, {
      outcome: 'approve',
      form: { measures: '完善台账，补充佐证' },
    });
    for (const member of [LEAD, FINANCE, ORGANISATION]) {
      await decideThroughLink(wf, await inbox.next(member, 'XX镇古城社区：县级验收（第 2 轮）'), {
        outcome: 'approve',
        form: scores(85),
      });
    }

    // ---- The outcome.
    for (const machine of ['Evaluation', 'Pilot'] as const) {
      const name = machine === 'Pilot' ? 'workflow-test-gucheng' : 'workflow-test-gucheng-evaluation';
      expect(await executionStatus(wf.cloud, machine, name)).toBe('SUCCEEDED');
    }
    const pilot = (await getPilot(wf.store, PROGRAMME, 'gucheng'))!;
    expect(pilot).toMatchObject({
      outcome: 'accepted',
      acceptanceScore: 85,
      stages: {
        launch: { status: 'done' },
        implementation: { status: 'done' },
        evaluation: { status: 'done' },
      },
      summary: {
        implementationPlanRounds: 2,
        supervisionChecks: 1,
        checksWithProblems: 1,
        selfInspectionRounds: 2,
        acceptanceRounds: 2,
        grade: 'pass',
      },
    });
    const summary = await inbox.next(GUCHENG, '【总结】XX镇古城社区');
    expect(summary.to).toContain(LEAD);
    expect(summary.text).toContain('赴成都学习社区营造经验');

    const tasks = await listTasksOfPilot(wf.store, PROGRAMME, 'gucheng');
    // The clock stood still while officials decided, so tasks share creation times: compare them as a set.
    const trail = tasks.map((t) => `${t.kind}#${t.round}:${t.decision?.outcome ?? t.status}`).sort();
    const expected = [
      'acknowledgement#1:approve',
      'acknowledgement#1:approve',
      'implementationPlan#1:approve',
      'planReview#1:return',
      'implementationPlan#2:approve',
      'planReview#2:approve',
      'supervisionCheck#1:approve',
      'rectification#1:approve',
      'verification#1:approve',
      'selfInspection#1:approve',
      'preliminaryEvaluation#1:return',
      'selfInspection#2:approve',
      'preliminaryEvaluation#2:approve',
      'acceptance#1:approve',
      'acceptance#1:approve',
      'acceptance#1:approve',
      'rectification#1:approve',
      'acceptance#2:approve',
      'acceptance#2:approve',
      'acceptance#2:approve',
    ];
    expect(trail).toEqual(expected.sort());
    expect(tasks.find((t) => t.kind === 'planReview' && t.round === 1)!.decision).toMatchObject({
      comment: '请补充时间表和责任人',
      decidedBy: { email: LEAD, unitId: 'civil-affairs' },
    });
    const actions = (await listAuditOfPilot(wf.store, PROGRAMME, 'gucheng')).map((a) => a.action);
    for (const action of [
      'stage.started',
      'stage.completed',
      'notice.sent',
      'task.opened',
      'email.sent',
      'check.recorded',
      'study-tour.recorded',
      'acceptance.scored',
      'pilot.outcome',
      'summary.compiled',
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(actions.filter((a) => a === 'acceptance.scored')).toHaveLength(2);
  });
});

describe('a countersigned acceptance', () => {
  it('sends the pilot to rectification when one member returns it, and accepts it when all approve; then the summary goes to the higher level', {
    timeout: 600_000,
  }, async () => {
    // The town pilot, still at its launch: acknowledge, submit, approve; its windows have passed, so it moves on.
    await decideThroughLink(wf, await taskOfBatch(wf, financeBatch, 'XX镇：确认收到试点任务'), {
      outcome: 'approve',
    });
    await decideThroughLink(wf, await inbox.next(TOWN, 'XX镇：确认收到试点任务'), { outcome: 'approve' });
    await decideThroughLink(wf, await inbox.next(TOWN, 'XX镇：提交实施方案'), {
      outcome: 'approve',
      form: { summary: '“五社联动”机制', document: files('plan.pdf') },
    });
    await decideThroughLink(wf, await inbox.next(LEAD, 'XX镇：审核实施方案'), { outcome: 'approve' });
    await decideThroughLink(wf, await inbox.next(LEAD, 'XX镇：开展督查'), {
      outcome: 'approve',
      form: { progress: '按计划推进', fundUse: '规范', problemsFound: false },
    });
    await decideThroughLink(wf, await inbox.next(TOWN, 'XX镇：试点自查'), {
      outcome: 'approve',
      form: { ...scores(90), summary: '完成', evidence: files('self.pdf') },
    });

    // Three members; one returns it.
    await decideThroughLink(wf, await inbox.next(LEAD, 'XX镇：县级验收，'), {
      outcome: 'approve',
      form: scores(90),
    });
    await decideThroughLink(wf, await inbox.next(FINANCE, 'XX镇：县级验收，'), {
      outcome: 'return',
      comment: '资金使用台账不全',
    });
    await decideThroughLink(wf, await inbox.next(ORGANISATION, 'XX镇：县级验收，'), {
      outcome: 'approve',
      form: scores(90),
    });
    const rectify = await inbox.next(TOWN, 'XX镇：问题整改');
    expect(rectify.text).toContain('资金使用台账不全');
    expect((await getPilot(wf.store, PROGRAMME, 'xx-town'))!.outcome).toBeUndefined();
    await decideThroughLink(wf, rectify, { outcome: 'approve', form: { measures: '补齐资金台账' } });

    // All three approve.
    for (const member of [LEAD, FINANCE, ORGANISATION]) {
      await decideThroughLink(wf, await inbox.next(member, 'XX镇：县级验收（第 2 轮）'), {
        outcome: 'approve',
        form: scores(90),
      });
    }
    expect(await getPilot(wf.store, PROGRAMME, 'xx-town')).toMatchObject({
      outcome: 'accepted',
      acceptanceScore: 90,
    });

    // Every pilot accepted: the lead unit confirms the summary materials, and they go to the higher level.
    const confirm = await inbox.next(LEAD, '报送试点工作总结材料');
    await decideThroughLink(wf, confirm, {
      outcome: 'approve',
      form: { summary: '两个试点均通过验收。', document: files('summary.pdf') },
    });
    const report = await inbox.next(HIGHER_LEVEL, '【报送】');
    expect(report.cc).toContain(LEAD);
    expect(report.text).toContain('两个试点均通过验收。');
    expect(report.text).toContain('XX镇古城社区：85（合格）');
    expect(report.text).toContain('XX镇：90（优秀）');
    expect(await executionStatus(wf.cloud, 'Programme', PROGRAMME)).toBe('SUCCEEDED');
    expect(await getProgramme(wf.store, PROGRAMME)).toMatchObject({
      status: 'completed',
      summary: { accepted: 2, averageScore: 87.5 },
    });
  });
});

describe('a stage that cannot go on', () => {
  const launchMachine = () => wf.cloud.resources.stateMachines.find((m) => m.name.endsWith('-Launch'))!.arn;
  const pilotInput = async (pilotId: string, executionName: string) => {
    const programme = wf.cloud.resources.stateMachines.find((m) => m.name.endsWith('-Programme'))!;
    const { executions } = await wf.cloud.runtime.listExecutions({ stateMachineArn: programme.arn });
    const described = await wf.cloud.runtime.describeExecution({
      executionArn: executions![0]!.executionArn,
    });
    const { pilots: _pilots, ...shared } = JSON.parse(described.input!) as Record<string, unknown>;
    return JSON.stringify({ ...shared, pilotId, level: 'community', executionName });
  };

  it('stops in a stalled state when a task waits past its limit, and tells the lead unit', {
    timeout: 300_000,
  }, async () => {
    const { executionArn } = await wf.cloud.runtime.startExecution({
      stateMachineArn: launchMachine(),
      name: 'stall-rehearsal',
      input: await pilotInput('gucheng', 'stall-rehearsal'),
    });
    await wf.cloud.whenIdle();
    const before = (await listTasksOfPilot(wf.store, PROGRAMME, 'gucheng')).filter(
      (t) => t.executionArn === executionArn,
    );
    expect(before.map((t) => t.status)).toEqual(['open', 'open']);

    await advanceTo(wf.cloud, new Date(wf.cloud.clock.now() + 121 * 86_400_000).toISOString());
    const history = await wf.cloud.runtime.getExecutionHistory({
      executionArn,
      reverseOrder: true,
      maxResults: 5,
    });
    expect((await wf.cloud.runtime.describeExecution({ executionArn })).status).toBe('FAILED');
    expect(JSON.stringify(history.events)).toContain('PilotFlow.Stalled');
    // Both acknowledgements time out at the same instant: the first to be reported closes the other.
    const after = (await listTasksOfPilot(wf.store, PROGRAMME, 'gucheng')).filter(
      (t) => t.executionArn === executionArn,
    );
    expect(after.map((t) => t.status)).not.toContain('open');
    expect(after.map((t) => t.status)).toContain('timed-out');
    const alert = await inbox.next(LEAD, '【停滞】XX镇古城社区');
    expect(alert.subject).toBe('【停滞】XX镇古城社区：任务长期未办理');
    expect(alert.text).toContain('确认收到试点任务');
    expect(alert.text).not.toContain('Acknowledge receipt');
  });

  it('tells the lead unit when a step fails, and stops', { timeout: 300_000 }, async () => {
    const { executionArn } = await wf.cloud.runtime.startExecution({
      stateMachineArn: launchMachine(),
      name: 'failure-rehearsal',
      input: await pilotInput('ghost', 'failure-rehearsal'),
    });
    await wf.cloud.whenIdle();
    const described = await wf.cloud.runtime.describeExecution({ executionArn });
    expect(described).toMatchObject({ status: 'FAILED', error: 'PilotFlow.Failed' });
    expect(described.cause).toContain('Record the launch as started failed: ConflictError');
    const alert = await inbox.next(LEAD, '【故障】');
    expect(alert.text).toContain('阶段：工作启动');
    expect(alert.text).toContain('错误：系统多次重试后仍出错。');
    expect(alert.text).not.toContain('ConflictError');
  });
});
