// Each cross-field rule of the plan schema, broken one at a time on an otherwise valid sample.
import { describe, expect, it } from 'vitest';
import { validatePlan } from '#plan/load.ts';
import { sampleData } from '#test/fixtures/plans.ts';

// biome-ignore lint/suspicious/noExplicitAny: the cases break the plan in ways its types forbid.
type Breaker = (plan: any) => void;

/** Breaks the sample with `breaker` and returns the problems reported. */
function problemsAfter(breaker: Breaker) {
  const data = sampleData();
  breaker(data);
  const result = validatePlan(data);
  return result.ok ? [] : result.problems;
}

interface Case {
  rule: string;
  breaker: Breaker;
  path: string;
  message: RegExp;
}

function refuses(cases: Case[]) {
  it.each(cases)('refuses $rule', ({ breaker, path, message }) => {
    const problems = problemsAfter(breaker);

    expect(problems.find((p) => p.path === path)?.message).toMatch(message);
  });
}

describe('the unbroken sample', () => {
  it('has no problems, so each problem below comes from the one change', () => {
    expect(problemsAfter(() => {})).toEqual([]);
  });
});

describe('unique ids', () => {
  refuses([
    {
      rule: 'two units with one id',
      breaker: (p) => {
        p.units[1].id = 'civil-affairs';
      },
      path: 'units[1].id',
      message: /id "civil-affairs" is already used by units\[0\]/,
    },
    {
      rule: 'a pilot with the id of a unit',
      breaker: (p) => {
        p.pilots[2].id = 'finance';
      },
      path: 'pilots[2].id',
      message: /id "finance" is already used by units\[3\]; every unit and pilot needs its own id/,
    },
    {
      rule: 'two pilots with one id',
      breaker: (p) => {
        p.pilots[3].id = 'gucheng';
      },
      path: 'pilots[3].id',
      message: /id "gucheng" is already used by pilots\[2\]/,
    },
    {
      rule: 'two pilot types with one id',
      breaker: (p) => {
        p.pilotTypes[2].id = 'convenience-service';
      },
      path: 'pilotTypes[2].id',
      message: /pilot type id "convenience-service" is already used by pilotTypes\[1\]/,
    },
    {
      rule: 'two indicators with one id',
      breaker: (p) => {
        p.indicators.items[1].id = 'party-leadership';
      },
      path: 'indicators.items[1].id',
      message: /indicator id "party-leadership" is already used by indicators.items\[0\]/,
    },
    {
      rule: 'one e-mail address twice in a unit, whatever its case',
      breaker: (p) => {
        p.units[0].contacts[1].email = 'MinZheng@xx-county.example';
      },
      path: 'units[0].contacts[1].email',
      message: /is listed twice for this unit \(also contacts\[0\]\)/,
    },
    {
      rule: 'one e-mail address twice in a pilot',
      breaker: (p) => {
        p.pilots[1].contacts.push({ name: '副书记', email: 'caotang@xx-town.example' });
      },
      path: 'pilots[1].contacts[1].email',
      message: /is listed twice for this pilot/,
    },
  ]);

  it('accepts one person listed for two units', () => {
    expect(
      problemsAfter((p) => {
        p.units[1].contacts.push({ ...p.units[0].contacts[0] });
      }),
    ).toEqual([]);
  });
});

describe('references', () => {
  refuses([
    {
      rule: 'an unknown lead unit, naming the known ones',
      breaker: (p) => {
        p.programme.leadUnit = 'minzheng';
      },
      path: 'programme.leadUnit',
      message:
        /^unknown unit "minzheng" \(units: civil-affairs, organisation, political-legal, finance, justice, /,
    },
    {
      rule: 'a leading group that is not of kind leading-group',
      breaker: (p) => {
        p.programme.leadingGroup = 'finance';
      },
      path: 'programme.leadingGroup',
      message:
        /unit "finance" has kind "department", but the leading group must be a unit of kind "leading-group"/,
    },
    {
      rule: 'a higher level that is not of kind higher-level',
      breaker: (p) => {
        p.programme.higherLevel = 'leading-group';
      },
      path: 'programme.higherLevel',
      message: /the higher level must be a unit of kind "higher-level"/,
    },
    {
      rule: "a unit's escalatesTo naming no unit, with a suggestion for a near miss",
      breaker: (p) => {
        p.units[1].escalatesTo = 'leading-grup';
      },
      path: 'units[1].escalatesTo',
      message: /unknown unit "leading-grup" \(did you mean "leading-group"\?/,
    },
    {
      rule: "a unit's escalatesTo naming a pilot",
      breaker: (p) => {
        p.units[1].escalatesTo = 'xx-town';
      },
      path: 'units[1].escalatesTo',
      message: /"xx-town" is a pilot, but a unit is needed here/,
    },
    {
      rule: "a pilot's unknown type",
      breaker: (p) => {
        p.pilots[3].type = 'smart';
      },
      path: 'pilots[3].type',
      message: /unknown pilot type "smart"/,
    },
    {
      rule: "a pilot's escalatesTo naming nothing",
      breaker: (p) => {
        p.pilots[0].escalatesTo = 'county';
      },
      path: 'pilots[0].escalatesTo',
      message: /unknown unit or town pilot "county"/,
    },
    {
      rule: "a pilot's escalatesTo naming a community",
      breaker: (p) => {
        p.pilots[2].escalatesTo = 'caotang';
      },
      path: 'pilots[2].escalatesTo',
      message: /pilot "caotang" is not a town: a pilot escalates to a unit or to a town-level pilot/,
    },
    {
      rule: "a stage's unknown lead unit",
      breaker: (p) => {
        p.stages.evaluation.leadUnit = 'acceptance';
      },
      path: 'stages.evaluation.leadUnit',
      message: /unknown unit "acceptance"/,
    },
    {
      rule: 'an unknown participant unit',
      breaker: (p) => {
        p.stages.launch.participantUnits.push('propaganda');
      },
      path: 'stages.launch.participantUnits[4]',
      message: /unknown unit "propaganda"/,
    },
    {
      rule: 'a participant unit listed twice',
      breaker: (p) => {
        p.stages.launch.participantUnits.push('finance');
      },
      path: 'stages.launch.participantUnits[4]',
      message: /"finance" is listed twice \(also at \[2\]\)/,
    },
    {
      rule: 'an unknown supervision inspector',
      breaker: (p) => {
        p.stages.implementation.supervision.inspector = 'inspectors';
      },
      path: 'stages.implementation.supervision.inspector',
      message: /unknown unit "inspectors"/,
    },
    {
      rule: 'an unknown working group member',
      breaker: (p) => {
        p.stages.evaluation.acceptance.workingGroup.members[1] = 'treasury';
      },
      path: 'stages.evaluation.acceptance.workingGroup.members[1]',
      message: /unknown unit "treasury"/,
    },
  ]);
});

describe('towns and communities', () => {
  refuses([
    {
      rule: 'a community without its town',
      breaker: (p) => {
        delete p.pilots[1].town;
      },
      path: 'pilots[1].town',
      message: /missing: a community pilot names its town pilot in "town" \(town pilots: xx-town\)/,
    },
    {
      rule: 'a community whose town is a community',
      breaker: (p) => {
        p.pilots[1].town = 'gucheng';
      },
      path: 'pilots[1].town',
      message: /pilot "gucheng" is a community, not a town/,
    },
    {
      rule: 'a community whose town does not exist',
      breaker: (p) => {
        p.pilots[1].town = 'yy-town';
      },
      path: 'pilots[1].town',
      message: /unknown pilot "yy-town"/,
    },
    {
      rule: 'a town with a town',
      breaker: (p) => {
        p.pilots[0].town = 'xx-town';
      },
      path: 'pilots[0].town',
      message: /a town-level pilot has no "town": remove this line/,
    },
  ]);
});

describe('escalation chains', () => {
  refuses([
    {
      rule: 'a chain that goes round in a circle',
      breaker: (p) => {
        p.units[5].escalatesTo = 'civil-affairs';
      },
      path: 'units[0].escalatesTo',
      message: /escalation goes round in a circle \(civil-affairs → leading-group → civil-affairs\)/,
    },
    {
      rule: 'a unit that escalates to itself',
      breaker: (p) => {
        p.units[6].escalatesTo = 'city-civil-affairs';
      },
      path: 'units[6].escalatesTo',
      message: /round in a circle \(city-civil-affairs → city-civil-affairs\)/,
    },
  ]);

  it('reports a circle once, not once per member', () => {
    const problems = problemsAfter((p) => {
      p.units[5].escalatesTo = 'civil-affairs';
    });

    expect(problems.filter((p) => p.message.includes('circle'))).toHaveLength(1);
  });
});

describe('stage windows', () => {
  refuses([
    {
      rule: 'a stage that ends before it starts',
      breaker: (p) => {
        p.stages.launch.end = '2022-12-31';
        p.programme.start = '2022-12-01';
        p.stages.launch.start = '2023-01-01';
      },
      path: 'stages.launch.end',
      message: /the launch stage ends \(2022-12-31\) before it starts \(2023-01-01\)/,
    },
    {
      rule: 'implementation starting before launch ends',
      breaker: (p) => {
        p.stages.implementation.start = '2023-02-01';
      },
      path: 'stages.implementation.start',
      message: /before the launch stage ends \(2023-02-14\)/,
    },
    {
      rule: 'evaluation starting before implementation ends',
      breaker: (p) => {
        p.stages.evaluation.start = '2023-10-15';
      },
      path: 'stages.evaluation.start',
      message:
        /the evaluation stage starts \(2023-10-15\) before the implementation stage ends \(2023-10-31\)/,
    },
    {
      rule: 'a stage starting before the programme',
      breaker: (p) => {
        p.programme.start = '2023-01-05';
      },
      path: 'stages.launch.start',
      message: /2023-01-01 is before the programme starts \(2023-01-05\)/,
    },
    {
      rule: 'a stage ending after the programme',
      breaker: (p) => {
        p.programme.end = '2023-12-30';
      },
      path: 'stages.evaluation.end',
      message: /2023-12-31 is after the programme ends \(2023-12-30\)/,
    },
    {
      rule: 'a programme that ends before it starts',
      breaker: (p) => {
        p.programme.end = '2022-12-31';
      },
      path: 'programme.end',
      message: /the programme ends \(2022-12-31\) before it starts \(2023-01-01\)/,
    },
    {
      rule: 'a mobilisation meeting outside the launch stage',
      breaker: (p) => {
        p.stages.launch.mobilisationMeeting.time = '2023-03-01 09:00';
      },
      path: 'stages.launch.mobilisationMeeting.time',
      message: /the meeting \(2023-03-01\) must fall within the launch stage \(2023-01-01 to 2023-02-14\)/,
    },
    {
      rule: 'a summary report due outside the evaluation stage',
      breaker: (p) => {
        p.stages.evaluation.summaryReport.due = '2024-01-15';
      },
      path: 'stages.evaluation.summaryReport.due',
      message: /2024-01-15 must fall within the evaluation stage/,
    },
    {
      rule: 'a day that is not in the calendar',
      breaker: (p) => {
        p.stages.launch.end = '2023-02-29';
      },
      path: 'stages.launch.end',
      message: /^not a date: write a day of the calendar as YYYY-MM-DD/,
    },
  ]);

  it('accepts a stage that starts on the day the previous one ends', () => {
    expect(
      problemsAfter((p) => {
        p.stages.implementation.start = '2023-02-14';
      }),
    ).toEqual([]);
  });
});

describe('indicators', () => {
  refuses([
    {
      rule: 'weights that do not add up to 100',
      breaker: (p) => {
        p.indicators.items[0].weight = 19;
      },
      path: 'indicators.items',
      message: /^the weights add up to 99; they must add up to exactly 100$/,
    },
    {
      rule: 'an excellent score not above the pass score',
      breaker: (p) => {
        p.indicators.excellentScore = 60;
      },
      path: 'indicators.excellentScore',
      message: /must be above passScore \(60\); got 60/,
    },
    {
      rule: 'a score threshold above 100',
      breaker: (p) => {
        p.indicators.excellentScore = 120;
      },
      path: 'indicators.excellentScore',
      message: /^must be at most 100, not the number 120$/,
    },
    {
      rule: 'a weight of zero',
      breaker: (p) => {
        p.indicators.items[0].weight = 0;
      },
      path: 'indicators.items[0].weight',
      message: /^must be more than 0, not the number 0$/,
    },
  ]);

  it('accepts decimal weights that add up to 100', () => {
    expect(
      problemsAfter((p) => {
        p.indicators.items = [
          { id: 'a', name: '甲', nameEn: 'A', weight: 33.33 },
          { id: 'b', name: '乙', nameEn: 'B', weight: 33.33 },
          { id: 'c', name: '丙', nameEn: 'C', weight: 33.34 },
        ];
      }),
    ).toEqual([]);
  });
});

describe('durations', () => {
  refuses([
    {
      rule: 'a supervision cadence of zero',
      breaker: (p) => {
        p.stages.implementation.supervision.every = 'P0D';
      },
      path: 'stages.implementation.supervision.every',
      message: /must be longer than zero/,
    },
    {
      rule: 'a task duration of zero',
      breaker: (p) => {
        p.tasks.durations.rectification = 'PT0S';
      },
      path: 'tasks.durations.rectification',
      message: /must be longer than zero/,
    },
    {
      rule: 'a duration that is not ISO 8601',
      breaker: (p) => {
        p.tasks.durations.planReview = '7 days';
      },
      path: 'tasks.durations.planReview',
      message: /^not an ISO 8601 duration: write e.g. P3D/,
    },
    {
      rule: 'the leading group before the supervisor',
      breaker: (p) => {
        p.escalation.toSupervisorAfterDue = 'P5D';
      },
      path: 'escalation.toLeadingGroupAfterDue',
      message: /P3D is before the escalation to the supervisor \(P5D\)/,
    },
    {
      rule: 'an override that puts the leading group before the supervisor',
      breaker: (p) => {
        p.escalation.overrides = { acceptance: { toSupervisorAfterDue: 'P1W' } };
      },
      path: 'escalation.overrides.acceptance.toLeadingGroupAfterDue',
      message: /P3D is before the escalation to the supervisor \(P1W\)/,
    },
    {
      rule: 'an override for a task kind that does not exist',
      breaker: (p) => {
        p.escalation.overrides = { rectificaton: { remindBeforeDue: 'P1D' } };
      },
      path: 'escalation.overrides.rectificaton',
      message: /unknown field.*did you mean "rectification"/,
    },
  ]);
});

describe('field formats', () => {
  refuses([
    {
      rule: 'a programme id unusable in an execution name',
      breaker: (p) => {
        p.programme.id = 'xx county 2023';
      },
      path: 'programme.id',
      message: /not a valid programme id/,
    },
    {
      rule: 'a programme id longer than 64 characters',
      breaker: (p) => {
        p.programme.id = 'x'.repeat(65);
      },
      path: 'programme.id',
      message: /not a valid programme id/,
    },
    {
      rule: 'a fixed UTC offset instead of a time zone',
      breaker: (p) => {
        p.programme.timezone = '+08:00';
      },
      path: 'programme.timezone',
      message: /not a time zone: use an IANA name/,
    },
    {
      rule: 'an unknown locale',
      breaker: (p) => {
        p.programme.locale = 'zh';
      },
      path: 'programme.locale',
      message: /must be one of "zh-CN", "en", not text "zh"/,
    },
    {
      rule: 'a meeting time without a time of day',
      breaker: (p) => {
        p.stages.launch.mobilisationMeeting.time = '2023-01-10';
      },
      path: 'stages.launch.mobilisationMeeting.time',
      message: /not a local date and time: write e.g. 2023-01-10 09:30/,
    },
    {
      rule: 'an id with capitals and spaces',
      breaker: (p) => {
        p.pilotTypes[0].id = 'Five Society';
      },
      path: 'pilotTypes[0].id',
      message: /not a valid id: use 1–40 lowercase letters, digits and hyphens/,
    },
    {
      rule: 'a unit without contacts',
      breaker: (p) => {
        p.units[2].contacts = [];
      },
      path: 'units[2].contacts',
      message: /needs at least 1 entry/,
    },
  ]);
});
