// The dashboard's view models from store records: the pilots × stages matrix and its timeline, the counts,
// the tasks page's filters and order, and the audit trail with decisions, scores and reasons.
import { describe, expect, it } from 'vitest';
import { buildOverview, pilotCells, programmeRef } from '#presentation/dashboard/overview.ts';
import { buildTasks } from '#presentation/dashboard/tasks.ts';
import { buildTrail } from '#presentation/dashboard/trail.ts';
import type { TaskFilters } from '#presentation/dashboard/views.ts';
import type { AuditEvent } from '#store/audit.ts';
import type { PilotRecord } from '#store/pilots.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { samplePlan } from '#test/fixtures/plans.ts';

const plan = samplePlan();
const PROGRAMME = plan.programme.id;
const LAUNCHED = '2022-12-31T16:00:00.000Z';
const NOW = new Date('2023-03-10T02:00:00.000Z');
const ref = programmeRef(plan, {
  programmeId: PROGRAMME,
  title: plan.programme.title,
  status: 'running',
  launchedAt: LAUNCHED,
});

function pilot(
  pilotId: string,
  stages: PilotRecord['stages'] = {},
  extra: Partial<PilotRecord> = {},
): PilotRecord {
  const p = plan.pilots.find((x) => x.id === pilotId)!;
  return {
    programmeId: PROGRAMME,
    pilotId,
    name: p.name,
    nameEn: p.nameEn,
    level: p.level,
    type: p.type,
    stages,
    updatedAt: LAUNCHED,
    ...extra,
  };
}

let seq = 0;
function task(pilotId: string, stage: string, extra: Partial<TaskRecord> = {}): TaskRecord {
  seq++;
  return {
    taskId: `t${seq}`,
    programmeId: PROGRAMME,
    pilotId,
    stage,
    kind: 'planReview',
    step: 'Review the implementation plan',
    title: `任务 ${seq}`,
    round: 1,
    assignees: [{ name: '李华', email: 'minzheng@xx-county.example', unitId: 'civil-affairs' }],
    dueAt: '2023-03-20T16:00:00.000Z',
    createdAt: '2023-03-01T02:00:00.000Z',
    status: 'open',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Launch:x',
    taskToken: 'secret-token',
    form: { decisions: ['approve', 'return'], fields: [] },
    escalationLevel: 0,
    ...extra,
  };
}

const running = (updatedAt: string) => ({ status: 'running' as const, updatedAt });
const done = (updatedAt: string) => ({ status: 'done' as const, updatedAt });

describe('the cells of a pilot', () => {
  it('is not started before a stage reports, running without open tasks, done once done', () => {
    const cells = pilotCells(
      plan,
      pilot('gucheng', {
        launch: done('2023-02-10T02:00:00.000Z'),
        implementation: running('2023-02-14T16:00:00.000Z'),
      }),
      [],
      NOW,
      LAUNCHED,
    );
    expect(cells.map((c) => c.state)).toEqual(['done', 'running', 'not-started']);
  });

  it('waits on the units of the open tasks, and is overdue (on the late ones) once a task is past due', () => {
    const stages = { launch: running('2023-01-01T00:00:00.000Z') };
    const waiting = pilotCells(plan, pilot('gucheng', stages), [task('gucheng', 'launch')], NOW, LAUNCHED);
    expect(waiting[0]).toMatchObject({ state: 'waiting', openTasks: 1, overdueTasks: 0 });
    expect(waiting[0]?.waitingOn.map((u) => u.name.zh)).toEqual(['县民政局']);
    const late = task('gucheng', 'launch', {
      dueAt: '2023-03-01T16:00:00.000Z',
      assignees: [{ name: '王财', email: 'caizheng@xx-county.example', unitId: 'finance' }],
      escalationLevel: 2,
    });
    const overdue = pilotCells(
      plan,
      pilot('gucheng', stages),
      [task('gucheng', 'launch'), late],
      NOW,
      LAUNCHED,
    );
    expect(overdue[0]).toMatchObject({ state: 'overdue', openTasks: 2, overdueTasks: 1, escalatedTasks: 1 });
    expect(overdue[0]?.waitingOn.map((u) => u.unitId)).toEqual(['finance']);
  });

  it('is failed when the stage failed or stalled, or the pilot stopped while the stage ran', () => {
    expect(
      pilotCells(
        plan,
        pilot('gucheng', { launch: { status: 'stalled', updatedAt: '2023-02-01T00:00:00.000Z' } }),
        [],
        NOW,
        LAUNCHED,
      )[0]?.state,
    ).toBe('failed');
    const stopped = pilot('gucheng', { launch: running('2023-01-01T00:00:00.000Z') }, { outcome: 'stopped' });
    expect(pilotCells(plan, stopped, [task('gucheng', 'launch')], NOW, LAUNCHED)[0]?.state).toBe('failed');
  });

  it('dates a finished stage from the later of its window and the previous stage’s end', () => {
    const cells = pilotCells(
      plan,
      pilot('gucheng', {
        launch: done('2023-03-01T02:00:00.000Z'),
        implementation: done('2023-10-31T15:59:00.000Z'),
      }),
      [],
      NOW,
      LAUNCHED,
    );
    // The launch window opens on 1 January (Asia/Shanghai); the implementation window on 15 February, but the
    // launch ran late, to 1 March.
    expect(cells[0]).toMatchObject({ startedAt: LAUNCHED, endedAt: '2023-03-01T02:00:00.000Z' });
    expect(cells[1]).toMatchObject({
      startedAt: '2023-03-01T02:00:00.000Z',
      endedAt: '2023-10-31T15:59:00.000Z',
    });
  });
});

describe('the programme overview', () => {
  it('lists the pilots in plan order with the counts of open, overdue and escalated tasks', () => {
    const pilots = [...plan.pilots].reverse().map((p) => pilot(p.id, { launch: running(LAUNCHED) }));
    const tasks = [
      task('gucheng', 'launch'),
      task('caotang', 'launch', { dueAt: '2023-03-01T00:00:00.000Z', escalationLevel: 1 }),
      task('caotang', 'launch', { programmeId: 'another-programme' }),
    ];
    const view = buildOverview({
      plan,
      programme: ref,
      programmes: [ref],
      pilots,
      openTasks: tasks,
      now: NOW,
    });
    expect(view.pilots.map((p) => p.pilotId)).toEqual(plan.pilots.map((p) => p.id));
    expect(view.counts).toEqual({ pilots: 6, open: 2, overdue: 1, escalated: 1, accepted: 0, stopped: 0 });
    expect(view.windows.map((w) => w.stage)).toEqual(['launch', 'implementation', 'evaluation']);
    expect(view.timeZone).toBe('Asia/Shanghai');
    expect(JSON.stringify(view)).not.toContain('secret-token');
  });
});

describe('the tasks page', () => {
  const tasks = [
    task('gucheng', 'launch', { dueAt: '2023-03-05T00:00:00.000Z' }),
    task('caotang', 'implementation', {
      dueAt: '2023-03-01T00:00:00.000Z',
      escalationLevel: 2,
      assignees: [{ name: '王财', email: 'caizheng@xx-county.example', unitId: 'finance' }],
    }),
    task('gucheng', 'implementation', { dueAt: '2023-04-01T00:00:00.000Z' }),
  ];
  const view = (filters: Partial<TaskFilters>) =>
    buildTasks({ plan, programme: ref, openTasks: tasks, filters: { status: 'open', ...filters }, now: NOW });

  it('sorts by how late, the latest first, and says by how much', () => {
    const v = view({});
    expect(v.tasks.map((t) => t.dueAt)).toEqual([
      '2023-03-01T00:00:00.000Z',
      '2023-03-05T00:00:00.000Z',
      '2023-04-01T00:00:00.000Z',
    ]);
    expect(v.tasks[0]?.overdueMs).toBe(NOW.getTime() - Date.parse('2023-03-01T00:00:00.000Z'));
    expect(v.tasks[2]?.overdueMs).toBe(0);
    expect(v.counts).toEqual({ open: 3, overdue: 2, escalated: 1, shown: 3 });
  });

  it('filters by status, unit, pilot, stage and assignee', () => {
    expect(view({ status: 'overdue' }).tasks).toHaveLength(2);
    expect(view({ status: 'escalated' }).tasks.map((t) => t.pilotId)).toEqual(['caotang']);
    expect(view({ unit: 'finance' }).tasks.map((t) => t.pilotId)).toEqual(['caotang']);
    expect(view({ pilot: 'gucheng' }).tasks).toHaveLength(2);
    expect(view({ stage: 'implementation', pilot: 'gucheng' }).tasks).toHaveLength(1);
    expect(view({ assignee: 'CAIZHENG@xx-county.example' }).tasks).toHaveLength(1);
  });

  it('offers the units, pilots, stages and assignees to filter by', () => {
    const v = view({});
    expect(v.options.units.map((u) => u.unitId)).toEqual(['civil-affairs', 'finance']);
    expect(v.options.pilots).toHaveLength(6);
    expect(v.options.assignees.map((a) => a.email)).toEqual([
      'caizheng@xx-county.example',
      'minzheng@xx-county.example',
    ]);
  });
});

describe('the audit trail', () => {
  const review = task('gucheng', 'launch', {
    form: {
      decisions: ['approve', 'return'],
      fields: [
        {
          name: 'score.party-leadership',
          kind: 'score',
          label: { zh: '党组织引领作用', en: 'Party leadership' },
          required: false,
        },
      ],
    },
  });
  const event = (at: string, action: string, details: Record<string, unknown> = {}): AuditEvent => ({
    eventId: `${at}-${action}`,
    programmeId: PROGRAMME,
    pilotId: 'gucheng',
    at,
    actor: 'system',
    action,
    taskId: review.taskId,
    summary: action,
    details,
  });

  it('is in time order, with decisions’ outcome, comment and labelled scores, and actions’ reasons', () => {
    const trail = buildTrail(
      [
        event('2023-03-02T00:00:00.000Z', 'decision.recorded', {
          outcome: 'return',
          comment: '请补充经费预算',
          form: { 'score.party-leadership': 80 },
        }),
        event('2023-03-01T00:00:00.000Z', 'task.opened'),
        event('2023-03-03T00:00:00.000Z', 'task.reassigned', { reason: '原联系人休假' }),
      ],
      [review],
    );
    expect(trail.map((e) => e.action)).toEqual(['task.opened', 'decision.recorded', 'task.reassigned']);
    expect(trail[1]).toMatchObject({
      label: { zh: '意见已记录' },
      outcome: { zh: '退回' },
      comment: '请补充经费预算',
      values: [{ label: { zh: '党组织引领作用' }, value: { zh: '80' } }],
    });
    expect(trail[2]?.reason).toBe('原联系人休假');
  });

  it('says what each event did in Chinese from its details, and who did it by name, not by id', () => {
    const [mail, reassigned, started] = buildTrail(
      [
        {
          ...event('2023-03-01T00:00:00.000Z', 'email.sent'),
          summary: `Task e-mail sent to ${review.assignees[0]!.email}`,
        },
        {
          ...event('2023-03-02T00:00:00.000Z', 'task.reassigned', {
            reason: '原联系人休假',
            from: [{ name: '李华', email: 'li@xx-county.example' }],
            to: { name: '王芳', email: 'wang@xx-county.example' },
          }),
          actor: 'admin:admin@xx-county.example',
        },
        event('2023-03-03T00:00:00.000Z', 'stage.started', { stage: 'implementation' }),
      ],
      [review],
    );
    const first = review.assignees[0]!;
    expect(mail?.text).toEqual({
      zh: `发给 ${first.name} <${first.email}>`,
      en: `Task e-mail sent to ${first.email}`,
    });
    expect(mail?.by).toEqual({ zh: '系统', en: 'System' });
    expect(mail?.taskTitle).toBe(review.title);
    expect(reassigned?.text?.zh).toBe('由 李华 转给 王芳');
    expect(reassigned?.by.zh).toBe('管理员 admin@xx-county.example');
    expect(started?.text?.zh).toBe('组织实施');
  });
});
