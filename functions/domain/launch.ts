// Launching a programme: validate the plan, store it and its pilots, and start the Programme execution named
// after the programme. Every step is idempotent, so launching the same plan twice starts it once: the store
// refuses a second programme item, and StartExecution with the same name and input returns the running
// execution (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html).
import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod';
import { ConflictError, ValidationError } from '#lib/errors.ts';
import { formatProblem, parsePlan } from '#plan/load.ts';
import type { Pilot, Plan } from '#plan/schema.ts';
import { type PilotRecord, putPilots } from '#store/pilots.ts';
import { getProgrammePlan, putProgrammeOnce, setProgrammeStatus } from '#store/programmes.ts';
import { type Admin, actorOf, adminDetails } from './admin.ts';
import { auditOnce, type Deps } from './deps.ts';
import { executionArnOf, programmeInput } from './workflow-input.ts';

export const LaunchInputSchema = z.strictObject({
  planYaml: z.string().min(1, 'the plan is empty').max(2_000_000, 'the plan is larger than 2 MB'),
  source: z.string().max(500).optional(),
});
export type LaunchInput = z.infer<typeof LaunchInputSchema>;

/** Step Functions refuses execution input above 256 KiB. */
export const MAX_EXECUTION_INPUT = 256 * 1024;

export interface LaunchDeps extends Deps {
  programmeStateMachineArn: string;
  /** StartExecution; resolves to the execution ARN, or rejects with the SDK's ExecutionAlreadyExists. */
  startExecution: (args: { stateMachineArn: string; name: string; input: string }) => Promise<string>;
}

export interface LaunchResult {
  programmeId: string;
  executionArn: string;
  /** false when the programme had been launched before (nothing new was stored or started). */
  launched: boolean;
  pilots: number;
}

/** The record a launch stores for a pilot of the plan: who and where it is, with no stage begun yet. */
export function launchedPilotRecord(programmeId: string, pilot: Pilot, at: string): PilotRecord {
  return {
    programmeId,
    pilotId: pilot.id,
    name: pilot.name,
    nameEn: pilot.nameEn,
    level: pilot.level,
    type: pilot.type,
    ...(pilot.town ? { town: pilot.town } : {}),
    stages: {},
    updatedAt: at,
  };
}

/**
 * Whether a plan's programme was launched before: not at all, with this very plan (launching again starts
 * nothing new), or with another plan under the same id (refused).
 */
export async function priorLaunch(
  deps: Pick<Deps, 'store'>,
  plan: Plan,
): Promise<'none' | 'same' | 'different'> {
  const stored = await getProgrammePlan(deps.store, plan.programme.id);
  if (stored === undefined) return 'none';
  return isDeepStrictEqual(stored, JSON.parse(JSON.stringify(plan))) ? 'same' : 'different';
}

/** `by`: the administrator who launched it from the dashboard (the audit's actor); else the system. */
export async function launchProgramme(
  deps: LaunchDeps,
  input: LaunchInput,
  by?: Admin,
): Promise<LaunchResult> {
  const parsed = parsePlan(input.planYaml, input.source);
  if (!parsed.ok) {
    const where = input.source ?? 'the plan';
    throw new ValidationError(
      `${where} is not a valid plan (${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}):\n${parsed.problems.map((p) => formatProblem(p)).join('\n')}`,
      parsed.problems.map((p) => ({
        path: p.path,
        message: p.line ? `${p.message} (line ${p.line})` : p.message,
      })),
    );
  }
  const plan = parsed.plan;
  const executionInput = JSON.stringify(programmeInput(plan));
  if (Buffer.byteLength(executionInput) > MAX_EXECUTION_INPUT) {
    throw new ValidationError(
      `the programme has too many pilots for one execution input (${Buffer.byteLength(executionInput)} bytes, at most ${MAX_EXECUTION_INPUT})`,
    );
  }
  const programmeId = plan.programme.id;
  const at = deps.now().toISOString();
  const executionArn = executionArnOf(deps.programmeStateMachineArn, programmeId);
  const created = await putProgrammeOnce(
    deps.store,
    { programmeId, title: plan.programme.title, status: 'launched', launchedAt: at, updatedAt: at },
    plan,
  );
  if (!created) {
    // A second launch of the same plan goes on (a first launch may have stopped half-way); another plan
    // under the same id is refused: its execution would need a different input.
    if ((await priorLaunch(deps, plan)) !== 'same') {
      throw new ConflictError(
        `programme ${programmeId} was launched already with a different plan; give the new plan its own programme.id`,
      );
    }
  }
  await putPilots(
    deps.store,
    plan.pilots.map((p) => launchedPilotRecord(programmeId, p, at)),
  );
  try {
    await deps.startExecution({
      stateMachineArn: deps.programmeStateMachineArn,
      name: programmeId,
      input: executionInput,
    });
  } catch (error) {
    // Started before, and finished since or started from another plan: the execution is there, under its name.
    if (!(error instanceof Error && error.name === 'ExecutionAlreadyExists')) throw error;
  }
  try {
    await setProgrammeStatus(deps.store, programmeId, ['launched'], 'running', at, { executionArn });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
  await auditOnce(deps, programmeId, {
    programmeId,
    pilotId: '-',
    at,
    actor: by ? actorOf(by) : 'system',
    action: 'programme.launched',
    executionArn,
    summary: `Programme ${programmeId} launched with ${plan.pilots.length} pilots`,
    details: {
      pilots: plan.pilots.length,
      ...(input.source ? { source: input.source } : {}),
      ...(by ? { by: adminDetails(by) } : {}),
    },
  });
  return { programmeId, executionArn, launched: created, pilots: plan.pilots.length };
}
