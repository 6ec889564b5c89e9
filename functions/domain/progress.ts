// Progress of the workflows in the table: each stage's status on the pilot item (the dashboard's pilots ×
// stages matrix is one Query), each pilot's outcome, and the Programme execution's wait for every pilot: it
// parks a task token on the programme item, and whichever comes last — the token or the last pilot's
// outcome — resumes it.
import * as z from 'zod';
import { ConflictError } from '#lib/errors.ts';
import { STAGES } from '#plan/kinds.ts';
import { listPilotStandings, recordOutcome, recordStage } from '#store/pilots.ts';
import { getPilotsDoneToken, setPilotsDoneToken } from '#store/programmes.ts';
import { auditOnce, type Deps } from './deps.ts';

const ids = {
  programmeId: z.string().min(1).max(64),
  executionArn: z.string().min(1).max(2048),
};

export const RecordProgressInputSchema = z.discriminatedUnion('event', [
  z.strictObject({
    event: z.literal('stage'),
    ...ids,
    pilotId: z.string().min(1).max(64),
    stage: z.enum(STAGES),
    status: z.enum(['running', 'done']),
    step: z.string().max(80).optional(),
  }),
  z.strictObject({
    event: z.literal('outcome'),
    ...ids,
    pilotId: z.string().min(1).max(64),
    outcome: z.enum(['accepted', 'failed', 'stopped']),
    acceptanceScore: z.number().min(0).max(100).nullable().optional(),
    /** Why a pilot stopped (the failed stage's error), for the audit trail. */
    reason: z.string().max(2000).optional(),
  }),
]);
export type RecordProgressInput = z.infer<typeof RecordProgressInputSchema>;

export const AwaitPilotsInputSchema = z.strictObject({ ...ids, taskToken: z.string().min(1).max(4096) });
export type AwaitPilotsInput = z.infer<typeof AwaitPilotsInputSchema>;

export interface ProgressDeps extends Deps {
  /** SendTaskSuccess; rejects with the SDK's TaskTimedOut / InvalidToken when the token was used already. */
  sendTaskSuccess: (taskToken: string, output: string) => Promise<void>;
}

export interface PilotsDone {
  total: number;
  accepted: number;
  allAccepted: boolean;
  pilots: Array<{ pilotId: string; outcome: string; acceptanceScore: number | null }>;
}

const USED_TOKEN_ERRORS = ['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist'];

/** Resumes the Programme execution when every pilot has an outcome and the execution is waiting. */
async function resumeProgrammeIfDone(deps: ProgressDeps, programmeId: string): Promise<boolean> {
  const pilots = await listPilotStandings(deps.store, programmeId, { consistent: true });
  if (pilots.length === 0 || pilots.some((p) => p.outcome === undefined)) return false;
  const token = await getPilotsDoneToken(deps.store, programmeId);
  if (!token) return false;
  const accepted = pilots.filter((p) => p.outcome === 'accepted').length;
  const done: PilotsDone = {
    total: pilots.length,
    accepted,
    allAccepted: accepted === pilots.length,
    pilots: pilots.map((p) => ({
      pilotId: p.pilotId,
      outcome: p.outcome!,
      acceptanceScore: p.acceptanceScore ?? null,
    })),
  };
  // Keep the output far below 256 KiB for large programmes: the summary handler reads the pilots itself.
  const output = JSON.stringify(done.total > 200 ? { ...done, pilots: [] } : done);
  try {
    await deps.sendTaskSuccess(token, output);
  } catch (error) {
    // Both the last pilot and the waiting step may see "all done"; the second success finds the token used.
    if (!(error instanceof Error && USED_TOKEN_ERRORS.includes(error.name))) throw error;
    return false;
  }
  return true;
}

export async function recordProgress(
  deps: ProgressDeps,
  input: RecordProgressInput,
): Promise<{ resumed: boolean }> {
  const at = deps.now().toISOString();
  if (input.event === 'stage') {
    await recordStage(deps.store, input.programmeId, input.pilotId, input.stage, {
      status: input.status,
      executionArn: input.executionArn,
      ...(input.step ? { step: input.step } : {}),
      updatedAt: at,
    });
    await auditOnce(deps, `${input.executionArn}#${input.stage}#${input.status}`, {
      programmeId: input.programmeId,
      pilotId: input.pilotId,
      at,
      actor: 'system',
      action: input.status === 'running' ? 'stage.started' : 'stage.completed',
      executionArn: input.executionArn,
      summary: `${input.stage} stage ${input.status === 'running' ? 'started' : 'completed'}`,
      details: { stage: input.stage },
    });
    return { resumed: false };
  }
  const score = input.acceptanceScore ?? undefined;
  try {
    await recordOutcome(deps.store, input.programmeId, input.pilotId, input.outcome, at, score);
    await auditOnce(deps, `${input.programmeId}#${input.pilotId}#outcome`, {
      programmeId: input.programmeId,
      pilotId: input.pilotId,
      at,
      actor: 'system',
      action: 'pilot.outcome',
      executionArn: input.executionArn,
      summary: `Pilot ${input.outcome}${score === undefined ? '' : ` with ${score}`}`,
      details: {
        outcome: input.outcome,
        ...(score === undefined ? {} : { acceptanceScore: score }),
        ...(input.reason ? { reason: input.reason } : {}),
      },
    });
  } catch (error) {
    // The first outcome stands (an accepted pilot whose later step failed stays accepted).
    if (!(error instanceof ConflictError)) throw error;
  }
  return { resumed: await resumeProgrammeIfDone(deps, input.programmeId) };
}

/** The Programme execution waits here: park its token, then resume at once if every pilot is done already. */
export async function awaitPilots(
  deps: ProgressDeps,
  input: AwaitPilotsInput,
): Promise<{ resumed: boolean }> {
  await setPilotsDoneToken(deps.store, input.programmeId, input.taskToken);
  await auditOnce(deps, `${input.executionArn}#await`, {
    programmeId: input.programmeId,
    pilotId: '-',
    at: deps.now().toISOString(),
    actor: 'system',
    action: 'programme.waiting',
    executionArn: input.executionArn,
    summary: 'Every pilot started; waiting for all of them to finish',
  });
  return { resumed: await resumeProgrammeIfDone(deps, input.programmeId) };
}
