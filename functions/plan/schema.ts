// The one schema of a programme plan (plans/*.yaml). Types are inferred from it; the JSON Schema for editors
// (plans/plan.schema.json) is generated from it; the cross-field rules live in rules.ts and run as its refinement.
import * as z from 'zod';
import { LOCALES, PILOT_LEVELS, SIGN_MODES, TASK_KINDS, type TaskKind, UNIT_KINDS } from './kinds.ts';
import { checkPlanRules } from './rules.ts';
import { CLOCK_TIME_PATTERN, DURATION_PATTERN, isLocalDateTime, isValidTimeZone } from './time.ts';

export type { StageName, TaskKind } from './kinds.ts';
export { LOCALES, PILOT_LEVELS, SIGN_MODES, STAGES, TASK_KINDS, UNIT_KINDS } from './kinds.ts';

// ---- Field types shared by many sections --------------------------------------------------------------

const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const PROGRAMME_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const PHONE_PATTERN = /^\+?[0-9][0-9 -]{4,23}$/;

/** An id that other sections refer to: short, lowercase, safe in URLs, keys and execution names. */
const id = () =>
  z.string().regex(ID_PATTERN, {
    error: 'not a valid id: use 1–40 lowercase letters, digits and hyphens, e.g. civil-affairs',
  });
/** A reference to an id defined elsewhere in the plan (checked by the cross-field rules). */
const ref = () => z.string().min(1);
const text = () => z.string().min(1);
const date = () =>
  z.iso.date({ error: 'not a date: write a day of the calendar as YYYY-MM-DD, e.g. 2023-01-01' });
const duration = () =>
  z.string().regex(DURATION_PATTERN, {
    error:
      'not an ISO 8601 duration: write e.g. P3D (3 days), P2W (2 weeks), P1M (1 month), PT12H (12 hours)',
  });
const score = () => z.number().min(0).max(100);

// ---- Sections -----------------------------------------------------------------------------------------

export const ContactSchema = z
  .strictObject({
    name: text().describe('Name of the person (Chinese), used to greet them in e-mails.'),
    nameEn: text().optional().describe('Name in English or pinyin, used in English e-mails.'),
    email: z
      .email({ error: 'not an e-mail address' })
      .describe('E-mail address: task links, reminders and escalations are sent here.'),
    phone: z
      .string()
      .regex(PHONE_PATTERN, {
        error: 'not a phone number: digits, spaces and hyphens, optionally starting with +',
      })
      .optional()
      .describe('Phone number, shown to administrators next to overdue tasks.'),
    role: text().optional().describe('Post or role, e.g. 股长 (section chief).'),
  })
  .describe('A person who receives e-mails for a unit or a pilot.');

const contacts = (of: string) =>
  z
    .array(ContactSchema)
    .min(1)
    .describe(`People who receive e-mails for this ${of}; each task is sent to all of them.`);

export const UnitSchema = z
  .strictObject({
    id: id().describe('Short id other sections use to refer to this unit, e.g. civil-affairs.'),
    name: text().describe('Name in Chinese, e.g. 县民政局.'),
    nameEn: text().describe('Name in English, e.g. County Civil Affairs Bureau.'),
    kind: z
      .enum(UNIT_KINDS)
      .describe(
        'department: a county department; leading-group: the programme leading group (领导小组); ' +
          'higher-level: the authority that receives the summary report; other: anything else.',
      ),
    contacts: contacts('unit'),
    escalatesTo: ref()
      .optional()
      .describe(
        'Id of the unit that supervises this one: overdue tasks of this unit are escalated there. ' +
          'Leave out at the top of the chain.',
      ),
  })
  .describe('A unit (department, leading group, higher-level authority) that takes part in the programme.');

export const PilotTypeSchema = z
  .strictObject({
    id: id().describe('Short id pilots use in their "type", e.g. convenience-service.'),
    name: text().describe('Name in Chinese, e.g. 便民服务型.'),
    nameEn: text().describe('Name in English, e.g. convenience-service.'),
    description: text().optional().describe('What pilots of this type try out.'),
  })
  .describe('A type of pilot (试点类型).');

export const PilotSchema = z
  .strictObject({
    id: id().describe('Short id of the pilot, e.g. gucheng; unique among units and pilots.'),
    name: text().describe('Name in Chinese, e.g. XX镇古城社区.'),
    nameEn: text().describe('Name in English, e.g. Gucheng Community, XX Town.'),
    level: z.enum(PILOT_LEVELS).describe('town: a pilot town (乡镇); community: a pilot community (社区).'),
    type: ref().describe('Id of the pilot type (from pilotTypes).'),
    town: ref()
      .optional()
      .describe(
        'For a community: the id of its town pilot, which does its preliminary evaluation. Not for a town.',
      ),
    contacts: contacts('pilot'),
    escalatesTo: ref().describe(
      'Id of the unit (or, for a community, the town pilot) that supervises this pilot: its overdue tasks are ' +
        'escalated there.',
    ),
  })
  .describe('A pilot (试点项目): a town or a community that carries out the pilot tasks.');

export const ProgrammeSchema = z
  .strictObject({
    id: z
      .string()
      .regex(PROGRAMME_ID_PATTERN, {
        error: 'not a valid programme id: use 1–64 letters, digits, hyphens and underscores',
      })
      .describe(
        'Short id of the programme, e.g. xx-county-community-governance-2023 (used in execution names).',
      ),
    title: text().describe('Title of the work plan in Chinese, e.g. 关于城乡社区治理试点工作方案.'),
    titleEn: text().describe('Title in English.'),
    county: text().describe('The county that runs the programme, in Chinese, e.g. XX县.'),
    countyEn: text().describe('The county in English, e.g. XX County.'),
    locale: z
      .enum(LOCALES)
      .describe('Language of e-mails and pages: zh-CN (Chinese, with English beside) or en.'),
    timezone: z
      .string()
      .refine(isValidTimeZone, { error: 'not a time zone: use an IANA name such as Asia/Shanghai' })
      .describe('IANA time zone of the county, e.g. Asia/Shanghai; every plan date is midnight there.'),
    start: date().describe('First day of the programme (YYYY-MM-DD).'),
    end: date().describe('Last day of the programme (YYYY-MM-DD, inclusive).'),
    leadUnit: ref().describe(
      'Id of the unit that leads the programme (the county civil affairs bureau, 民政局).',
    ),
    leadingGroup: ref().describe(
      'Id of the leading group (领导小组); overdue tasks are finally escalated there.',
    ),
    higherLevel: ref().describe(
      'Id of the higher-level unit that receives the summary report (e.g. 市民政局).',
    ),
  })
  .describe('What the programme is, where and when it runs, and who leads it.');

const stageFields = (name: string) => ({
  start: date().describe(`First day of the ${name} stage (YYYY-MM-DD).`),
  end: date().describe(`Last day of the ${name} stage (YYYY-MM-DD, inclusive).`),
  leadUnit: ref().describe(`Id of the unit that leads the ${name} stage.`),
  participantUnits: z
    .array(ref())
    .describe(`Ids of the other units that take part in the ${name} stage (they are notified).`),
});

export const MobilisationMeetingSchema = z
  .strictObject({
    title: text().describe('Title of the meeting in Chinese, e.g. 试点工作动员大会.'),
    titleEn: text().describe('Title in English, e.g. Pilot mobilisation meeting.'),
    time: z
      .string()
      .meta({ pattern: '^\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2})?$' })
      .refine(isLocalDateTime, {
        error: 'not a local date and time: write e.g. 2023-01-10 09:30 (time in the programme time zone)',
      })
      .describe('When it starts, local time in the programme time zone: YYYY-MM-DD HH:MM.'),
    place: text().describe('Where, in Chinese.'),
    placeEn: text().optional().describe('Where, in English.'),
  })
  .describe('The mobilisation meeting (动员大会) that deploys the pilot tasks to everyone.');

export const LaunchStageSchema = z
  .strictObject({
    ...stageFields('launch'),
    mobilisationMeeting: MobilisationMeetingSchema,
  })
  .describe('Stage 1, launch (工作启动): the mobilisation meeting and acknowledgement of the pilot tasks.');

export const SupervisionSchema = z
  .strictObject({
    every: duration().describe(
      'How often the inspector checks each pilot, e.g. P1M (monthly) or P30D; the first check is one interval ' +
        'after the implementation stage starts.',
    ),
    inspector: ref().describe('Id of the unit that carries out the supervision checks (督查).'),
  })
  .describe(
    'Supervision throughout implementation (全程指导督查); problems found are rectified and verified.',
  );

export const ImplementationStageSchema = z
  .strictObject({
    ...stageFields('implementation'),
    supervision: SupervisionSchema,
    recordStudyTours: z
      .boolean()
      .describe('true: pilots can record study tours (外出学习考察) during implementation.'),
  })
  .describe(
    'Stage 2, implementation (组织实施): implementation plans, supervision checks and rectification.',
  );

export const WorkingGroupSchema = z
  .strictObject({
    name: text().describe('Name in Chinese, e.g. 验收工作组.'),
    nameEn: text().describe('Name in English, e.g. Acceptance working group.'),
    members: z
      .array(ref())
      .min(1)
      .describe('Ids of the member units; each member unit signs the acceptance.'),
    mode: z
      .enum(SIGN_MODES)
      .describe(
        'countersign (会签): every member must approve; any-one (或签): one member approving is enough.',
      ),
  })
  .describe('The acceptance working group (验收工作组) that accepts the pilots one by one.');

export const EvaluationStageSchema = z
  .strictObject({
    ...stageFields('evaluation'),
    selfInspection: z
      .strictObject({
        scored: z.boolean().describe('true: the pilot scores itself on every indicator.'),
      })
      .describe('Step 1, self-inspection (自查) by each pilot.'),
    preliminaryEvaluation: z
      .strictObject({
        scored: z.boolean().describe('true: the town scores the pilot on every indicator.'),
      })
      .describe(
        'Step 2, preliminary evaluation (初评) of each community pilot by its town pilot; a town-level pilot ' +
          'goes from self-inspection straight to acceptance.',
      ),
    acceptance: z
      .strictObject({ workingGroup: WorkingGroupSchema })
      .describe('Step 3, county acceptance (县级验收) by the working group, scored on the indicators.'),
    summaryReport: z
      .strictObject({
        due: date().describe(
          'Day by which the summary materials reach the higher level (inclusive); the summary task is due ' +
            'tasks.durations.summary after it opens, but never later than this day.',
        ),
      })
      .describe('The summary report (试点工作总结材料) sent to the higher level (programme.higherLevel).'),
  })
  .describe(
    'Stage 3, evaluation and acceptance (评估验收): self-inspection → preliminary evaluation → acceptance.',
  );

export const StagesSchema = z
  .strictObject({
    launch: LaunchStageSchema,
    implementation: ImplementationStageSchema,
    evaluation: EvaluationStageSchema,
  })
  .describe('The three stages, in order and inside the programme dates.');

const TASK_KIND_TEXT: Record<TaskKind, string> = {
  acknowledgement: 'acknowledging the pilot tasks after the mobilisation meeting',
  implementationPlan: 'submitting the implementation plan (实施方案)',
  planReview: 'reviewing a submitted implementation plan',
  supervisionCheck: 'carrying out a supervision check (督查)',
  rectification: 'rectifying a problem found by a check (整改)',
  verification: 'verifying a rectification',
  selfInspection: 'the self-inspection (自查)',
  preliminaryEvaluation: 'the preliminary evaluation (初评)',
  acceptance: 'signing the acceptance (验收)',
  summary: 'writing the summary report',
};

export const TaskDurationsSchema = z
  .strictObject(
    Object.fromEntries(
      TASK_KINDS.map((kind) => [
        kind,
        duration().describe(`Time allowed for ${TASK_KIND_TEXT[kind]}, e.g. P7D.`),
      ]),
    ) as Record<TaskKind, ReturnType<typeof duration>>,
  )
  .describe('How long each kind of task has from the moment it is sent (ISO 8601 durations).');

export const TasksSchema = z
  .strictObject({
    durations: TaskDurationsSchema,
    linkGraceAfterDue: duration().describe(
      'How long an e-mailed task link keeps working after the task is due, e.g. P7D.',
    ),
  })
  .describe('Time allowed for human tasks.');

export const IndicatorSchema = z
  .strictObject({
    id: id().describe('Short id of the indicator, e.g. party-leadership.'),
    name: text().describe('Name in Chinese.'),
    nameEn: text().describe('Name in English.'),
    weight: z.number().gt(0).max(100).describe('Weight in the total score; the weights add up to 100.'),
    description: text().optional().describe('What is assessed and how.'),
  })
  .describe('An acceptance indicator (评价指标), scored 0–100.');

export const IndicatorSystemSchema = z
  .strictObject({
    illustrative: z
      .boolean()
      .optional()
      .describe("true when these are not the province's real indicators (an example set)."),
    passScore: score().describe('Lowest total score (0–100) that passes acceptance.'),
    excellentScore: score().describe('Lowest total score (0–100) graded excellent; above passScore.'),
    items: z.array(IndicatorSchema).min(1).describe('The indicators; their weights add up to exactly 100.'),
  })
  .describe('The indicator system for acceptance: total score = weighted mean of the indicator scores.');

const clockTime = () =>
  z
    .string()
    .regex(CLOCK_TIME_PATTERN, { error: 'not a time of day: write HH:MM on a 24-hour clock, e.g. 17:30' });

const escalationTimingFields = {
  remindBeforeDue: duration().describe(
    'Remind (催办) the assignees this long before the task is due, e.g. P2D.',
  ),
  toSupervisorAfterDue: duration().describe(
    'Escalate to the supervising unit (the assignee’s escalatesTo) this long after the due time; PT0S = at due.',
  ),
  toLeadingGroupAfterDue: duration().describe(
    'Escalate to the leading group this long after the due time, e.g. P3D; not before toSupervisorAfterDue.',
  ),
};

export const EscalationTimingSchema = z.strictObject(escalationTimingFields);

export const EscalationOverrideSchema = z
  .strictObject({
    remindBeforeDue: escalationTimingFields.remindBeforeDue.optional(),
    toSupervisorAfterDue: escalationTimingFields.toSupervisorAfterDue.optional(),
    toLeadingGroupAfterDue: escalationTimingFields.toLeadingGroupAfterDue.optional(),
  })
  .describe('Different timings for one kind of task; fields left out keep the general value.');

export const EscalationPolicySchema = z
  .strictObject({
    ...escalationTimingFields,
    digestAt: clockTime()
      .optional()
      .describe(
        'When the daily digest of reminders and escalations goes out (HH:MM in the programme’s time zone, ' +
          'default 09:00), on working days of the calendar only: one e-mail per person and day.',
      ),
    overrides: z
      .strictObject(
        Object.fromEntries(TASK_KINDS.map((kind) => [kind, EscalationOverrideSchema.optional()])) as Record<
          TaskKind,
          z.ZodOptional<typeof EscalationOverrideSchema>
        >,
      )
      .optional()
      .describe(
        'Per task kind (the names used in tasks.durations), timings that differ from the general ones.',
      ),
  })
  .describe(
    'Reminders and escalation of overdue tasks: remind, then the supervisor, then the leading group.',
  );

export const CalendarSchema = z
  .strictObject({
    base: z
      .enum(['mainland-china', 'weekends'])
      .optional()
      .describe(
        'Which days are working days before the lists below: mainland-china (default: weekends, the State ' +
          "Council's public holidays and make-up working days 调休, from the chinese-days package) or weekends " +
          '(Monday to Friday only).',
      ),
    holidays: z
      .array(date())
      .optional()
      .describe('Extra days off (YYYY-MM-DD): a late State Council notice, a local holiday.'),
    workdays: z
      .array(date())
      .optional()
      .describe('Extra working days (YYYY-MM-DD), e.g. a make-up working day (调休) not yet in the data.'),
    workdayEnds: clockTime()
      .optional()
      .describe('When a working day ends (HH:MM, default 17:30): every task deadline is at this time.'),
  })
  .describe(
    'The working calendar: task durations, reminders and escalation count in its working days, and a deadline ' +
      'is the end of a working day.',
  );

export const PlanShapeSchema = z
  .strictObject({
    programme: ProgrammeSchema,
    units: z
      .array(UnitSchema)
      .min(1)
      .describe('Every unit that takes part: departments, leading group, higher level.'),
    pilotTypes: z.array(PilotTypeSchema).min(1).describe('The types of pilot.'),
    pilots: z.array(PilotSchema).min(1).describe('The pilots: towns and their communities.'),
    stages: StagesSchema,
    tasks: TasksSchema,
    indicators: IndicatorSystemSchema,
    escalation: EscalationPolicySchema,
    calendar: CalendarSchema.optional(),
  })
  .meta({
    title: 'PilotFlow programme plan',
    description:
      'A county pilot work plan (试点工作方案) as data: units, pilots, stage windows, task times, indicators ' +
      'and escalation. Check it with `npx pilotflow validate <file>`.',
  });

/**
 * The plan schema with its cross-field rules. The rules also run when some fields are malformed
 * (`when: () => true`), so a clerk sees every problem in one pass; they read the value defensively.
 */
export const PlanSchema = PlanShapeSchema.superRefine(checkPlanRules, { when: () => true });

export type Plan = z.infer<typeof PlanSchema>;
export type Programme = z.infer<typeof ProgrammeSchema>;
export type Contact = z.infer<typeof ContactSchema>;
export type Unit = z.infer<typeof UnitSchema>;
export type UnitKind = Unit['kind'];
export type PilotType = z.infer<typeof PilotTypeSchema>;
export type Pilot = z.infer<typeof PilotSchema>;
export type PilotLevel = Pilot['level'];
export type Stages = z.infer<typeof StagesSchema>;
export type LaunchStage = z.infer<typeof LaunchStageSchema>;
export type MobilisationMeeting = z.infer<typeof MobilisationMeetingSchema>;
export type ImplementationStage = z.infer<typeof ImplementationStageSchema>;
export type Supervision = z.infer<typeof SupervisionSchema>;
export type EvaluationStage = z.infer<typeof EvaluationStageSchema>;
export type WorkingGroup = z.infer<typeof WorkingGroupSchema>;
export type SignMode = WorkingGroup['mode'];
export type Tasks = z.infer<typeof TasksSchema>;
export type TaskDurations = z.infer<typeof TaskDurationsSchema>;
export type IndicatorSystem = z.infer<typeof IndicatorSystemSchema>;
export type Indicator = z.infer<typeof IndicatorSchema>;
export type EscalationPolicy = z.infer<typeof EscalationPolicySchema>;
export type EscalationTiming = z.infer<typeof EscalationTimingSchema>;
export type EscalationOverride = z.infer<typeof EscalationOverrideSchema>;
export type Calendar = z.infer<typeof CalendarSchema>;
/** A unit or a pilot: anything that has contacts and can be escalated to. */
export type Party = Unit | Pilot;
