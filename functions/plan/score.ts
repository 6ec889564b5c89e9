// The acceptance score: the weighted mean of the indicator scores, and its grade against the plan's thresholds.
import type { IndicatorSystem } from './schema.ts';

export type Grade = 'fail' | 'pass' | 'excellent';

/** Scores that do not fit the indicator system: missing, unknown or outside 0–100. */
export class IndicatorScoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndicatorScoreError';
  }
}

/**
 * Σ weight × score / Σ weight over every indicator (the weights of a valid plan add up to 100), rounded to
 * two decimals so that the grade is decided on the figure people see. Every indicator needs a score in 0–100.
 */
export function weightedScore(indicators: IndicatorSystem, scores: Readonly<Record<string, number>>): number {
  const ids = new Set(indicators.items.map((i) => i.id));
  const unknown = Object.keys(scores).filter((id) => !ids.has(id));
  if (unknown.length > 0) throw new IndicatorScoreError(`unknown indicator(s): ${unknown.join(', ')}`);
  let total = 0;
  let weights = 0;
  for (const { id, weight } of indicators.items) {
    const score = scores[id];
    if (score === undefined) throw new IndicatorScoreError(`no score for indicator "${id}"`);
    if (!Number.isFinite(score) || score < 0 || score > 100) {
      throw new IndicatorScoreError(`the score of "${id}" must be between 0 and 100, not ${score}`);
    }
    total += weight * score;
    weights += weight;
  }
  return Math.round((total / weights) * 100) / 100;
}

/** fail below passScore, excellent from excellentScore, pass in between. */
export function gradeOf(indicators: IndicatorSystem, score: number): Grade {
  if (score >= indicators.excellentScore) return 'excellent';
  if (score >= indicators.passScore) return 'pass';
  return 'fail';
}

/** The acceptance result of one pilot from its per-indicator scores. */
export function acceptanceScore(
  indicators: IndicatorSystem,
  scores: Readonly<Record<string, number>>,
): { score: number; grade: Grade } {
  const score = weightedScore(indicators, scores);
  return { score, grade: gradeOf(indicators, score) };
}
