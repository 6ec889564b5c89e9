// The dashboard's pages as HTML: escaped, allowed by their Content-Security-Policy (one stylesheet, one
// script, by hash), nothing loaded from elsewhere, Chinese by default, forms that change something carry
// the CSRF token, and the graph marks what happened.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { graphView } from '#presentation/dashboard/graph-view.ts';
import { buildOverview, pilotRow, programmeRef } from '#presentation/dashboard/overview.ts';
import { taskRow } from '#presentation/dashboard/tasks.ts';
import type { PilotView, TaskView } from '#presentation/dashboard/views.ts';
import type { PilotRecord } from '#store/pilots.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { samplePlan } from '#test/fixtures/plans.ts';
import type { AdminFrame } from '../../functions/presentation/dashboard/frame.ts';
import { type DashboardPage, renderDashboard } from '../../functions/presentation/dashboard/render.tsx';
import { DASHBOARD_HEADERS } from '../../functions/presentation/dashboard/style.ts';

const plan = samplePlan();
const NOW = new Date('2023-03-10T02:00:00.000Z');
const LAUNCHED = '2022-12-31T16:00:00.000Z';
const EVIL = '<script>alert("x")</script>';
const ref = programmeRef(plan, {
  programmeId: plan.programme.id,
  title: plan.programme.title,
  status: 'running',
  launchedAt: LAUNCHED,
});

function frame(extra: Partial<AdminFrame> = {}): AdminFrame {
  return {
    locale: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    path: '/admin',
    admin: { sub: 'u-1', email: 'admin@xx-county.example' },
    csrf: 'CSRF-TOKEN-123',
    programmeId: plan.programme.id,
    liveMs: 5000,
    ...extra,
  };
}

const pilots: PilotRecord[] = plan.pilots.map((p, i) => ({
  programmeId: plan.programme.id,
  pilotId: p.id,
  name: i === 0 ? `${p.name}${EVIL}` : p.name,
  nameEn: p.nameEn,
  level: p.level,
  type: p.type,
  stages: { launch: { status: 'running', updatedAt: LAUNCHED } },
  updatedAt: LAUNCHED,
}));

const openTask: TaskRecord = {
  taskId: 'task-1',
  programmeId: plan.programme.id,
  pilotId: 'gucheng',
  stage: 'launch',
  kind: 'planReview',
  step: 'Review the implementation plan',
  title: `审核${EVIL}`,
  round: 1,
  assignees: [{ name: '李华', email: 'minzheng@xx-county.example', unitId: 'civil-affairs' }],
  dueAt: '2023-03-01T16:00:00.000Z',
  createdAt: '2023-02-20T02:00:00.000Z',
  status: 'open',
  executionArn: 'arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Launch:x-gucheng-launch',
  taskToken: 'secret-token',
  form: { decisions: ['approve', 'return'], fields: [] },
  escalationLevel: 1,
};

const overview = buildOverview({
  plan,
  programme: ref,
  programmes: [ref],
  pilots,
  openTasks: [openTask],
  now: NOW,
});

const definition = {
  StartAt: 'Wait for the launch window',
  States: {
    'Wait for the launch window': { Type: 'Wait', Seconds: 1, Next: 'Review the implementation plan' },
    'Review the implementation plan': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Next: 'Launch complete',
    },
    'Launch complete': { Type: 'Succeed' },
  },
};
const t = (s: number) => new Date(Date.parse('2023-01-01T00:00:00Z') + s * 1000);
const events = [
  { id: 1, timestamp: t(0), type: 'ExecutionStarted', executionStartedEventDetails: { input: '{}' } },
  {
    id: 2,
    previousEventId: 1,
    timestamp: t(0),
    type: 'WaitStateEntered',
    stateEnteredEventDetails: { name: 'Wait for the launch window', input: '{}' },
  },
  {
    id: 3,
    previousEventId: 2,
    timestamp: t(1),
    type: 'WaitStateExited',
    stateExitedEventDetails: { name: 'Wait for the launch window', output: '{}' },
  },
  {
    id: 4,
    previousEventId: 3,
    timestamp: t(1),
    type: 'TaskStateEntered',
    stateEnteredEventDetails: { name: 'Review the implementation plan', input: '{}' },
  },
];

const pilotView: PilotView = {
  page: 'pilot',
  programme: ref,
  now: NOW.toISOString(),
  timeZone: 'Asia/Shanghai',
  pilot: { ...pilotRow(plan, pilots[2]!, [openTask], NOW, LAUNCHED), contacts: [] },
  shown: 'launch',
  executions: [
    {
      stage: 'launch',
      name: { zh: '工作启动', en: 'Launch' },
      executionArn: openTask.executionArn,
      execution: {
        executionArn: openTask.executionArn,
        name: 'x-gucheng-launch',
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:PilotFlow-Launch',
        machine: 'Launch',
        status: 'RUNNING',
      },
      ...(() => {
        const { current, ...graph } = graphView({
          definition,
          events,
          status: 'RUNNING',
          full: false,
          locale: 'zh-CN',
        });
        return { graph, current };
      })(),
    },
  ],
  tasks: [taskRow(plan, openTask, NOW)],
  trail: [
    {
      at: '2023-02-20T02:00:00.000Z',
      action: 'decision.recorded',
      label: { zh: '意见已记录', en: 'Decision recorded' },
      actor: 'email:minzheng@xx-county.example',
      by: { zh: '李华', en: '李华' },
      summary: 'decided',
      comment: `请补充${EVIL}`,
    },
  ],
};

const taskView: TaskView = {
  page: 'task',
  programme: ref,
  now: NOW.toISOString(),
  timeZone: 'Asia/Shanghai',
  task: taskRow(plan, openTask, NOW),
  links: [],
  trail: [],
  reassignTo: [
    {
      unitId: 'civil-affairs',
      name: { zh: '县民政局', en: 'County Civil Affairs Bureau' },
      contacts: [
        { name: '李华', email: 'minzheng@xx-county.example' },
        { name: '王芳', email: 'minzheng-office@xx-county.example' },
      ],
    },
  ],
  canAct: true,
};

const pages: Array<[string, DashboardPage]> = [
  ['overview', { kind: 'overview', frame: frame(), view: overview }],
  ['pilot', { kind: 'pilot', frame: frame(), view: pilotView }],
  ['task', { kind: 'task', frame: frame(), view: taskView }],
  ['problem', { kind: 'problem', frame: frame(), status: 409, message: 'task task-1 is decided' }],
  ['signed-out', { kind: 'signed-out', locale: 'zh-CN', path: '/admin/auth/sign-out' }],
  ['refused', { kind: 'refused', frame: frame(), why: 'act', back: '/admin/tasks/task-1' }],
];

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('every dashboard page', () => {
  it.each(pages)('%s: escapes text typed by people', (_name, page) => {
    const html = renderDashboard(page);
    expect(html).not.toContain('<script>alert');
  });

  it.each(pages)(
    '%s: runs only the stylesheet and script its policy allows by hash, and loads nothing',
    (_name, page) => {
      const html = renderDashboard(page);
      const csp = DASHBOARD_HEADERS['Content-Security-Policy'] as string;
      for (const [, text] of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) expect(csp).toContain(hash(text!));
      for (const [, text] of html.matchAll(/<script>([\s\S]*?)<\/script>/g))
        expect(csp).toContain(hash(text!));
      expect(html).not.toMatch(/\s(src|srcset)=/);
      expect(html).not.toMatch(/<link\b/);
      expect(html).not.toMatch(/\sstyle="/);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
    },
  );
});

describe('the overview', () => {
  it('shows the six pilots with their stage, in Chinese by default', () => {
    const html = renderDashboard({ kind: 'overview', frame: frame(), view: overview });
    expect(html).toContain('<html lang="zh-CN">');
    expect(html.match(/<tr data-pilot=/g)).toHaveLength(6);
    expect(html).toContain('data-state="overdue"');
    expect(html).toContain('等待：县民政局');
    expect(html).toContain('class="chart gantt"');
  });

  it('is in English on request', () => {
    const html = renderDashboard({ kind: 'overview', frame: frame({ locale: 'en' }), view: overview });
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Pilots × stages');
  });
});

describe('the pilot page', () => {
  it('draws the graph with the current state highlighted and named', () => {
    const html = renderDashboard({ kind: 'pilot', frame: frame(), view: pilotView });
    expect(html).toMatch(/data-state="Review the implementation plan" data-status="current"/);
    expect(html).toMatch(/data-state="Wait for the launch window" data-status="done"/);
    expect(html).toMatch(/data-state="Launch complete" data-status="not-reached"/);
    expect(html).toContain('当前：</strong>审核实施方案');
  });
});

describe('the task page', () => {
  it('offers resend, reassign and a due date to an open task, each form with the CSRF token and a required reason', () => {
    const html = renderDashboard({ kind: 'task', frame: frame(), view: taskView });
    const forms = [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const actions = forms.filter(([, action]) => action!.startsWith('/admin/tasks/'));
    expect(actions.map(([, action]) => action)).toEqual([
      '/admin/tasks/task-1/resend',
      '/admin/tasks/task-1/reassign',
      '/admin/tasks/task-1/due',
    ]);
    for (const [, , body] of forms) expect(body).toContain('name="csrf" value="CSRF-TOKEN-123"');
    for (const [, , body] of actions) expect(body).toMatch(/<textarea[^>]*name="reason"[^>]*required/);
    expect(html).toContain('minzheng-office@xx-county.example');
  });

  it('offers no action once the task is closed', () => {
    const html = renderDashboard({ kind: 'task', frame: frame(), view: { ...taskView, canAct: false } });
    expect(html).not.toContain('/resend');
    expect(html).not.toContain('/reassign');
    expect(html).not.toContain('/due');
  });
});
