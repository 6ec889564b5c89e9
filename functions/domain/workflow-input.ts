// The execution inputs of the state machines: ids and the programme-wide schedule as ISO instants, computed
// once by launch-programme from the plan (in the programme's time zone). Kept small on purpose: a 1,000-pilot
// programme must fit Step Functions' 256 KiB input limit, so handlers load names and contacts from the table.
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { SIGN_MODES } from '#plan/kinds.ts';
import {
  mobilisationMeetingTime,
  stageWindow,
  summaryReportDue,
  supervisionCheckTimes,
} from '#plan/schedule.ts';
import type { Plan } from '#plan/schema.ts';

const instant = () => z.iso.datetime({ offset: false });

export const ScheduleSchema = z.strictObject({
  launchStart: instant(),
  mobilisationMeeting: instant(),
  implementationStart: instant(),
  implementationEnd: instant(),
  /** The supervision checks, in order (one cadence after the implementation stage starts, then every cadence). */
  checkTimes: z.array(instant()),
  evaluationStart: instant(),
  summaryDue: instant(),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

export const PilotRefSchema = z.strictObject({
  pilotId: z.string().min(1),
  level: z.enum(['town', 'community']),
  /** `<programme>-<pilot>` (or a hashed form) of at most 64 characters; stage executions add `-launch` etc. */
  executionName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});
export type PilotRef = z.infer<typeof PilotRefSchema>;

const shared = {
  programmeId: z.string().min(1),
  schedule: ScheduleSchema,
  /** Units that acknowledge the mobilisation notice besides the pilot itself (the launch stage's participants). */
  acknowledgers: z.array(z.string().min(1)),
  acceptance: z.strictObject({ members: z.array(z.string().min(1)).min(1), mode: z.enum(SIGN_MODES) }),
};

/** Input of the Programme machine. */
export const ProgrammeInputSchema = z.strictObject({ ...shared, pilots: z.array(PilotRefSchema).min(1) });
export type ProgrammeInput = z.infer<typeof ProgrammeInputSchema>;

/** Input of the Pilot machine and of each stage machine (one shape, so the Pilot machine passes it on). */
export const PilotInputSchema = z.object({ ...shared, ...PilotRefSchema.shape });
export type PilotInput = z.infer<typeof PilotInputSchema>;

/** Longest base of a pilot execution name: stage executions append at most `-implementation` (15) to reach 80. */
export const MAX_EXECUTION_BASE = 64;
const NAME_UNSAFE = /[^A-Za-z0-9_-]/g;

/** The ARN an execution of `stateMachineArn` named `name` has. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

/**
 * A deterministic execution name for a pilot: `<programme>-<pilot>` when it fits, otherwise a prefix and a
 * hash of both ids, so the same pilot always gets the same name (a retried start finds its execution).
 */
export function pilotExecutionName(programmeId: string, pilotId: string): string {
  const plain = `${programmeId}-${pilotId}`.replace(NAME_UNSAFE, '_');
  if (plain.length <= MAX_EXECUTION_BASE) return plain;
  const hash = createHash('sha256').update(`${programmeId}\n${pilotId}`).digest('hex').slice(0, 16);
  return `${plain.slice(0, MAX_EXECUTION_BASE - hash.length - 1)}-${hash}`;
}

/** The Programme machine's input for a plan. */
export function programmeInput(plan: Plan): ProgrammeInput {
  const iso = (d: Date) => d.toISOString();
  const launch = stageWindow(plan, 'launch');
  const implementation = stageWindow(plan, 'implementation');
  const evaluation = stageWindow(plan, 'evaluation');
  const { members, mode } = plan.stages.evaluation.acceptance.workingGroup;
  const programmeId = plan.programme.id;
  return {
    programmeId,
    schedule: {
      launchStart: iso(launch.start),
      mobilisationMeeting: iso(mobilisationMeetingTime(plan)),
      implementationStart: iso(implementation.start),
      implementationEnd: iso(implementation.end),
      checkTimes: supervisionCheckTimes(plan).map(iso),
      evaluationStart: iso(evaluation.start),
      summaryDue: iso(summaryReportDue(plan)),
    },
    acknowledgers: plan.stages.launch.participantUnits.filter((id) => id !== plan.stages.launch.leadUnit),
    acceptance: { members: [...members], mode },
    pilots: plan.pilots.map((p) => ({
      pilotId: p.id,
      level: p.level,
      executionName: pilotExecutionName(programmeId, p.id),
    })),
  };
}
