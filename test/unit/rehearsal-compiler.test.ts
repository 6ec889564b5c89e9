// Which compiler a rehearsal's DynamoDB Local runs with: the quick one for the sample and small programmes,
// whose rehearsals are over before C2 pays for itself; the optimising one for large programmes
// (docs/benchmarks.md, "DynamoDB Local's JIT").
import { describe, expect, it } from 'vitest';
import { dynamodbCompilerFor, OPTIMISING_FROM_PILOTS } from '#local/rehearsal/driver.ts';
import { loadValidPlanFile } from '#plan/load.ts';

const withPilots = (n: number) => ({
  pilots: Array.from({ length: n }, (_, i) => ({ id: `p${i}` })) as never,
});

describe('a rehearsal’s DynamoDB Local', () => {
  it('compiles quickly for the sample plan', async () => {
    expect(dynamodbCompilerFor(await loadValidPlanFile('plans/sample.yaml'))).toBe('quick');
  });

  it('compiles quickly below the threshold and optimising from it on', () => {
    expect(OPTIMISING_FROM_PILOTS).toBeGreaterThan(100);
    expect(dynamodbCompilerFor(withPilots(OPTIMISING_FROM_PILOTS - 1))).toBe('quick');
    expect(dynamodbCompilerFor(withPilots(OPTIMISING_FROM_PILOTS))).toBe('optimising');
    expect(dynamodbCompilerFor(withPilots(1000))).toBe('optimising');
  });
});
