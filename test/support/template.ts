// Synthesises the CDK app for tests, without bundling functions (fast, and offline), with cdk.json's context
// (its feature flags) as `cdk synth` passes it, so tests see the template AWS would get.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '#infra/build.ts';

type CfnTemplate = { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

const cdkJsonContext = (
  JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  }
).context;

export function synthApp(context: Record<string, unknown> = {}) {
  return buildApp({
    outdir: mkdtempSync(join(tmpdir(), 'pilotflow-cdk-')),
    context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [], ...context },
  });
}

let cached: CfnTemplate | undefined;

/** The stack's CloudFormation template as JSON (synthesised once per test file). */
export function stackTemplate(): CfnTemplate {
  cached ??= Template.fromStack(synthApp().stack).toJSON() as CfnTemplate;
  return cached;
}
