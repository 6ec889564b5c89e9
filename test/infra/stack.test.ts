import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LAUNCH_OUTPUT } from '#cli/commands/launch.ts';
import { INDEX, KEY } from '#store/keys.ts';
import { synthApp } from '#test/support/template.ts';

describe('the CDK app', () => {
  it('passes cdk-nag AwsSolutions checks with no unacknowledged finding', () => {
    const { app } = synthApp();
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
