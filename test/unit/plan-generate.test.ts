import { describe, expect, it } from 'vitest';
import { generatePlan } from '#plan/generate.ts';
import { validatePlan } from '#plan/load.ts';
import { communitiesOf, escalationChain } from '#plan/lookup.ts';

describe('the plan generator', () => {
  it('makes a valid plan of 1,000 pilots: towns, each with its communities', () => {
    const plan = generatePlan({ pilots: 1000, seed: 42 });

    expect(plan.pilots).toHaveLength(1000);
    expect(validatePlan(plan).ok).toBe(true);
    const towns = plan.pilots.filter((p) => p.level === 'town');
    expect(towns.length).toBeGreaterThan(100);
    const communities = towns.reduce((n, town) => n + communitiesOf(plan, town.id).length, 0);
    expect(towns.length + communities).toBe(1000);
  });

  it('gives every community a town and an escalation chain up to the leading group', () => {
    const plan = generatePlan({ pilots: 50 });

    for (const pilot of plan.pilots.filter((p) => p.level === 'community')) {
      expect(escalationChain(plan, pilot.id).map((p) => p.id)).toEqual([
        pilot.town,
        'civil-affairs',
        'leading-group',
      ]);
    }
  });

  it('makes the same plan for the same seed and another for another seed', () => {
    const types = (seed: number) =>
      generatePlan({ pilots: 200, seed }).pilots.map((p) => `${p.id}:${p.type}`);

    expect(types(7)).toEqual(types(7));
    expect(types(7)).not.toEqual(types(8));
  });

  it('makes a single town for one pilot', () => {
    expect(generatePlan({ pilots: 1 }).pilots.map((p) => [p.id, p.level])).toEqual([['town-001', 'town']]);
  });

  it('refuses a pilot count that is not a whole number of at least 1', () => {
    expect(() => generatePlan({ pilots: 0 })).toThrow(RangeError);
    expect(() => generatePlan({ pilots: 2.5 })).toThrow(RangeError);
  });
});
