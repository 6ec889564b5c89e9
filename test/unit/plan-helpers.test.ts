// The helpers other parts use on a validated plan: lookups, stage windows and task times, escalation, scores.
import { describe, expect, it } from 'vitest';
import { validatePlan } from '#plan/load.ts';
import {
  communitiesOf,
  contactsOf,
  escalationChain,
  findContactsByEmail,
  findParty,
  findPilot,
  findUnit,
  getPilot,
  getPilotType,
  getUnit,
  higherLevel,
  isPilot,
  leadingGroup,
  leadUnit,
  PlanLookupError,
  townOf,
} from '#plan/lookup.ts';
import {
  escalationTimes,
  escalationTiming,
  linkExpiresAt,
  mobilisationMeetingTime,
  programmeWindow,
  stageWindow,
  summaryReportDue,
  supervisionCheckTimes,
  taskDueAt,
} from '#plan/schedule.ts';
import type { Plan } from '#plan/schema.ts';
import { acceptanceScore, gradeOf, IndicatorScoreError, weightedScore } from '#plan/score.ts';
import { dateOf } from '#plan/time.ts';
import { sampleData, samplePlan } from '#test/fixtures/plans.ts';

const at = (iso: string) => new Date(iso);
const DAY = 86_400_000;

// biome-ignore lint/suspicious/noExplicitAny: the helper edits the plain sample before validating it.
function planWith(edit: (p: any) => void): Plan {
  const data = sampleData();
  edit(data);
  const result = validatePlan(data);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

describe('lookups', () => {
  const plan = samplePlan();

  it('finds units and pilots by id, and nothing for an unknown id', () => {
    expect(findUnit(plan, 'finance')?.name).toBe('县财政局');
    expect(findPilot(plan, 'gucheng')?.name).toBe('XX镇古城社区');
    expect(findUnit(plan, 'gucheng')).toBeUndefined();
    expect(findParty(plan, 'nowhere')).toBeUndefined();
  });

  it('throws PlanLookupError from the get… functions for an unknown id', () => {
    expect(() => getUnit(plan, 'treasury')).toThrow(PlanLookupError);
    expect(() => getPilot(plan, 'finance')).toThrow('the plan has no pilot "finance"');
    expect(() => getPilotType(plan, 'smart')).toThrowError(
      expect.objectContaining({ name: 'PlanLookupError' }),
    );
  });

  it('tells a pilot from a unit', () => {
    expect(isPilot(findParty(plan, 'xx-town')!)).toBe(true);
    expect(isPilot(findParty(plan, 'civil-affairs')!)).toBe(false);
  });

  it('gives the contacts of a unit or a pilot', () => {
    expect(contactsOf(plan, 'civil-affairs').map((c) => c.email)).toEqual([
      'minzheng@xx-county.example',
      'minzheng-office@xx-county.example',
    ]);
    expect(contactsOf(plan, 'gucheng').map((c) => c.email)).toEqual(['gucheng@xx-town.example']);
  });

  it('finds who an e-mail address belongs to, whatever its case', () => {
    const found = findContactsByEmail(plan, 'ZhangShu@XX-Town.example');

    expect(found.map(({ party, contact }) => [party.id, contact.name])).toEqual([['zhangshu', '马超']]);
  });

  it('names the lead unit, the leading group and the higher level', () => {
    expect(leadUnit(plan).id).toBe('civil-affairs');
    expect(leadingGroup(plan).kind).toBe('leading-group');
    expect(higherLevel(plan).name).toBe('XX市民政局');
  });

  it('goes from a community to its town and from the town to its five communities', () => {
    expect(townOf(plan, 'jiefangjie')?.id).toBe('xx-town');
    expect(townOf(plan, 'xx-town')).toBeUndefined();
    expect(communitiesOf(plan, 'xx-town').map((p) => p.id)).toEqual([
      'caotang',
      'gucheng',
      'donghelu',
      'zhangshu',
      'jiefangjie',
    ]);
  });
});

describe('escalation chains', () => {
  const plan = samplePlan();

  it('goes from a community to its town, the civil affairs bureau and the leading group', () => {
    expect(escalationChain(plan, 'gucheng').map((p) => p.id)).toEqual([
      'xx-town',
      'civil-affairs',
      'leading-group',
    ]);
  });

  it('goes from a department straight to the leading group', () => {
    expect(escalationChain(plan, 'finance').map((p) => p.id)).toEqual(['leading-group']);
  });

  it('is empty at the top', () => {
    expect(escalationChain(plan, 'leading-group')).toEqual([]);
    expect(escalationChain(plan, 'city-civil-affairs')).toEqual([]);
  });

  it('throws PlanLookupError for an unknown id', () => {
    expect(() => escalationChain(plan, 'nobody')).toThrow(PlanLookupError);
  });
});

describe('stage windows', () => {
  const plan = samplePlan();

  it('runs each stage from midnight of its first day to midnight after its last, Beijing time', () => {
    expect(stageWindow(plan, 'launch')).toEqual({
      start: at('2022-12-31T16:00:00Z'),
      end: at('2023-02-14T16:00:00Z'),
    });
    expect(stageWindow(plan, 'implementation')).toEqual({
      start: at('2023-02-14T16:00:00Z'),
      end: at('2023-10-31T16:00:00Z'),
    });
    expect(stageWindow(plan, 'evaluation')).toEqual({
      start: at('2023-10-31T16:00:00Z'),
      end: at('2023-12-31T16:00:00Z'),
    });
  });

  it('spans the programme over the whole of 2023 in Beijing', () => {
    expect(programmeWindow(plan)).toEqual({
      start: at('2022-12-31T16:00:00Z'),
      end: at('2023-12-31T16:00:00Z'),
    });
  });

  it('follows the programme time zone, with its summer time', () => {
    const london = planWith((p) => {
      p.programme.timezone = 'Europe/London';
      p.stages.implementation.end = '2023-07-31';
    });

    expect(stageWindow(london, 'implementation')).toEqual({
      start: at('2023-02-15T00:00:00Z'), // GMT
      end: at('2023-07-31T23:00:00Z'), // midnight BST
    });
  });

  it('places the mobilisation meeting at 09:30 Beijing time', () => {
    expect(mobilisationMeetingTime(plan)).toEqual(at('2023-01-10T01:30:00Z'));
  });
});

describe('supervision check times', () => {
  it('are monthly from one month after implementation starts, while inside the stage', () => {
    const times = supervisionCheckTimes(samplePlan());

    expect(times.map((t) => dateOf(t, 'Asia/Shanghai'))).toEqual([
      '2023-03-15',
      '2023-04-15',
      '2023-05-15',
      '2023-06-15',
      '2023-07-15',
      '2023-08-15',
      '2023-09-15',
      '2023-10-15',
    ]);
    expect(times[0]).toEqual(at('2023-03-14T16:00:00Z'));
  });

  it('stay on the last day of short months and come back to the 31st when the stage starts on the 31st', () => {
    const plan = planWith((p) => {
      p.stages.launch.end = '2023-01-30';
      p.stages.launch.mobilisationMeeting.time = '2023-01-10 09:30';
      p.stages.implementation.start = '2023-01-31';
      p.stages.implementation.end = '2023-05-31';
    });

    expect(supervisionCheckTimes(plan).map((t) => dateOf(t, 'Asia/Shanghai'))).toEqual([
      '2023-02-28',
      '2023-03-31',
      '2023-04-30',
      '2023-05-31',
    ]);
  });

  it('follow a cadence in days', () => {
    const plan = planWith((p) => {
      p.stages.implementation.supervision.every = 'P60D';
    });

    const times = supervisionCheckTimes(plan);

    expect(times).toHaveLength(4);
    expect(
      times.map((t) => (t.getTime() - stageWindow(plan, 'implementation').start.getTime()) / DAY),
    ).toEqual([60, 120, 180, 240]);
  });

  it('are none when the stage is shorter than the cadence', () => {
    const plan = planWith((p) => {
      p.stages.implementation.end = '2023-03-10';
    });

    expect(supervisionCheckTimes(plan)).toEqual([]);
  });
});

describe('task times', () => {
  const plan = samplePlan();

  it('makes a task due its kind’s duration in working days after it opens, at the end of the working day', () => {
    // Tuesday 10 January 10:00 + 3 working days: Friday 13 January 17:30 in Asia/Shanghai.
    expect(taskDueAt(plan, 'acknowledgement', at('2023-01-10T02:00:00Z'))).toEqual(
      at('2023-01-13T09:30:00Z'),
    );
    // Wednesday 1 March + 14 working days (two weekends and a half): Tuesday 21 March 17:30.
    expect(taskDueAt(plan, 'rectification', at('2023-03-01T00:00:00Z'))).toEqual(at('2023-03-21T09:30:00Z'));
  });

  it('never makes the summary task due after the end of the summary report’s due day', () => {
    expect(summaryReportDue(plan)).toEqual(at('2023-12-25T09:30:00Z'));
    expect(taskDueAt(plan, 'summary', at('2023-12-22T00:00:00Z'))).toEqual(at('2023-12-25T09:30:00Z'));
    expect(taskDueAt(plan, 'summary', at('2023-12-01T00:00:00Z'))).toEqual(at('2023-12-12T09:30:00Z'));
  });

  it('keeps a task link working for the grace period after the due time', () => {
    expect(linkExpiresAt(plan, at('2023-03-15T00:00:00Z'))).toEqual(at('2023-03-22T00:00:00Z'));
  });
});

describe('reminders and escalation times', () => {
  it('reminds about a task due in 3 working days from the start of the working day 2 working days before, and tells the leading group 3 working days after', () => {
    const plan = samplePlan();
    const opened = at('2023-01-10T02:00:00Z');
    const due = taskDueAt(plan, 'acknowledgement', opened);

    const times = escalationTimes(plan, 'acknowledgement', due);

    expect(due).toEqual(at('2023-01-13T09:30:00Z'));
    expect(times.remindAt).toEqual(at('2023-01-10T16:00:00Z')); // Wednesday 11 January 00:00
    expect(times.toSupervisorAt).toEqual(due);
    expect(times.toLeadingGroupAt).toEqual(at('2023-01-18T09:30:00Z')); // not over the weekend
  });

  it('applies a task kind’s override on top of the general timings', () => {
    const plan = planWith((p) => {
      p.escalation.overrides = { rectification: { remindBeforeDue: 'P5D' } };
    });

    expect(escalationTiming(plan, 'rectification')).toEqual({
      remindBeforeDue: 'P5D',
      toSupervisorAfterDue: 'PT0S',
      toLeadingGroupAfterDue: 'P3D',
    });
    expect(escalationTiming(plan, 'acceptance').remindBeforeDue).toBe('P2D');
    // Five working days before Wednesday 15 March: Wednesday 8 March, from its start.
    expect(escalationTimes(plan, 'rectification', at('2023-03-15T09:30:00Z')).remindAt).toEqual(
      at('2023-03-07T16:00:00Z'),
    );
  });
});

describe('acceptance score', () => {
  const { indicators } = samplePlan();
  const all = (score: number) => Object.fromEntries(indicators.items.map((i) => [i.id, score]));

  it('is the weighted mean of the indicator scores', () => {
    // 20×100 + 15×50 + 15×80 + 10×70 + 15×90 + 10×60 + 10×40 + 5×100 = 7500 → 75
    const scores = {
      'party-leadership': 100,
      'self-governance': 50,
      participation: 80,
      'department-guidance': 70,
      'public-services': 90,
      responsibilities: 60,
      'rule-of-law': 40,
      funds: 100,
    };

    expect(weightedScore(indicators, scores)).toBe(75);
    expect(acceptanceScore(indicators, scores)).toEqual({ score: 75, grade: 'pass' });
  });

  it('rounds to two decimals', () => {
    expect(weightedScore(indicators, { ...all(80), funds: 80.333 })).toBe(80.02);
  });

  it('grades below 60 a fail, from 60 a pass and from 90 excellent', () => {
    expect(gradeOf(indicators, 59.99)).toBe('fail');
    expect(gradeOf(indicators, 60)).toBe('pass');
    expect(gradeOf(indicators, 89.99)).toBe('pass');
    expect(gradeOf(indicators, 90)).toBe('excellent');
    expect(acceptanceScore(indicators, all(100))).toEqual({ score: 100, grade: 'excellent' });
    expect(acceptanceScore(indicators, all(0))).toEqual({ score: 0, grade: 'fail' });
  });

  it('refuses a missing, an unknown or an out-of-range score with IndicatorScoreError', () => {
    const { funds: _, ...missing } = all(80);

    expect(() => weightedScore(indicators, missing)).toThrow('no score for indicator "funds"');
    expect(() => weightedScore(indicators, { ...all(80), extra: 50 })).toThrow('unknown indicator(s): extra');
    expect(() => weightedScore(indicators, { ...all(80), funds: 101 })).toThrow(IndicatorScoreError);
    expect(() => weightedScore(indicators, { ...all(80), funds: Number.NaN })).toThrowError(
      expect.objectContaining({ name: 'IndicatorScoreError' }),
    );
  });
});

describe('the plan module index', () => {
  it('re-exports the same functions as the modules themselves', async () => {
    const index = await import('#plan/index.ts');

    expect(index.stageWindow).toBe(stageWindow);
    expect(index.escalationChain).toBe(escalationChain);
    expect(index.validatePlan).toBe(validatePlan);
    expect(index.TASK_KINDS).toContain('rectification');
  });
});
