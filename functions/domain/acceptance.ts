// The outcome of a county acceptance (验收) from the working group's decisions: any member returning, or a
// score below the plan's pass threshold, sends the pilot to rectification and re-acceptance. The score is the
// weighted mean of the indicator scores, each indicator's score being the mean of the members' scores.
import * as z from 'zod';
import type { IndicatorSystem } from '#plan/schema.ts';
import { type Grade, gradeOf, weightedScore } from '#plan/score.ts';
import { DecisionSchema } from './checks.ts';
import { auditOnce, type Deps, loadPlan } from './deps.ts';
import { SCORE_PREFIX } from './task-forms.ts';

export interface MemberDecision {
  outcome: string;
  comment?: string;
  form?: Record<string, unknown>;
  decidedBy?: { name?: string; email?: string; unitId?: string };
}

export interface AcceptanceResult {
  /** accepted; returned (a member returned it); failed (all approved but the score is below the pass score). */
  outcome: 'accepted' | 'returned' | 'failed';
  passed: boolean;
  /** The weighted score of the pilot, or null when no member gave a complete set of scores. */
  score: number | null;
  grade: Grade | null;
  /** Each member's own weighted score (null when their scores were incomplete). */
  members: Array<{ unitId?: string; name?: string; outcome: string; score: number | null; comment: string }>;
}

/** The `score.<id>` fields of a decision's form as numbers, or undefined unless every indicator is scored. */
export function scoresOf(indicators: IndicatorSystem, form: Record<string, unknown> | undefined) {
  const scores: Record<string, number> = {};
  for (const { id } of indicators.items) {
    const value = form?.[`${SCORE_PREFIX}${id}`];
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > 100) return undefined;
    scores[id] = n;
  }
  return scores;
}

/** Each indicator's mean over the complete sets of scores, or undefined when there is none. */
function meanScores(
  indicators: IndicatorSystem,
  sets: Array<Record<string, number> | undefined>,
): Record<string, number> | undefined {
  const scored = sets.filter((s): s is Record<string, number> => s !== undefined);
  if (scored.length === 0) return undefined;
  const mean: Record<string, number> = {};
  for (const { id } of indicators.items) {
    mean[id] = scored.reduce((sum, s) => sum + s[id]!, 0) / scored.length;
  }
  return mean;
}

/** The working group's score of each indicator (the members' mean, two decimals), as the score sheet shows it. */
export function indicatorScores(
  indicators: IndicatorSystem,
  decisions: MemberDecision[],
): Record<string, number> | undefined {
  const mean = meanScores(
    indicators,
    decisions.map((d) => scoresOf(indicators, d.form)),
  );
  if (!mean) return undefined;
  return Object.fromEntries(Object.entries(mean).map(([id, v]) => [id, Math.round(v * 100) / 100]));
}

export function acceptanceOutcome(
  indicators: IndicatorSystem,
  decisions: MemberDecision[],
): AcceptanceResult {
  const members = decisions.map((d) => {
    const scores = scoresOf(indicators, d.form);
    return {
      ...(d.decidedBy?.unitId ? { unitId: d.decidedBy.unitId } : {}),
      ...(d.decidedBy?.name ? { name: d.decidedBy.name } : {}),
      outcome: d.outcome,
      score: scores ? weightedScore(indicators, scores) : null,
      comment: d.comment ?? '',
      scores,
    };
  });
  const mean = meanScores(
    indicators,
    members.map((m) => m.scores),
  );
  const score = mean ? weightedScore(indicators, mean) : null;
  const grade = score === null ? null : gradeOf(indicators, score);
  const anyReturned = decisions.length === 0 || decisions.some((d) => d.outcome !== 'approve');
  const outcome = anyReturned ? 'returned' : grade === null || grade === 'fail' ? 'failed' : 'accepted';
  return {
    outcome,
    passed: outcome === 'accepted',
    score,
    grade,
    members: members.map(({ scores: _s, ...m }) => m),
  };
}

// ---- The score-acceptance handler's domain function ------------------------------------------------------

export const ScoreAcceptanceInputSchema = z.strictObject({
  programmeId: z.string().min(1).max(64),
  pilotId: z.string().min(1).max(64),
  executionArn: z.string().min(1).max(2048),
  round: z.number().int().min(1),
  /** The working group's decisions: one per member (countersign), or the one decision (any-one). */
  decisions: z.array(DecisionSchema).min(1),
});
export type ScoreAcceptanceInput = z.infer<typeof ScoreAcceptanceInputSchema>;

export async function scoreAcceptance(
  deps: Deps,
  input: ScoreAcceptanceInput,
): Promise<AcceptanceResult & { comments: string }> {
  const plan = await loadPlan(deps.store, input.programmeId);
  const result = acceptanceOutcome(plan.indicators, input.decisions);
  await auditOnce(deps, `${input.executionArn}#${input.round}`, {
    programmeId: input.programmeId,
    pilotId: input.pilotId,
    at: deps.now().toISOString(),
    actor: 'system',
    action: 'acceptance.scored',
    executionArn: input.executionArn,
    summary: `Acceptance round ${input.round}: ${result.outcome}${result.score === null ? '' : ` (${result.score})`}`,
    details: { round: input.round, ...result },
  });
  // The comments of the members who returned it, or of all when the score was too low: the pilot's brief.
  const comments = result.members
    .filter((m) => result.outcome !== 'returned' || m.outcome !== 'approve')
    .filter((m) => m.comment !== '')
    .map((m) => `${m.name ?? m.unitId ?? ''}: ${m.comment}`)
    .join('\n');
  return { ...result, comments };
}
