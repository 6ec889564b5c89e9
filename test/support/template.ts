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

/**
 * The app as the tests synthesise it. CDK's built-in CloudFormation validation (its rules run in a WebAssembly
 * engine that costs about 5 s of CPU to load in each test process, and about 1 s a synth after that) is off
 * unless `validate`: test/infra/stack.test.ts runs it on every variant of the context that the infra tests
 * synthesise (`VALIDATED_VARIANTS` there; add a new variant to it), and the other files assert the resources.
 * cdk-nag's checks run in every synth, as in `cdk synth`.
 */
export function synthApp(context: Record<string, unknown> = {}, { validate = false } = {}) {
  return buildApp({
    outdir: mkdtempSync(join(tmpdir(), 'pilotflow-cdk-')),
    context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [], ...context },
    builtinCloudFormationValidation: validate,
  });
}

/** A production-like deployment: mail through SMTP, alarms and admins named, logs kept a year. */
export const SMTP_DEPLOYMENT = {
  mailTransport: 'smtp',
  smtpSecretName: 'pilotflow/smtp',
  alarmEmails: 'ops@xx-county.example,duty@xx-county.example',
  adminEmails: 'chief@xx-county.example,deputy@xx-county.example',
  logRetentionDays: '365',
  reserveConcurrency: 'false',
};

let cached: CfnTemplate | undefined;

/** The stack's CloudFormation template as JSON (synthesised once per test file). */
export function stackTemplate(): CfnTemplate {
  cached ??= Template.fromStack(synthApp().stack).toJSON() as CfnTemplate;
  return cached;
}
