// Synthesises the CDK app for tests, without bundling functions (fast, and offline).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '#infra/build.ts';

type CfnTemplate = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

export function synthApp(context: Record<string, unknown> = {}) {
  return buildApp({
    outdir: mkdtempSync(join(tmpdir(), 'pilotflow-cdk-')),
    context: { 'aws:cdk:bundling-stacks': [], ...context },
  });
}

let cached: CfnTemplate | undefined;

/** The stack's CloudFormation template as JSON (synthesised once per test file). */
export function stackTemplate(): CfnTemplate {
  cached ??= Template.fromStack(synthApp().stack).toJSON() as CfnTemplate;
  return cached;
}
