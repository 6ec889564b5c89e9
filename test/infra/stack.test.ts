import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnResource } from 'aws-cdk-lib/core';
import { describe, expect, it } from 'vitest';
import { LAUNCH_OUTPUT } from '#cli/commands/launch.ts';
import { INDEX, KEY } from '#store/keys.ts';
import { SMTP_DEPLOYMENT, synthApp } from '#test/support/template.ts';

/**
 * Every context the infra tests synthesise the app with (they synthesise without CDK's built-in CloudFormation
 * validation, which is checked here once for each: test/support/template.ts). A new variant in a test belongs here.
 */
const VALIDATED_VARIANTS: Record<string, Record<string, unknown>> = {
  'route throttles (approval-api.test.ts)': {
    apiRateLimit: '30',
    apiBurstLimit: '60',
    adminRateLimit: '5',
    adminBurstLimit: '8',
  },
  'escalation every 30 minutes (escalation.test.ts)': { escalationRate: '30 minutes' },
  'evidence kept 30 days (evidence.test.ts)': { evidenceRetentionDays: '30' },
  'SMTP, alarms and admins (production.test.ts)': SMTP_DEPLOYMENT,
  'SMTP with one admin (production.test.ts)': {
    mailTransport: 'smtp',
    smtpSecretName: 'pilotflow/smtp',
    adminEmails: 'chief@xx-county.example',
  },
  'a sender of its own (production.test.ts)': {
    mailFrom: '县民政局 <pilot@mz.example.gov>',
    sesMailFromSubdomain: 'bounce',
    sesConfigurationSet: 'county-mail',
  },
  'an existing SES identity (production.test.ts)': { sesCreateIdentity: 'false' },
  'daily schedules (schedule-rates.test.ts)': { escalationRate: '1 day', callbackRetryRate: '1 day' },
  'a daily sweep at a local time (schedule-rates.test.ts)': {
    escalationDailyAt: '12:00',
    escalationTimeZone: 'Asia/Shanghai',
  },
};

/** What the validation plugins (CloudFormation's rules and cdk-nag) found in a synth, and its error if any. */
function validationOf(context: Record<string, unknown>): { violations: string[]; error: unknown } {
  const { app } = synthApp(context, { validate: true });
  let error: unknown;
  try {
    app.synth();
  } catch (e) {
    error = e;
  }
  const reportPath = join(app.outdir, 'validation-report.json');
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
    pluginReports: Array<{
      violations: Array<{
        ruleName: string;
        description: string;
        violatingConstructs: Array<{ constructPath: string }>;
      }>;
    }>;
  };
  const violations = report.pluginReports.flatMap((r) =>
    r.violations.map(
      (v) =>
        `${v.ruleName} on ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}: ${v.description}`,
    ),
  );
  return { violations, error };
}

describe('the CDK app', () => {
  it("passes cdk-nag AwsSolutions checks and CloudFormation's rules with no unacknowledged finding", () => {
    const { violations, error } = validationOf({});
    expect(violations).toEqual([]);
    expect(error).toBeUndefined();
  });

  it("refuses a template that breaks CloudFormation's rules, as the two tests above would show", () => {
    const broken = (validate: boolean) => {
      const { app, stack } = synthApp({}, { validate });
      new CfnResource(stack, 'Broken', {
        type: 'AWS::SQS::Queue',
        properties: { VisibilityTimeout: 'soon' },
      });
      return () => app.synth();
    };
    expect(broken(true)).toThrow(/VisibilityTimeout: 'soon' is not of type 'integer'/);
    // The other infra files synthesise without these rules (test/support/template.ts).
    expect(broken(false)).not.toThrow();
  });

  it.each(Object.entries(VALIDATED_VARIANTS))('passes them as well with %s', (_, context) => {
    const { violations, error } = validationOf(context);
    expect(violations).toEqual([]);
    expect(error).toBeUndefined();
  });
});

describe('the table', () => {
  const template = () => Template.fromStack(synthApp().stack);

  it('is on-demand, encrypted, recoverable to a point in time, protected from deletion and retained', () => {
    const t = template();
    t.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: KEY.ttl, Enabled: true },
      },
    });
  });

  it('has the sparse open-tasks-by-due index the escalation sweep queries', () => {
    const resources = template().findResources('AWS::DynamoDB::Table');
    const [table] = Object.values(resources);
    const indexes = (table?.Properties.GlobalSecondaryIndexes ?? []) as Array<{
      IndexName: string;
      KeySchema: Array<{ AttributeName: string; KeyType: string }>;
    }>;
    const open = indexes.find((i) => i.IndexName === INDEX.openTasksByDue);
    expect(open?.KeySchema).toEqual([
      { AttributeName: KEY.openPk, KeyType: 'HASH' },
      { AttributeName: KEY.openSk, KeyType: 'RANGE' },
    ]);
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(Object.values(INDEX).sort());
  });
});

describe('the link-signing secret', () => {
  const template = () => Template.fromStack(synthApp().stack);

  it('is retained like the table whose links it verifies', () => {
    template().hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('keeps the definition it was first deployed with, so that a deploy never generates a new key', () => {
    template().hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
  });

  it('is named in an output, for the rotation command', () => {
    const t = template();
    const [secretId] = Object.keys(t.findResources('AWS::SecretsManager::Secret'));
    t.hasOutput('LinkSigningSecretArn', { Value: { Ref: secretId } });
  });
});

describe('the launch function', () => {
  const template = () => Template.fromStack(synthApp().stack);

  it('is named in an output, for `pilotflow launch --stack`', () => {
    const t = template();
    const launchers = Object.entries(t.findResources('AWS::Lambda::Function')).filter(
      ([, r]) => (r as { Metadata?: Record<string, unknown> }).Metadata?.['pilotflow:role'] === 'launcher',
    );
    expect(launchers).toHaveLength(1);
    t.hasOutput(LAUNCH_OUTPUT, { Value: { Ref: launchers[0]?.[0] } });
  });
});
