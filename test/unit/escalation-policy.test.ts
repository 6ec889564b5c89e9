import { beforeAll, describe, expect, it } from 'vitest';
import {
  type EscalationTask,
  levelTimes,
  longestReminderLead,
  pendingSteps,
  supervisingParties,
  targetLevel,
} from '#domain/escalation.ts';
import { loadValidPlanFile, type Plan, validatePlan } from '#plan/index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let plan: Plan;
beforeAll(async () => {
  plan = await loadValidPlanFile(new URL('../../plans/sample.yaml', import.meta.url).pathname);
});

/** A copy of the sample plan with other escalation settings (validated like any plan). */
function withEscalation(escalation: Partial<Plan['escalation']>): Plan {
  const result = validatePlan({
    ...structuredClone(plan),
    escalation: { ...plan.escalation, ...escalation },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

// Opened at the mobilisation meeting (Tuesday 2023-01-10 09:30 in Asia/Shanghai), due three working days
// later at the end of the working day (Friday 13 January 17:30). The thresholds count working days: the
// reminder at the start of the working day two working days before (Wednesday 11), the leading group three
// working days after the deadline (Wednesday 18, 17:30).
const OPENED = Date.parse('2023-01-10T01:30:00.000Z');
const DUE = Date.parse('2023-01-13T09:30:00.000Z');
const REMIND = Date.parse('2023-01-10T16:00:00.000Z');
const LEADING = Date.parse('2023-01-18T09:30:00.000Z');

function task(overrides: Partial<EscalationTask> = {}): EscalationTask {
  return {
    taskId: 'ack-gucheng',
    programmeId: 'xx-county-community-governance-2023',
    pilotId: 'gucheng',
    kind: 'acknowledgement',
    assignees: [{ name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' }],
    dueAt: new Date(DUE).toISOString(),
    createdAt: new Date(OPENED).toISOString(),
    escalationLevel: 0,
    ...overrides,
  };
}

const at = (ms: number) => new Date(ms);
const emails = (rs: Array<{ email: string }>) => rs.map((r) => r.email);

describe('the level a task should be at (sample plan: remind 2 working days before, supervisor at due, leading group 3 working days after)', () => {
  it('is nothing until the start of the working day two working days before the due day', () => {
    expect(targetLevel(plan, task(), at(OPENED))).toBe(0);
    expect(targetLevel(plan, task(), at(REMIND - 1))).toBe(0);
  });

  it('is the reminder from then until it is due', () => {
    expect(targetLevel(plan, task(), at(REMIND))).toBe(1);
    expect(targetLevel(plan, task(), at(DUE - 1))).toBe(1);
  });

  it('is the supervisor from the due time until three working days after it', () => {
    expect(targetLevel(plan, task(), at(DUE))).toBe(2);
    expect(targetLevel(plan, task(), at(LEADING - 1))).toBe(2);
  });

  it('is the leading group from three working days after the due time, and never anything beyond', () => {
    expect(targetLevel(plan, task(), at(LEADING))).toBe(3);
    expect(targetLevel(plan, task(), at(DUE + 300 * DAY))).toBe(3);
  });
});

describe('the steps a sweep takes for a task due in three days', () => {
  it('reminds the assignee two working days before, with nothing for anyone else', () => {
    const steps = pendingSteps(plan, task(), at(REMIND));
    expect(steps.map((s) => s.level)).toEqual([1]);
    expect(steps[0]?.messages).toEqual([
      expect.objectContaining({ id: '1:assignee:gucheng@xx-town.example', audience: 'assignee', cc: [] }),
    ]);
  });

  it('at the due time tells the assignee again and the pilot’s supervising town', () => {
    const steps = pendingSteps(plan, task({ escalationLevel: 1 }), at(DUE));
    expect(steps.map((s) => s.level)).toEqual([2]);
    const messages = steps[0]?.messages ?? [];
    expect(messages.map((m) => [m.audience, emails(m.to)])).toEqual([
      ['assignee', ['gucheng@xx-town.example']],
      ['supervisor', ['shehuishiwu@xx-town.example']],
    ]);
    expect(messages[1]?.party?.id).toBe('xx-town');
  });

  it('three working days after the due time tells the leading group, with the lead unit in copy', () => {
    const steps = pendingSteps(plan, task({ escalationLevel: 2 }), at(LEADING));
    expect(steps.map((s) => s.level)).toEqual([3]);
    const [message] = steps[0]?.messages ?? [];
    expect(message?.audience).toBe('leading-group');
    expect(emails(message?.to ?? [])).toEqual(['lingdaoxiaozu@xx-county.example']);
    expect(emails(message?.cc ?? [])).toEqual([
      'minzheng@xx-county.example',
      'minzheng-office@xx-county.example',
    ]);
  });

  it('has nothing left once the task reached the leading group', () => {
    expect(pendingSteps(plan, task({ escalationLevel: 3 }), at(DUE + 30 * DAY))).toEqual([]);
  });

  it('has nothing to do between levels', () => {
    expect(pendingSteps(plan, task({ escalationLevel: 1 }), at(DUE - 1))).toEqual([]);
    expect(pendingSteps(plan, task({ escalationLevel: 2 }), at(LEADING - 1))).toEqual([]);
  });
});

describe('a sweep that finds a task late', () => {
  it('passes the stale reminder without sending it once the task is overdue, and escalates', () => {
    const steps = pendingSteps(plan, task(), at(DUE + HOUR));
    expect(steps.map((s) => [s.level, s.skipped, s.messages.length])).toEqual([
      [1, 'overdue', 0],
      [2, undefined, 2],
    ]);
  });

  it('sends the supervisor level before the leading-group level when both are due', () => {
    const steps = pendingSteps(plan, task(), at(LEADING + HOUR));
    expect(steps.map((s) => [s.level, s.skipped, s.messages.map((m) => m.audience)])).toEqual([
      [1, 'overdue', []],
      [2, undefined, ['assignee', 'supervisor']],
      [3, undefined, ['leading-group']],
    ]);
  });

  it('gives each level the instant it became due', () => {
    const steps = pendingSteps(plan, task(), at(LEADING + HOUR));
    expect(steps.map((s) => s.dueSince.getTime())).toEqual([REMIND, DUE, LEADING]);
  });

  it('does not remind about a task opened after its remind time: the task e-mail is the reminder', () => {
    const opened = DUE - DAY;
    const steps = pendingSteps(plan, task({ createdAt: new Date(opened).toISOString() }), at(opened + HOUR));
    expect(steps.map((s) => [s.level, s.skipped, s.messages.length])).toEqual([[1, 'opened-in-window', 0]]);
  });
});

describe('per-kind overrides', () => {
  it('time a kind with an override by its own values and keep the general ones it leaves out', () => {
    const custom = withEscalation({
      overrides: { acceptance: { remindBeforeDue: 'P5D', toLeadingGroupAfterDue: 'P7D' } },
    });
    const times = levelTimes(custom, task({ kind: 'acceptance' }));
    expect([times[1], times[2], times[3]].map((d) => d.getTime())).toEqual([
      Date.parse('2023-01-05T16:00:00.000Z'), // the start of Friday 6 January, five working days before
      DUE,
      Date.parse('2023-01-29T09:30:00.000Z'), // seven working days after, the Spring Festival not counted
    ]);
  });

  it('leave the other kinds on the general timings', () => {
    const custom = withEscalation({ overrides: { acceptance: { remindBeforeDue: 'P5D' } } });
    const times = levelTimes(custom, task({ kind: 'acknowledgement' }));
    expect(times[1].getTime()).toBe(REMIND);
  });

  it('give a kind the plan does not know the general timings', () => {
    const times = levelTimes(plan, task({ kind: 'some-workflow-specific-kind' }));
    expect([times[1], times[2], times[3]].map((d) => d.getTime())).toEqual([REMIND, DUE, LEADING]);
  });

  it('make the plan’s longest reminder lead the longest of the general one and every override', () => {
    expect(longestReminderLead(plan)).toBe('P2D');
    expect(longestReminderLead(withEscalation({ overrides: { summary: { remindBeforeDue: 'P10D' } } }))).toBe(
      'P10D',
    );
  });
});

describe('who supervises an assignee', () => {
  it('is the escalatesTo of the unit the assignee acts for', () => {
    const t = task({ assignees: [{ name: '陈静', email: 'caizheng@xx-county.example', unitId: 'finance' }] });
    expect(supervisingParties(plan, t).map((p) => p.id)).toEqual(['leading-group']);
  });

  it('is the pilot’s escalatesTo when the assignee names no unit the plan knows', () => {
    const t = task({
      pilotId: 'xx-town',
      assignees: [
        { name: 'A', email: 'a@xx-town.example' },
        { name: 'B', email: 'b@xx-town.example', unitId: 'no-such-unit' },
      ],
    });
    expect(supervisingParties(plan, t).map((p) => p.id)).toEqual(['civil-affairs']);
  });

  it('is told once however many of its assignees are late', () => {
    const t = task({
      assignees: [
        { name: '郑凯', email: 'gucheng@xx-town.example', unitId: 'gucheng' },
        { name: '副书记', email: 'gucheng-2@xx-town.example', unitId: 'gucheng' },
      ],
    });
    const [step] = pendingSteps(plan, { ...t, escalationLevel: 1 }, at(DUE));
    expect(step?.messages.map((m) => m.id)).toEqual([
      '2:assignee:gucheng@xx-town.example',
      '2:assignee:gucheng-2@xx-town.example',
      '2:supervisor:xx-town',
    ]);
  });

  it('is nobody for the leading group itself, whose overdue tasks wait for level 3', () => {
    const t = task({
      assignees: [{ name: '赵磊', email: 'lingdaoxiaozu@xx-county.example', unitId: 'leading-group' }],
    });
    expect(supervisingParties(plan, t)).toEqual([]);
    const [step] = pendingSteps(plan, { ...t, escalationLevel: 1 }, at(DUE));
    expect(step?.messages.map((m) => m.audience)).toEqual(['assignee']);
  });
});
