// Summary reports: a pilot's (compiled when its evaluation ends) and the programme's (sent to the higher
// level, 报送试点工作总结材料), both computed from the stored tasks and decisions, never typed in twice.
import type { Plan } from '#plan/schema.ts';
import type { PilotRecord } from '#store/pilots.ts';
import type { TaskRecord } from '#store/tasks.ts';
import { acceptanceOutcome, indicatorScores } from './acceptance.ts';
import { FIELD } from './task-forms.ts';

export interface PilotSummary {
  pilotId: string;
  outcome: PilotRecord['outcome'] | 'in-progress';
  acceptanceScore: number | null;
  grade: 'fail' | 'pass' | 'excellent' | null;
  /** The last acceptance round's score of each indicator (absent before acceptance, and in older summaries). */
  indicatorScores?: Record<string, number>;
  /** Rounds the implementation plan took until approved. */
  implementationPlanRounds: number;
  supervisionChecks: number;
  checksWithProblems: number;
  rectifications: number;
  studyTours: string[];
  selfInspectionRounds: number;
  acceptanceRounds: number;
  tasks: { total: number; decided: number; timedOut: number };
}

const maxRound = (tasks: TaskRecord[], kind: string) =>
  tasks.filter((t) => t.kind === kind).reduce((max, t) => Math.max(max, t.round), 0);

export function compilePilotSummary(plan: Plan, pilot: PilotRecord, tasks: TaskRecord[]): PilotSummary {
  const decided = tasks.filter((t) => t.status === 'decided');
  const checks = decided.filter((t) => t.kind === 'supervisionCheck');
  const withProblems = checks.filter((t) => t.decision?.form[FIELD.problemsFound] === true);
  const studyTours = checks
    .map((t) => t.decision?.form[FIELD.studyTour])
    .filter((v): v is string => typeof v === 'string' && v.trim() !== '');
  // The last acceptance round decides the score.
  const acceptanceRounds = maxRound(decided, 'acceptance');
  const lastAcceptance = decided
    .filter((t) => t.kind === 'acceptance' && t.round === acceptanceRounds)
    .map((t) => t.decision!);
  const result = lastAcceptance.length > 0 ? acceptanceOutcome(plan.indicators, lastAcceptance) : undefined;
  const indicators = lastAcceptance.length > 0 ? indicatorScores(plan.indicators, lastAcceptance) : undefined;
  return {
    pilotId: pilot.pilotId,
    outcome: pilot.outcome ?? 'in-progress',
    acceptanceScore: pilot.acceptanceScore ?? result?.score ?? null,
    grade: result?.grade ?? null,
    ...(indicators ? { indicatorScores: indicators } : {}),
    implementationPlanRounds: maxRound(decided, 'implementationPlan'),
    supervisionChecks: checks.length,
    checksWithProblems: withProblems.length,
    rectifications: decided.filter((t) => t.kind === 'rectification').length,
    studyTours,
    selfInspectionRounds: maxRound(decided, 'selfInspection'),
    acceptanceRounds,
    tasks: {
      total: tasks.length,
      decided: decided.length,
      timedOut: tasks.filter((t) => t.status === 'timed-out').length,
    },
  };
}

export interface ProgrammeSummary {
  programmeId: string;
  pilots: PilotSummary[];
  accepted: number;
  excellent: number;
  averageScore: number | null;
}

export function compileProgrammeSummary(programmeId: string, pilots: PilotSummary[]): ProgrammeSummary {
  const scores = pilots.map((p) => p.acceptanceScore).filter((s): s is number => typeof s === 'number');
  return {
    programmeId,
    pilots,
    accepted: pilots.filter((p) => p.outcome === 'accepted').length,
    excellent: pilots.filter((p) => p.grade === 'excellent').length,
    averageScore:
      scores.length === 0
        ? null
        : Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 100) / 100,
  };
}
