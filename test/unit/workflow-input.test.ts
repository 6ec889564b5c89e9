import { describe, expect, it } from 'vitest';
import { MAX_EXECUTION_INPUT } from '#domain/launch.ts';
import {
  MAX_EXECUTION_BASE,
  PilotInputSchema,
  ProgrammeInputSchema,
  pilotExecutionName,
  programmeInput,
} from '#domain/workflow-input.ts';
import { generatePlan } from '#plan/generate.ts';
import { samplePlan } from '#test/fixtures/plans.ts';

describe('the Programme execution input', () => {
  it('carries the schedule as UTC instants of the plan dates in Asia/Shanghai', () => {
    const { schedule } = programmeInput(samplePlan());
    expect(schedule).toMatchObject({
      launchStart: '2022-12-31T16:00:00.000Z',
      mobilisationMeeting: '2023-01-10T01:30:00.000Z',
      implementationStart: '2023-02-14T16:00:00.000Z',
      implementationEnd: '2023-10-31T16:00:00.000Z',
      evaluationStart: '2023-10-31T16:00:00.000Z',
      summaryDue: '2023-12-25T09:30:00.000Z',
    });
  });

  it('has a monthly supervision check from one month after implementation starts until it ends', () => {
    const { checkTimes } = programmeInput(samplePlan()).schedule;
    expect(checkTimes[0]).toBe('2023-03-14T16:00:00.000Z');
    expect(checkTimes.at(-1)).toBe('2023-10-14T16:00:00.000Z');
    expect(checkTimes).toHaveLength(8);
  });

  it('names the acknowledging units, the working group and every pilot with its execution name', () => {
    const input = programmeInput(samplePlan());
    expect(input.acknowledgers).toEqual(['organisation', 'political-legal', 'finance', 'justice']);
    expect(input.acceptance).toEqual({
      members: ['civil-affairs', 'finance', 'organisation'],
      mode: 'countersign',
    });
    expect(input.pilots[1]).toEqual({
      pilotId: 'caotang',
      level: 'community',
      executionName: 'xx-county-community-governance-2023-caotang',
    });
    expect(ProgrammeInputSchema.safeParse(input).success).toBe(true);
  });

  it('fits the 256 KiB execution input limit for a 1,000-pilot programme', () => {
    const input = programmeInput(generatePlan({ pilots: 1000 }));
    expect(input.pilots).toHaveLength(1000);
    expect(Buffer.byteLength(JSON.stringify(input))).toBeLessThan(MAX_EXECUTION_INPUT);
  });

  it('gives each pilot machine an input that the stage machines accept as it is', () => {
    const { pilots, ...shared } = programmeInput(samplePlan());
    expect(PilotInputSchema.safeParse({ ...shared, ...pilots[0] }).success).toBe(true);
  });
});

describe('pilot execution names', () => {
  it('are the programme and pilot ids when they fit', () => {
    expect(pilotExecutionName('p-2023', 'gucheng')).toBe('p-2023-gucheng');
  });

  it('are shortened with a hash, deterministically, when the ids are long, leaving room for a stage suffix', () => {
    const programme = 'a'.repeat(64);
    const name = pilotExecutionName(programme, 'gucheng');
    expect(name.length).toBe(MAX_EXECUTION_BASE);
    expect(`${name}-implementation`.length).toBeLessThanOrEqual(80);
    expect(pilotExecutionName(programme, 'gucheng')).toBe(name);
    expect(pilotExecutionName(programme, 'caotang')).not.toBe(name);
    expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
