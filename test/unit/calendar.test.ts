// Working days: deadlines, reminders and escalation thresholds on 2023's calendar of mainland China (春节
// 2023-01-21 to 01-27 off, 调休 working days Saturday 2023-01-28 and Sunday 01-29), a plan's own days
// overriding it, and a deadline written as officials write it.
import { describe, expect, it } from 'vitest';
import { addWorkingDays, deadlineOfDate, digestDay, isWorkingDay } from '#plan/calendar.ts';
import { validatePlan } from '#plan/load.ts';
import { escalationTimes, taskDueAt } from '#plan/schedule.ts';
import type { Plan } from '#plan/schema.ts';
import { dateOf, toLocal } from '#plan/time.ts';
import { formatDeadline } from '#presentation/i18n.ts';
import { sampleData, samplePlan } from '#test/fixtures/plans.ts';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

// biome-ignore lint/suspicious/noExplicitAny: the helper edits the plain sample before validating it.
function planWith(edit: (p: any) => void): Plan {
  const data = sampleData();
  edit(data);
  const result = validatePlan(data);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

/** Every day from `from` to `to` (inclusive), as plan dates. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T12:00:00Z`);
    d <= new Date(`${to}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

const SPRING_FESTIVAL = days('2023-01-21', '2023-01-27');

describe('the default calendar, 2023 (mainland China)', () => {
  const plan = samplePlan();

  it('has the Spring Festival off and its make-up Saturday and Sunday on', () => {
    expect(SPRING_FESTIVAL.filter((d) => isWorkingDay(plan, d))).toEqual([]);
    expect(isWorkingDay(plan, '2023-01-28')).toBe(true);
    expect(isWorkingDay(plan, '2023-01-29')).toBe(true);
    expect(isWorkingDay(plan, '2023-01-14')).toBe(false); // an ordinary Saturday
    expect(isWorkingDay(plan, '2023-01-02')).toBe(false); // 元旦
    expect(isWorkingDay(plan, '2023-01-20')).toBe(true);
  });

  it('counts a task’s days in working days across the festival: three days from Wednesday 18 January end on the make-up Saturday', () => {
    const due = taskDueAt(plan, 'acknowledgement', at('2023-01-18T01:30:00Z'));
    expect(due).toEqual(at('2023-01-28T09:30:00Z')); // 17:30 in Asia/Shanghai
  });

  it('puts every deadline of every kind, opened at any hour of January and February, at 17:30 on a working day', () => {
    const wrong: string[] = [];
    for (const day of days('2023-01-01', '2023-02-28')) {
      for (const hour of [0, 9, 20]) {
        const opened = at(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`);
        for (const kind of Object.keys(plan.tasks.durations) as Array<keyof Plan['tasks']['durations']>) {
          const due = taskDueAt(plan, kind, opened);
          const local = toLocal(due, TZ);
          if (!isWorkingDay(plan, dateOf(due, TZ)) || local.hour !== 17 || local.minute !== 30) {
            wrong.push(`${kind} opened ${opened.toISOString()}: due ${due.toISOString()}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reminds and escalates only on working days: every threshold of a deadline from January to February', () => {
    const wrong: string[] = [];
    for (const day of days('2023-01-03', '2023-02-28').filter((d) => isWorkingDay(plan, d))) {
      const due = deadlineOfDate(plan, day);
      const times = escalationTimes(plan, 'acknowledgement', due);
      for (const [name, time] of Object.entries(times)) {
        if (!isWorkingDay(plan, dateOf(time, TZ))) wrong.push(`${day} ${name}: ${time.toISOString()}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reminds two working days before a deadline on the make-up Saturday, and tells the leading group three working days after it', () => {
    const due = at('2023-01-28T09:30:00Z');
    expect(escalationTimes(plan, 'acknowledgement', due)).toEqual({
      // The start of Thursday 19 January: Friday 20 is one working day before, the festival none.
      remindAt: at('2023-01-18T16:00:00Z'),
      toSupervisorAt: due,
      // Sunday 29 (make-up), Monday 30, Tuesday 31 January, at the deadline's hour.
      toLeadingGroupAt: at('2023-01-31T09:30:00Z'),
    });
  });

  it('moves a date that falls on a day off to the end of the next working day (顺延)', () => {
    expect(addWorkingDays(plan, '2023-01-22', 0)).toBe('2023-01-28');
    expect(deadlineOfDate(plan, '2023-01-22')).toEqual(at('2023-01-28T09:30:00Z'));
    expect(deadlineOfDate(plan, '2023-01-04')).toEqual(at('2023-01-04T09:30:00Z'));
  });
});

describe('the daily digest, 2023 (mainland China)', () => {
  const plan = samplePlan();

  it('goes out only on working days, from 09:00 in Shanghai: never during the Spring Festival, on its make-up weekend', () => {
    // Every hour of January and February 2023: the days on which a digest may go out.
    const sendDays = new Set<string>();
    for (
      let t = at('2022-12-31T16:00:00Z').getTime();
      t < at('2023-02-28T16:00:00Z').getTime();
      t += 3_600_000
    ) {
      const day = digestDay(plan, new Date(t));
      if (day) {
        sendDays.add(day);
        expect(day).toBe(dateOf(new Date(t), TZ));
        expect(toLocal(new Date(t), TZ).hour).toBeGreaterThanOrEqual(9);
      }
    }
    expect(days('2023-01-01', '2023-02-28').filter((d) => isWorkingDay(plan, d))).toEqual([...sendDays]);
    expect(SPRING_FESTIVAL.filter((d) => sendDays.has(d))).toEqual([]);
    expect(sendDays.has('2023-01-28')).toBe(true);
    expect(sendDays.has('2023-01-29')).toBe(true);
  });

  it('is due from 09:00 on the make-up Saturday, not at 08:59', () => {
    expect(digestDay(plan, at('2023-01-28T00:59:00Z'))).toBeUndefined();
    expect(digestDay(plan, at('2023-01-28T01:00:00Z'))).toBe('2023-01-28');
    expect(digestDay(plan, at('2023-01-27T02:00:00Z'))).toBeUndefined(); // the festival's last day
  });

  it('follows the plan’s digestAt', () => {
    const late = planWith((p) => {
      p.escalation.digestAt = '14:30';
    });
    expect(digestDay(late, at('2023-01-28T06:29:00Z'))).toBeUndefined();
    expect(digestDay(late, at('2023-01-28T06:30:00Z'))).toBe('2023-01-28');
  });
});

describe('a plan’s own calendar', () => {
  it('adds a day off a late notice announced, and a working day', () => {
    const plan = planWith((p) => {
      p.calendar = { holidays: ['2023-01-19'], workdays: ['2023-01-21'] };
    });
    expect(isWorkingDay(plan, '2023-01-19')).toBe(false);
    expect(isWorkingDay(plan, '2023-01-21')).toBe(true);
    // From Wednesday 18 January: Friday 20, Saturday 21 (the plan's working day), then the make-up Saturday 28.
    expect(taskDueAt(plan, 'acknowledgement', at('2023-01-18T01:30:00Z'))).toEqual(
      at('2023-01-28T09:30:00Z'),
    );
    expect(dateOf(taskDueAt(plan, 'verification', at('2023-01-18T01:30:00Z')), TZ)).toBe('2023-01-30');
  });

  it('can start from weekends alone, for a region without the State Council’s arrangement', () => {
    const plan = planWith((p) => {
      p.calendar = { base: 'weekends' };
    });
    expect(isWorkingDay(plan, '2023-01-23')).toBe(true);
    expect(isWorkingDay(plan, '2023-01-28')).toBe(false);
    expect(taskDueAt(plan, 'acknowledgement', at('2023-01-18T01:30:00Z'))).toEqual(
      at('2023-01-23T09:30:00Z'),
    );
  });

  it('sets the hour a working day ends, which every deadline keeps', () => {
    const plan = planWith((p) => {
      p.calendar = { workdayEnds: '18:00' };
    });
    expect(taskDueAt(plan, 'acknowledgement', at('2023-01-10T01:30:00Z'))).toEqual(
      at('2023-01-13T10:00:00Z'),
    );
  });

  it('is refused when it lists a day as both off and on, or an hour that is not one', () => {
    const data = sampleData();
    data.calendar = { holidays: ['2023-03-01'], workdays: ['2023-03-01'], workdayEnds: '5:30pm' };
    const result = validatePlan(data);
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['calendar.workdays[0]', 'calendar.workdayEnds']));
  });
});

describe('a deadline as officials read it', () => {
  // A plan whose acknowledgement is two working days: opened on New Year's Day, it is due on Wednesday 4 January.
  const plan = planWith((p) => {
    p.tasks.durations.acknowledgement = 'P2D';
  });
  const due = taskDueAt(plan, 'acknowledgement', at('2022-12-31T16:02:00Z'));

  it('reads 2023年1月4日（星期三）17:30前, with no zone name and no odd minutes', () => {
    expect(formatDeadline(due, 'zh-CN', TZ)).toBe('2023年1月4日（星期三）17:30前');
  });

  it('reads in English for an en plan', () => {
    expect(formatDeadline(due, 'en', TZ)).toBe('by 17:30 on Wednesday 4 January 2023');
  });
});
