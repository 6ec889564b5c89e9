import { beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, listAuditOfPilot, listAuditOfTask } from '#store/audit.ts';
import { abandonCallback, listPendingCallbacks } from '#store/callbacks.ts';
import { createLink, getLink, listLinksOfAssignee, listLinksOfTask, revokeLink } from '#store/links.ts';
import { claimOnce } from '#store/once.ts';
import {
  getPilot,
  listPilotStandings,
  listPilots,
  type PilotRecord,
  putPilots,
  recordOutcome,
  recordPilotSummary,
  recordStage,
} from '#store/pilots.ts';
import { getProgramme, getProgrammePlan, putProgrammeOnce, setProgrammeStatus } from '#store/programmes.ts';
import { ConflictError, type Store } from '#store/store.ts';
import {
  closeTask,
  createTask,
  type Decision,
  decideTask,
  getTask,
  listOpenTasks,
  listOpenTasksDueBy,
  listTasksOfPilot,
  type NewTask,
  raiseEscalation,
} from '#store/tasks.ts';
import { freshStore } from '#test/support/store.ts';

let store: Store;
beforeAll(async () => {
  store = await freshStore();
});

let seq = 0;
function newTask(overrides: Partial<NewTask> = {}): NewTask {
  seq += 1;
  return {
    taskId: `t${seq}-${Math.random().toString(36).slice(2)}`,
    programmeId: 'prog',
    pilotId: 'gucheng',
    stage: 'launch',
    kind: 'plan-review',
    step: 'Review the implementation plan',
    title: '审核实施方案',
    round: 1,
    assignees: [{ name: '王科长', email: 'minzheng@xx-county.example', unitId: 'civil-affairs' }],
    dueAt: '2023-02-10T16:00:00.000Z',
    createdAt: '2023-02-01T01:00:00.000Z',
    executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Launch:gucheng',
    taskToken: 'token-1',
    form: { fields: [] },
    ...overrides,
  };
}

/** A pilot `x` of `programmeId`, as launched. */
function smallPilot(programmeId: string): PilotRecord {
  return { programmeId, pilotId: 'x', name: 'x', level: 'town', type: 't', stages: {}, updatedAt: 'a' };
}

function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    outcome: 'approve',
    comment: '同意',
    form: {},
    decidedBy: { name: '王科长', email: 'minzheng@xx-county.example' },
    decidedAt: '2023-02-03T02:00:00.000Z',
    ...overrides,
  };
}

describe('programmes', () => {
  it('stores a programme once: a second launch leaves the first untouched', async () => {
    const first = {
      programmeId: 'p1',
      title: '第一次',
      status: 'launched' as const,
      launchedAt: 'a',
      updatedAt: 'a',
    };
    expect(await putProgrammeOnce(store, first, { pilots: ['x'] })).toBe(true);
    expect(await putProgrammeOnce(store, { ...first, title: '第二次' }, { pilots: ['y'] })).toBe(false);
    expect((await getProgramme(store, 'p1'))?.title).toBe('第一次');
    expect(await getProgrammePlan(store, 'p1')).toEqual({ pilots: ['x'] });
  });

  it('refuses a status change from a status the programme is not in', async () => {
    const record = {
      programmeId: 'p2',
      title: 't',
      status: 'launched' as const,
      launchedAt: 'a',
      updatedAt: 'a',
    };
    await putProgrammeOnce(store, record, {});
    await setProgrammeStatus(store, 'p2', ['launched'], 'running', 'b');
    await expect(setProgrammeStatus(store, 'p2', ['launched'], 'running', 'c')).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect((await getProgramme(store, 'p2'))?.updatedAt).toBe('b');
  });
});

describe('pilots', () => {
  it('lists the pilots of a programme and keeps a pilot that exists when launched again', async () => {
    const pilot = {
      programmeId: 'p3',
      pilotId: 'gucheng',
      name: '古城社区',
      level: 'community' as const,
      type: 'convenience',
      stages: {},
      updatedAt: 'a',
    };
    await putPilots(store, [pilot, { ...pilot, pilotId: 'town', name: 'XX镇', level: 'town' as const }]);
    await recordStage(store, 'p3', 'gucheng', 'launch', { status: 'running', updatedAt: 'b' });
    await putPilots(store, [pilot]);
    const pilots = await listPilots(store, 'p3');
    expect(pilots.map((p) => p.pilotId).sort()).toEqual(['gucheng', 'town']);
    expect(pilots.find((p) => p.pilotId === 'gucheng')?.stages.launch?.status).toBe('running');
  });

  it('refuses a second, different outcome for a pilot', async () => {
    await putPilots(store, [smallPilot('p4')]);
    await recordOutcome(store, 'p4', 'x', 'accepted', 'b', 88.5);
    await expect(recordOutcome(store, 'p4', 'x', 'failed', 'c')).rejects.toBeInstanceOf(ConflictError);
  });

  it('records a stage and a summary on the pilot with its time, and refuses both for a pilot that does not exist', async () => {
    await putPilots(store, [smallPilot('p5')]);
    await recordStage(store, 'p5', 'x', 'evaluation', { status: 'done', updatedAt: 'b' });
    await recordPilotSummary(store, 'p5', 'x', { score: 91 }, 'c');
    expect(await getPilot(store, 'p5', 'x')).toMatchObject({
      stages: { evaluation: { status: 'done', updatedAt: 'b' } },
      summary: { score: 91 },
      updatedAt: 'c',
    });
    await expect(
      recordStage(store, 'p5', 'nobody', 'launch', { status: 'running', updatedAt: 'd' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(recordPilotSummary(store, 'p5', 'nobody', {}, 'd')).rejects.toBeInstanceOf(ConflictError);
    expect(await getPilot(store, 'p5', 'nobody')).toBeUndefined();
  });

  it("lists each pilot's standing: its stages' statuses and its outcome, nothing else of the item", async () => {
    const launched = { ...smallPilot('p6'), name: '古城社区', type: 'convenience' };
    await putPilots(store, [launched, { ...launched, pilotId: 'y' }, { ...launched, pilotId: 'z' }]);
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:PilotFlow-Pilot:p6-x';
    await recordStage(store, 'p6', 'x', 'launch', {
      status: 'done',
      executionArn: arn,
      step: '确认',
      updatedAt: 'b',
    });
    await recordStage(store, 'p6', 'x', 'evaluation', { status: 'done', updatedAt: 'c' });
    await recordOutcome(store, 'p6', 'x', 'accepted', 'd', 88.5);
    await recordPilotSummary(store, 'p6', 'x', { score: 88.5 }, 'e');
    await recordStage(store, 'p6', 'y', 'implementation', { status: 'running', updatedAt: 'b' });

    const standings = await listPilotStandings(store, 'p6', { consistent: true });
    expect(standings.sort((a, b) => a.pilotId.localeCompare(b.pilotId))).toEqual([
      {
        pilotId: 'x',
        stages: { launch: { status: 'done' }, evaluation: { status: 'done' } },
        outcome: 'accepted',
        acceptanceScore: 88.5,
      },
      { pilotId: 'y', stages: { implementation: { status: 'running' } } },
      { pilotId: 'z', stages: {} },
    ]);
    expect(await listPilotStandings(store, 'no-such-programme')).toEqual([]);
  });
});

describe('tasks', () => {
  it('creates a task once: a retried call keeps the task and takes the new token', async () => {
    const task = newTask();
    const first = await createTask(store, task);
    const again = await createTask(store, { ...task, title: 'changed', taskToken: 'token-2' });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.task.title).toBe(task.title);
    expect(again.task.taskToken).toBe('token-2');
  });

  it("sends a decision taken before a retried open-task to the retry's token, through the callback retry", async () => {
    // The first attempt e-mailed the links and died; the official decided; Step Functions retried open-task
    // with a new token (closing the old one), which alone can still move the execution on.
    const task = newTask();
    await createTask(store, task);
    await decideTask(store, task.taskId, decision());
    await abandonCallback(
      store,
      { taskId: task.taskId, decidedAt: decision().decidedAt },
      'TaskTimedOut',
      'x',
    );
    const retried = await createTask(store, { ...task, taskToken: 'token-2' });
    expect(retried.task).toMatchObject({ status: 'decided', taskToken: 'token-2', callbackPending: true });
    expect(retried.task.callbackError).toBeUndefined();
    const pending = await listPendingCallbacks(store, '9999');
    expect(pending).toContainEqual(expect.objectContaining({ taskId: task.taskId }));
  });

  it('records a decision once and refuses a second one', async () => {
    const task = newTask();
    await createTask(store, task);
    const first = await decideTask(store, task.taskId, decision());
    const second = await decideTask(store, task.taskId, decision({ outcome: 'return', comment: '退回' }));
    expect(first.kind).toBe('decided');
    expect(second.kind).toBe('already-closed');
    const stored = await getTask(store, task.taskId);
    expect(stored?.decision?.outcome).toBe('approve');
    expect(stored?.status).toBe('decided');
  });

  it('returns the decided task as stored when given the task read before, without reading it again', async () => {
    const task = newTask();
    await createTask(store, task);
    const read = await getTask(store, task.taskId);
    const result = await decideTask(store, task.taskId, decision(), [], read);
    expect(result.kind).toBe('decided');
    if (result.kind !== 'decided') return;
    expect(result.task).toEqual(await getTask(store, task.taskId));
  });

  it('lets exactly one of twenty concurrent decisions through', async () => {
    const task = newTask();
    await createTask(store, task);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        decideTask(store, task.taskId, decision({ comment: `click ${i}` })),
      ),
    );
    expect(results.filter((r) => r.kind === 'decided')).toHaveLength(1);
  });

  it('keeps only open tasks in the due-date index, earliest first', async () => {
    const early = newTask({ dueAt: '2030-01-01T00:00:00.000Z' });
    const late = newTask({ dueAt: '2030-01-05T00:00:00.000Z' });
    const decided = newTask({ dueAt: '2030-01-02T00:00:00.000Z' });
    for (const t of [late, early, decided]) await createTask(store, t);
    await decideTask(store, decided.taskId, decision());
    const due = await listOpenTasksDueBy(store, '2030-01-03T00:00:00.000Z');
    const ids = due.tasks.map((t) => t.taskId);
    expect(ids).toContain(early.taskId);
    expect(ids).not.toContain(decided.taskId);
    expect(ids).not.toContain(late.taskId);
    const all = (await listOpenTasks(store)).map((t) => t.taskId);
    expect(all.indexOf(early.taskId)).toBeLessThan(all.indexOf(late.taskId));
  });

  it('includes a task due exactly at the limit', async () => {
    const task = newTask({ dueAt: '2031-06-01T00:00:00.000Z' });
    await createTask(store, task);
    const due = await listOpenTasksDueBy(store, '2031-06-01T00:00:00.000Z');
    expect(due.tasks.map((t) => t.taskId)).toContain(task.taskId);
  });

  it('closes a task once and then refuses to decide it', async () => {
    const task = newTask();
    await createTask(store, task);
    expect(await closeTask(store, task.taskId, 'cancelled', 'x')).toBe(true);
    expect(await closeTask(store, task.taskId, 'timed-out', 'y')).toBe(false);
    expect((await decideTask(store, task.taskId, decision())).kind).toBe('already-closed');
  });

  it('raises an escalation level once from the level it expects, and never on a closed task', async () => {
    const task = newTask();
    await createTask(store, task);
    const raced = await Promise.all([
      raiseEscalation(store, task.taskId, 0, 1, 'a'),
      raiseEscalation(store, task.taskId, 0, 1, 'a'),
    ]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    await decideTask(store, task.taskId, decision());
    expect(await raiseEscalation(store, task.taskId, 1, 2, 'b')).toBe(false);
    expect((await getTask(store, task.taskId))?.escalationLevel).toBe(1);
  });

  it('lists the tasks of a pilot', async () => {
    const task = newTask({ pilotId: 'listing-pilot' });
    await createTask(store, task);
    expect((await listTasksOfPilot(store, 'prog', 'listing-pilot')).map((t) => t.taskId)).toEqual([
      task.taskId,
    ]);
  });
});

describe('approval links', () => {
  it('uses a link once: the decision marks it used and a second decision through it is refused', async () => {
    const task = newTask({
      assignees: [
        { name: 'a', email: 'a@x.example' },
        { name: 'b', email: 'b@x.example' },
      ],
    });
    await createTask(store, task);
    const link = {
      linkId: `l-${task.taskId}`,
      taskId: task.taskId,
      assignee: { name: 'a', email: 'A@x.example' },
      status: 'active' as const,
      createdAt: 'a',
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
    await createLink(store, link, task.dueAt);
    expect((await decideTask(store, task.taskId, decision({ linkId: link.linkId }))).kind).toBe('decided');
    expect((await getLink(store, link.linkId))?.status).toBe('used');
    expect((await listLinksOfTask(store, task.taskId)).map((l) => l.linkId)).toEqual([link.linkId]);
    expect((await listLinksOfAssignee(store, 'a@X.example')).map((l) => l.linkId)).toContain(link.linkId);
  });

  it('refuses a decision through a revoked link and leaves the task open', async () => {
    const task = newTask();
    await createTask(store, task);
    const link = {
      linkId: `r-${task.taskId}`,
      taskId: task.taskId,
      assignee: { name: 'a', email: 'a@x.example' },
      status: 'active' as const,
      createdAt: 'a',
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
    await createLink(store, link, task.dueAt);
    await revokeLink(store, link.linkId, 'b', 'reassigned');
    await expect(revokeLink(store, link.linkId, 'c', 'again')).rejects.toBeInstanceOf(ConflictError);
    expect((await decideTask(store, task.taskId, decision({ linkId: link.linkId }))).kind).toBe(
      'link-not-active',
    );
    expect((await getTask(store, task.taskId))?.status).toBe('open');
  });

  it('refuses to create the same link id twice', async () => {
    const link = {
      linkId: 'dup-link',
      taskId: 't',
      assignee: { name: 'a', email: 'a@x.example' },
      status: 'active' as const,
      createdAt: 'a',
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
    await createLink(store, link, 'd');
    await expect(createLink(store, link, 'd')).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('audit and claim-once', () => {
  it('keeps a pilot’s audit trail in time order and a task’s events under the task', async () => {
    const base = { programmeId: 'p5', pilotId: 'x', actor: 'system', summary: 's' };
    await appendAudit(store, { ...base, at: '2023-01-02T00:00:00.000Z', action: 'b', taskId: 'task-9' });
    await appendAudit(store, { ...base, at: '2023-01-01T00:00:00.000Z', action: 'a' });
    expect((await listAuditOfPilot(store, 'p5', 'x')).map((e) => e.action)).toEqual(['a', 'b']);
    expect((await listAuditOfTask(store, 'task-9')).map((e) => e.action)).toEqual(['b']);
  });

  it('writes an audit event with a given id once', async () => {
    const event = {
      programmeId: 'p6',
      pilotId: 'x',
      actor: 'system',
      summary: 's',
      at: 'a',
      action: 'a',
      eventId: 'e1',
    };
    expect(await appendAudit(store, event)).toBe(true);
    expect(await appendAudit(store, event)).toBe(false);
  });

  it('grants a claim once', async () => {
    expect(await claimOnce(store, 'notice', 'n1', 'a')).toBe(true);
    expect(await claimOnce(store, 'notice', 'n1', 'b')).toBe(false);
  });
});
