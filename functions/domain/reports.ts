// The summary steps: a pilot's summary report when its evaluation ends (stored on the pilot, e-mailed to the
// pilot and the lead unit); the programme's summary once every pilot finished; and, after the lead unit
// confirmed it, the summary materials sent to the higher level (报送试点工作总结材料).

import * as z from 'zod';
import { type Attachment, sourceTags } from '#domain/mail.ts';
import { NotFoundError } from '#lib/errors.ts';
import { higherLevel, leadUnit, getPilot as planPilot } from '#plan/lookup.ts';
import type { Plan } from '#plan/schema.ts';
import { getPilot, listPilots, type PilotRecord, recordPilotSummary } from '#store/pilots.ts';
import { getProgramme, setProgrammeStatus } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';
import { listTasksOfPilot } from '#store/tasks.ts';
import { DecisionSchema } from './checks.ts';
import { auditOnce, type Deps, loadPlan, sendOnce } from './deps.ts';
import { filesOf } from './evidence.ts';
import {
  compilePilotSummary,
  compileProgrammeSummary,
  type PilotSummary,
  type ProgrammeSummary,
} from './summary.ts';
import { FIELD } from './task-forms.ts';

const ids = { programmeId: z.string().min(1).max(64), executionArn: z.string().min(1).max(2048) };

export const CompileSummaryInputSchema = z.discriminatedUnion('scope', [
  z.strictObject({ scope: z.literal('pilot'), ...ids, pilotId: z.string().min(1).max(64) }),
  z.strictObject({ scope: z.literal('programme'), ...ids }),
]);
export type CompileSummaryInput = z.infer<typeof CompileSummaryInputSchema>;

export const SendSummaryInputSchema = z.strictObject({ ...ids, taskId: z.uuid(), decision: DecisionSchema });
export type SendSummaryInput = z.infer<typeof SendSummaryInputSchema>;

/** Every pilot of a programme with its summary (summaryOfPilot). */
export async function pilotSummaries(
  store: Store,
  plan: Plan,
  programmeId: string,
): Promise<{ pilots: PilotRecord[]; summaries: PilotSummary[] }> {
  const pilots = await listPilots(store, programmeId, { consistent: true });
  const summaries: PilotSummary[] = [];
  for (const pilot of pilots) summaries.push(await summaryOfPilot(store, plan, pilot));
  return { pilots, summaries };
}

/** A pilot's summary: the stored one if its outcome has not changed since, otherwise compiled from its tasks. */
export async function summaryOfPilot(store: Store, plan: Plan, pilot: PilotRecord): Promise<PilotSummary> {
  const stored = pilot.summary as unknown as PilotSummary | undefined;
  return stored && stored.outcome === pilot.outcome
    ? stored
    : compilePilotSummary(plan, pilot, await listTasksOfPilot(store, pilot.programmeId, pilot.pilotId));
}

async function pilotSummary(deps: Deps, programmeId: string, pilotId: string): Promise<PilotSummary> {
  const plan = await loadPlan(deps.store, programmeId);
  const pilot = await getPilot(deps.store, programmeId, pilotId);
  if (!pilot) throw new NotFoundError(`pilot ${pilotId} of ${programmeId} does not exist`);
  return compilePilotSummary(plan, pilot, await listTasksOfPilot(deps.store, programmeId, pilotId));
}

export async function compileSummary(
  deps: Deps,
  input: CompileSummaryInput,
): Promise<{ total: number; accepted: number; allAccepted: boolean; averageScore: number | null }> {
  const plan = await loadPlan(deps.store, input.programmeId);
  const at = deps.now().toISOString();
  if (input.scope === 'pilot') {
    const summary = await pilotSummary(deps, input.programmeId, input.pilotId);
    await recordPilotSummary(
      deps.store,
      input.programmeId,
      input.pilotId,
      { ...summary, compiledAt: at },
      at,
    );
    const pilot = planPilot(plan, input.pilotId);
    const email = deps.texts.pilotSummary(plan, summary);
    const to = [...pilot.contacts, ...leadUnit(plan).contacts].map((c) => c.email);
    await sendOnce(deps, 'pilot-summary', `${input.programmeId}#${input.pilotId}`, {
      to,
      ...email,
      tags: { kind: 'summary', ...sourceTags(input) },
    });
    await auditOnce(deps, `${input.programmeId}#${input.pilotId}`, {
      programmeId: input.programmeId,
      pilotId: input.pilotId,
      at,
      actor: 'system',
      action: 'summary.compiled',
      executionArn: input.executionArn,
      summary: `Summary report compiled and sent to ${to.join(', ')}`,
      details: { ...summary },
    });
    const accepted = summary.outcome === 'accepted' ? 1 : 0;
    return { total: 1, accepted, allAccepted: accepted === 1, averageScore: summary.acceptanceScore };
  }
  const { summaries } = await pilotSummaries(deps.store, plan, input.programmeId);
  const summary = compileProgrammeSummary(input.programmeId, summaries);
  await setProgrammeStatus(deps.store, input.programmeId, ['running', 'launched'], 'running', at, {
    summary: summary as unknown as Record<string, unknown>,
  });
  await auditOnce(deps, `${input.executionArn}#programme-summary`, {
    programmeId: input.programmeId,
    pilotId: '-',
    at,
    actor: 'system',
    action: 'summary.compiled',
    executionArn: input.executionArn,
    summary: `Programme summary compiled: ${summary.accepted} of ${summary.pilots.length} pilots accepted`,
    details: { accepted: summary.accepted, total: summary.pilots.length, averageScore: summary.averageScore },
  });
  return {
    total: summary.pilots.length,
    accepted: summary.accepted,
    allAccepted: summary.accepted === summary.pilots.length,
    averageScore: summary.averageScore,
  };
}

/** The programme's summary report as a document (functions/presentation/documents/report.ts). */
export type ProgrammeReport = (
  plan: Plan,
  summary: ProgrammeSummary,
  note: string,
  now: Date,
) => Promise<Attachment>;

/**
 * Sends the confirmed summary materials to the higher level, the report attached as a document, and completes
 * the programme.
 */
export async function sendSummary(
  deps: Deps & { programmeReport: ProgrammeReport },
  input: SendSummaryInput,
): Promise<{ sentTo: string[] }> {
  const plan = await loadPlan(deps.store, input.programmeId);
  const programme = await getProgramme(deps.store, input.programmeId);
  if (!programme?.summary)
    throw new NotFoundError(`programme ${input.programmeId} has no compiled summary yet`);
  const form = input.decision.form;
  const note = {
    text: typeof form[FIELD.summary] === 'string' ? (form[FIELD.summary] as string) : input.decision.comment,
    // The summary materials' file names (the higher level reads the report attached; the files stay with the task).
    ...(typeof form[FIELD.document] === 'string'
      ? { document: form[FIELD.document] as string }
      : filesOf(form[FIELD.document]).length > 0
        ? {
            document: filesOf(form[FIELD.document])
              .map((f) => f.name)
              .join('、'),
          }
        : {}),
  };
  const to = higherLevel(plan).contacts.map((c) => c.email);
  const cc = leadUnit(plan).contacts.map((c) => c.email);
  const summary = programme.summary as unknown as ProgrammeSummary;
  const email = deps.texts.programmeSummary(plan, summary, note);
  const report = await deps.programmeReport(plan, summary, note.text, deps.now());
  await sendOnce(deps, 'programme-summary', input.programmeId, {
    to,
    cc,
    ...email,
    attachments: [report],
    tags: { kind: 'summary', ...sourceTags(input) },
  });
  const at = deps.now().toISOString();
  try {
    await setProgrammeStatus(deps.store, input.programmeId, ['running'], 'completed', at, {
      summarySentAt: at,
      summaryNote: note.text,
    });
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConflictError')) throw error;
  }
  await auditOnce(deps, `${input.programmeId}#summary-sent`, {
    programmeId: input.programmeId,
    pilotId: '-',
    at,
    actor: `email:${input.decision.decidedBy.email}`,
    action: 'summary.sent',
    taskId: input.taskId,
    executionArn: input.executionArn,
    summary: `Summary materials sent to ${to.join(', ')}`,
    details: { to, cc, document: note.document, attachment: report.filename },
  });
  return { sentTo: to };
}
