import { describe, expect, it } from 'vitest';
import { acceptanceOutcome, type MemberDecision } from '#domain/acceptance.ts';
import { samplePlan } from '#test/fixtures/plans.ts';

const indicators = samplePlan().indicators;

/** Every indicator scored `score`, with per-indicator overrides. */
function scores(score: number, overrides: Record<string, number> = {}) {
  return Object.fromEntries(indicators.items.map((i) => [`score.${i.id}`, overrides[i.id] ?? score]));
}

const member = (
  unitId: string,
  outcome: string,
  form: Record<string, unknown> = {},
  comment = '',
): MemberDecision => ({
  outcome,
  comment,
  form,
  decidedBy: { name: unitId, email: `${unitId}@xx-county.example`, unitId },
});

describe('the acceptance outcome', () => {
  it('accepts when every member approves and the weighted score reaches the pass score', () => {
    const result = acceptanceOutcome(indicators, [
      member('civil-affairs', 'approve', scores(80)),
      member('finance', 'approve', scores(90)),
      member('organisation', 'approve', scores(70)),
    ]);
    expect(result).toMatchObject({ outcome: 'accepted', passed: true, score: 80, grade: 'pass' });
  });

  it('sends the pilot to rectification when any member returns it, whatever the scores', () => {
    const result = acceptanceOutcome(indicators, [
      member('civil-affairs', 'approve', scores(95)),
      member('finance', 'return', {}, '资金使用台账不全'),
      member('organisation', 'approve', scores(95)),
    ]);
    expect(result.outcome).toBe('returned');
    expect(result.passed).toBe(false);
    expect(result.score).toBe(95);
  });

  it('fails when all approve but the weighted mean is below the pass score', () => {
    const result = acceptanceOutcome(indicators, [
      member('civil-affairs', 'approve', scores(50)),
      member('finance', 'approve', scores(55)),
    ]);
    expect(result).toMatchObject({ outcome: 'failed', passed: false, score: 52.5, grade: 'fail' });
  });

  it('weights the indicators by the plan: a low score on a heavy indicator counts more', () => {
    // party-leadership weighs 20, funds 5: 100 everywhere but 0 on one of them.
    const heavy = acceptanceOutcome(indicators, [
      member('a', 'approve', scores(100, { 'party-leadership': 0 })),
    ]);
    const light = acceptanceOutcome(indicators, [member('a', 'approve', scores(100, { funds: 0 }))]);
    expect(heavy.score).toBe(80);
    expect(light.score).toBe(95);
    expect(light.grade).toBe('excellent');
  });

  it("gives each member's own weighted score and ignores incomplete score sets", () => {
    const result = acceptanceOutcome(indicators, [
      member('civil-affairs', 'approve', scores(70)),
      member('finance', 'approve', { 'score.party-leadership': 100 }),
    ]);
    expect(result.members.map((m) => m.score)).toEqual([70, null]);
    expect(result.score).toBe(70);
  });

  it('accepts on the single decision of an any-one working group', () => {
    expect(acceptanceOutcome(indicators, [member('finance', 'approve', scores(61))]).outcome).toBe(
      'accepted',
    );
  });
});
