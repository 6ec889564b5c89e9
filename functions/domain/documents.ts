// The documents administrators download from the dashboard: the programme's summary report (as sent to the
// higher level, or as it stands before), the acceptance score sheet, the programme status and each pilot's
// summary report. Computed from the stored pilots and tasks on every download, never stored twice; the
// presentation floor renders them (functions/presentation/documents).
import { NotFoundError } from '#lib/errors.ts';
import type { Plan } from '#plan/schema.ts';
import { getPilot, type PilotRecord } from '#store/pilots.ts';
import { getProgramme } from '#store/programmes.ts';
import type { Store } from '#store/store.ts';
import { loadPlan } from './deps.ts';
import type { Attachment } from './mail.ts';
import { type ProgrammeReport, pilotSummaries, summaryOfPilot } from './reports.ts';
import { compileProgrammeSummary, type PilotSummary, type ProgrammeSummary } from './summary.ts';

/** The programme's documents by their name in the download's path. */
export const PROGRAMME_DOCUMENTS = ['summary-report.docx', 'acceptance-scores.xlsx', 'status.xlsx'] as const;
export type ProgrammeDocument = (typeof PROGRAMME_DOCUMENTS)[number];

export interface DocumentRenderers {
  programmeReport: ProgrammeReport;
  pilotReport(plan: Plan, summary: PilotSummary, now: Date): Promise<Attachment>;
  scoreSheet(plan: Plan, summaries: PilotSummary[]): Promise<Attachment>;
  statusSheet(plan: Plan, pilots: PilotRecord[]): Promise<Attachment>;
}

export interface DocumentDeps {
  store: Store;
  now: () => Date;
  render: DocumentRenderers;
}

export async function programmeDocument(
  deps: DocumentDeps,
  programmeId: string,
  name: ProgrammeDocument,
): Promise<Attachment> {
  const programme = await getProgramme(deps.store, programmeId);
  if (!programme) throw new NotFoundError(`programme ${programmeId} does not exist`);
  const plan = await loadPlan(deps.store, programmeId);
  const { pilots, summaries } = await pilotSummaries(deps.store, plan, programmeId);
  switch (name) {
    case 'summary-report.docx': {
      // The summary as compiled when every pilot finished (and sent), else as the pilots stand today.
      const summary =
        (programme.summary as unknown as ProgrammeSummary | undefined) ??
        compileProgrammeSummary(programmeId, summaries);
      return deps.render.programmeReport(
        plan,
        summary,
        programme.summaryNote ?? '',
        new Date(programme.summarySentAt ?? deps.now()),
      );
    }
    case 'acceptance-scores.xlsx':
      return deps.render.scoreSheet(plan, summaries);
    case 'status.xlsx':
      return deps.render.statusSheet(plan, pilots);
  }
  throw new NotFoundError(`no document ${name as string}`);
}

export async function pilotDocument(
  deps: DocumentDeps,
  programmeId: string,
  pilotId: string,
): Promise<Attachment> {
  const plan = await loadPlan(deps.store, programmeId);
  const pilot = await getPilot(deps.store, programmeId, pilotId);
  if (!pilot) throw new NotFoundError(`pilot ${pilotId} of ${programmeId} does not exist`);
  return deps.render.pilotReport(plan, await summaryOfPilot(deps.store, plan, pilot), deps.now());
}
