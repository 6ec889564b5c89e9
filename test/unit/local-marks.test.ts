// The marks the local cloud reads from the template (infra/marks.ts; written by the CDK app, see
// test/infra/marks.test.ts): it finds the launcher, the dashboard and the admin cookie by mark, never by name.
import { describe, expect, test } from 'vitest';
import { marksOf } from '#local/cloud/assembly.ts';
import type { LocalFunction } from '#local/cloud/lambda.ts';
import { launcherOf } from '#local/cloud/services/launch.ts';

function fn(logicalId: string, extra: Partial<LocalFunction> = {}): LocalFunction {
  return {
    logicalId,
    path: `Stack/${logicalId}/Resource`,
    name: logicalId,
    arn: `arn:aws:lambda:us-east-1:123456789012:function:${logicalId}`,
    handler: 'index.handler',
    runtime: 'nodejs24.x',
    timeoutSeconds: 3,
    memoryMb: 128,
    environment: {},
    ...extra,
  };
}

describe('marks', () => {
  test('are read from a resource’s Metadata', () => {
    expect(marksOf({ 'pilotflow:role': 'dashboard', 'pilotflow:admin-cookie': 'session' })).toEqual({
      role: 'dashboard',
      adminCookie: 'session',
    });
  });

  test('ignore a role the local cloud does not know and anything else in the Metadata', () => {
    expect(marksOf({ 'pilotflow:role': 'scheduler', 'aws:cdk:path': 'S/F/Resource' })).toEqual({});
    expect(marksOf(undefined)).toEqual({});
  });
});

describe('the launcher', () => {
  test('is the function marked as the launcher, whatever the functions are called', () => {
    const functions = [fn('LaunchProgramme8F3A'), fn('PlanStarter', { role: 'launcher' })];
    expect(launcherOf(functions)?.logicalId).toBe('PlanStarter');
  });

  test('is none when no function is marked, even one named LaunchProgramme', () => {
    expect(
      launcherOf([fn('LaunchProgrammeFunction', { path: 'PilotFlow/LaunchProgramme/Function/Resource' })]),
    ).toBe(undefined);
  });
});
