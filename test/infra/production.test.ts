// The stack as AWS would deploy it, checked for what production needs: least-privilege IAM, encryption,
// log retention, state machine logging and tracing, schedules with retries and dead letters, SES with bounce
// and complaint handling, alarms and a dashboard, and the configuration by CDK context (infra/config.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_ROUTE_PATH } from '#infra/constructs/approval-api.ts';
import { BOUNCE_RATE_ALARM } from '#infra/constructs/monitoring.ts';
import { SMTP_DEPLOYMENT, synthApp } from '#test/support/template.ts';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown };

/**
 * The actions that may be granted on `*`, each because the service offers no resource-level permission for
 * it (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html),
 * and each acknowledged in cdk-nag where it is granted (function.ts, machine.ts, approval-api.ts).
 */
const STAR_RESOURCE_ACTIONS = new Set([
  // Active tracing (functions and state machines).
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  // Step Functions' logging to CloudWatch Logs (vended log delivery).
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  // Reporting a task's success: the task token names the task (list_awsstepfunctions.html).
  'states:SendTaskSuccess',
]);

/** The functions that call SendTaskSuccess (functions/adapters/sfn.ts). */
const REPORTS_TASK_SUCCESS = [
  'approval',
  'callback-retry',
  'record-progress',
  'await-pilots',
  'dashboard',
  'batch',
];

let template: Template;
let resources: Array<[string, Resource]>;
let smtp: Template;
// Synthesis loads the CDK and cdk-nag: longer than the default hook timeout on a busy machine.
beforeAll(() => {
  template = Template.fromStack(synthApp().stack);
  resources = Object.entries(template.toJSON().Resources as Record<string, Resource>);
  smtp = Template.fromStack(synthApp(SMTP_DEPLOYMENT).stack);
}, 240_000);

const ofType = (type: string, from = resources) => from.filter(([, r]) => r.Type === type);

/** Every statement of every identity policy: inline policies of roles and AWS::IAM::Policy documents. */
function identityStatements(): Array<{ policy: string; statement: Statement }> {
  const out: Array<{ policy: string; statement: Statement }> = [];
  for (const [id, r] of ofType('AWS::IAM::Policy')) {
    for (const statement of (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      out.push({ policy: id, statement });
  }
  for (const [id, r] of ofType('AWS::IAM::Role')) {
    for (const p of (r.Properties.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>)
      for (const statement of p.PolicyDocument.Statement) out.push({ policy: id, statement });
  }
  return out;
}

const list = <T>(v: T | T[]) => ([] as T[]).concat(v);

function functionOf(handler: string): [string, Resource] {
  const found = ofType('AWS::Lambda::Function').find(
    ([, r]) =>
      (r.Properties.Environment as { Variables?: Record<string, unknown> })?.Variables
        ?.POWERTOOLS_SERVICE_NAME === handler,
  );
  if (!found) throw new Error(`no function for handler ${handler}`);
  return found;
}

describe('IAM', () => {
  it('grants no wildcard action anywhere', () => {
    const wildcards = identityStatements().flatMap(({ policy, statement }) =>
      list(statement.Action)
        .filter((a) => a.includes('*'))
        .map((a) => `${policy}: ${a}`),
    );

    expect(wildcards).toEqual([]);
  });

  it('grants on `*` only the actions that have no resource-level permission', () => {
    const onStar = identityStatements().flatMap(({ policy, statement }) =>
      list(statement.Resource).includes('*')
        ? list(statement.Action)
            .filter((a) => !STAR_RESOURCE_ACTIONS.has(a))
            .map((a) => `${policy}: ${a}`)
        : [],
    );

    expect(onStar).toEqual([]);
  });

  it('grants states:SendTaskSuccess on `*` as the Service Authorization Reference requires, to exactly the functions that call it, and no other task callback', () => {
    // The reference lists no resource type for SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat: a
    // statement for them names all resources (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsstepfunctions.html).
    const roleOf = (handler: string) =>
      (functionOf(handler)[1].Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const rolesOf = (policy: string) =>
      ((resources.find(([id]) => id === policy)?.[1].Properties.Roles ?? []) as Array<{ Ref: string }>).map(
        (r) => r.Ref,
      );
    const callbacks = identityStatements().filter(({ statement }) =>
      list(statement.Action).some((a) => a.startsWith('states:SendTask')),
    );

    // (With minimizePolicies, a statement on `*` also holds the function's X-Ray actions.)
    for (const { statement } of callbacks) {
      expect(statement).toMatchObject({ Effect: 'Allow', Resource: '*' });
      expect(list(statement.Action).filter((a) => a.startsWith('states:'))).toEqual([
        'states:SendTaskSuccess',
      ]);
    }
    const granted = callbacks.flatMap(({ policy }) => rolesOf(policy));
    expect(granted.sort()).toEqual(REPORTS_TASK_SUCCESS.map(roleOf).sort());
  });

  it('lets no one scan the table, write to it in batches or read its stream', () => {
    const dynamodb = identityStatements().flatMap(({ statement }) =>
      list(statement.Action).filter((a) => a.startsWith('dynamodb:')),
    );

    expect(dynamodb.length).toBeGreaterThan(0);
    for (const forbidden of ['dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:GetRecords']) {
      expect(dynamodb).not.toContain(forbidden);
    }
  });

  it('gives no role an AWS managed policy', () => {
    const managed = ofType('AWS::IAM::Role').filter(([, r]) => r.Properties.ManagedPolicyArns !== undefined);

    expect(managed.map(([id]) => id)).toEqual([]);
  });

  it('lets a function send e-mail only from the sender’s identity through the configuration set', () => {
    const ses = identityStatements().filter(({ statement }) =>
      list(statement.Action).some((a) => a.startsWith('ses:')),
    );

    expect(ses.length).toBeGreaterThan(0);
    for (const { statement } of ses) {
      expect(list(statement.Action)).toEqual(['ses:SendEmail']);
      const text = JSON.stringify(statement.Resource);
      expect(text).toContain(':identity/xx-county.example');
      expect(text).toContain(':configuration-set/');
      expect(text).not.toContain('*');
    }
  });
});

describe('data at rest', () => {
  it('encrypts every queue and every topic, and accepts them over TLS only', () => {
    for (const [, queue] of ofType('AWS::SQS::Queue')) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    }
    for (const [, topic] of ofType('AWS::SNS::Topic')) {
      expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    }
    const secureTransport = ofType('AWS::SQS::QueuePolicy')
      .concat(ofType('AWS::SNS::TopicPolicy'))
      .map(([, p]) => JSON.stringify(p.Properties));
    expect(secureTransport.length).toBe(ofType('AWS::SQS::Queue').length + ofType('AWS::SNS::Topic').length);
    expect(secureTransport.every((p) => p.includes('aws:SecureTransport'))).toBe(true);
  });

  it('rotates the topics’ key and lets only CloudWatch and SES of this account use it besides the account', () => {
    const keys = ofType('AWS::KMS::Key');

    expect(keys).toHaveLength(1);
    const [, key] = keys[0] as [string, Resource];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const statements = (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
    const services = statements.flatMap((s) =>
      list((s.Principal as { Service?: string | string[] })?.Service ?? []),
    );
    expect(services.sort()).toEqual(['cloudwatch.amazonaws.com', 'ses.amazonaws.com']);
  });
});

describe('functions and logs', () => {
  it('run every function on Node.js 24 on arm64 with active tracing and source maps', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  it('keeps every log group for the retention in context, 180 days by default', () => {
    const retention = (t: Template) =>
      Object.values(t.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.RetentionInDays);

    expect(new Set(retention(template))).toEqual(new Set([180]));
    expect(new Set(retention(smtp))).toEqual(new Set([365]));
  });

  it('reserves concurrency for the sweeps and the mail events, unless the account cannot', () => {
    const reserved = (handler: string) => functionOf(handler)[1].Properties.ReservedConcurrentExecutions;

    expect(reserved('escalate')).toBe(1);
    expect(reserved('callback-retry')).toBe(1);
    expect(reserved('mail-events')).toBe(2);
    expect(reserved('approval')).toBeUndefined();
    const inSmtp = Object.values(smtp.findResources('AWS::Lambda::Function')).map(
      (f) => f.Properties.ReservedConcurrentExecutions,
    );
    expect(inSmtp.every((r) => r === undefined)).toBe(true);
  });
});

describe('state machines', () => {
  it('are Standard, traced, and log errors without execution data', () => {
    const machines = ofType('AWS::StepFunctions::StateMachine');

    expect(machines).toHaveLength(5);
    for (const [id, machine] of machines) {
      expect(machine.Properties.StateMachineType ?? 'STANDARD', id).toBe('STANDARD');
      expect(machine.Properties.TracingConfiguration, id).toEqual({ Enabled: true });
      expect(machine.Properties.LoggingConfiguration, id).toMatchObject({
        Level: 'ERROR',
        IncludeExecutionData: false,
      });
    }
  });
});

describe('schedules', () => {
  it('retry every scheduled run and dead-letter what cannot be delivered', () => {
    const schedules = ofType('AWS::Scheduler::Schedule');

    expect(schedules.length).toBeGreaterThanOrEqual(2);
    for (const [id, schedule] of schedules) {
      const target = schedule.Properties.Target as Record<string, unknown>;
      expect(target.RetryPolicy, id).toMatchObject({ MaximumRetryAttempts: expect.any(Number) });
      expect((target.RetryPolicy as { MaximumRetryAttempts: number }).MaximumRetryAttempts).toBeGreaterThan(
        0,
      );
      expect(target.DeadLetterConfig, id).toMatchObject({ Arn: expect.anything() });
    }
  });

  it('send runs of the scheduled functions that keep failing to a dead-letter queue', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => JSON.stringify(c.Properties));

    for (const handler of ['escalate', 'callback-retry', 'mail-events']) {
      const [fnId] = functionOf(handler);
      const config = configs.find((c) => c.includes(fnId));
      expect(config, handler).toContain('OnFailure');
    }
  });
});

describe('the approval routes', () => {
  it('have no authorizer: each link carries its own signature', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').filter(([, r]) =>
      String(r.Properties.RouteKey).endsWith(` ${APPROVAL_ROUTE_PATH}`),
    );

    expect(routes.length).toBe(4);
    for (const [, route] of routes) {
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(route.Properties.AuthorizerId).toBeUndefined();
    }
  });
});

describe('e-mail through SES', () => {
  it('creates the sending domain with Easy DKIM and a MAIL FROM subdomain, in the configuration set', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'xx-county.example',
      MailFromAttributes: { MailFromDomain: 'mail.xx-county.example' },
      ConfigurationSetAttributes: {
        ConfigurationSetName: { Ref: Match.stringLikeRegexp('^MailConfigurationSet') },
      },
    });
    expect(Object.keys(template.findOutputs('*')).filter((k) => k.includes('DkimRecord'))).toHaveLength(3);
  });

  it('suppresses bounced and complaining addresses and publishes bounces and complaints to the mail-events function', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    const [destination] = Object.values(template.findResources('AWS::SES::ConfigurationSetEventDestination'));
    const config = destination?.Properties.EventDestination as {
      MatchingEventTypes: string[];
      SnsDestination: { TopicARN: unknown };
    };
    expect(config.MatchingEventTypes.sort()).toEqual(['bounce', 'complaint']);
    const [mailEvents] = functionOf('mail-events');
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: config.SnsDestination.TopicARN,
      Endpoint: { 'Fn::GetAtt': [mailEvents, 'Arn'] },
    });
  });

  it('takes the sender from context: another domain, its own MAIL FROM, an existing identity', () => {
    const other = Template.fromStack(
      synthApp({
        mailFrom: '县民政局 <pilot@mz.example.gov>',
        sesMailFromSubdomain: 'bounce',
        sesConfigurationSet: 'county-mail',
      }).stack,
    );
    other.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'mz.example.gov',
      MailFromAttributes: { MailFromDomain: 'bounce.mz.example.gov' },
    });
    other.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'county-mail' });
    const existing = Template.fromStack(synthApp({ sesCreateIdentity: 'false' }).stack);
    existing.resourceCountIs('AWS::SES::EmailIdentity', 0);
  }, 120_000);
});

describe('e-mail through SMTP', () => {
  it('creates no SES resources and lets the senders read only the SMTP secret named in context', () => {
    smtp.resourceCountIs('AWS::SES::ConfigurationSet', 0);
    smtp.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const statements = Object.values(smtp.findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Statement[],
    );
    expect(statements.some((s) => list(s.Action).some((a) => a.startsWith('ses:')))).toBe(false);
    const smtpReads = statements.filter((s) => JSON.stringify(s.Resource).includes('pilotflow/smtp'));
    expect(smtpReads.length).toBeGreaterThan(0);
    const [, openTask] =
      Object.entries(smtp.findResources('AWS::Lambda::Function')).find(
        ([, f]) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === 'open-task',
      ) ?? [];
    expect(openTask?.Properties.Environment.Variables).toMatchObject({
      MAIL_TRANSPORT: 'smtp',
      SMTP_SECRET_ARN: 'pilotflow/smtp',
    });
  });

  it('passes cdk-nag with no unacknowledged finding', () => {
    const { app } = synthApp({
      mailTransport: 'smtp',
      smtpSecretName: 'pilotflow/smtp',
      adminEmails: 'chief@xx-county.example',
    });
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: Array<{ violations: Array<{ ruleName: string }> }>;
    };
    expect(report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName))).toEqual([]);
    expect(error).toBeUndefined();
  }, 120_000);
});

describe('alarms and the dashboard', () => {
  const alarms = () => ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const alarmOn = (metric: string, dimensionRef: string) =>
    alarms().find(
      (a) => a.MetricName === metric && JSON.stringify(a.Dimensions ?? []).includes(dimensionRef),
    );

  it('alarm on every state machine’s failed and timed-out executions', () => {
    for (const [id] of ofType('AWS::StepFunctions::StateMachine')) {
      expect(alarmOn('ExecutionsFailed', id), id).toBeDefined();
      expect(alarmOn('ExecutionsTimedOut', id), id).toBeDefined();
    }
  });

  it('alarm on every function’s errors and throttles', () => {
    for (const [id] of ofType('AWS::Lambda::Function')) {
      expect(alarmOn('Errors', id), id).toBeDefined();
      expect(alarmOn('Throttles', id), id).toBeDefined();
    }
  });

  it('alarm on a message in any dead-letter queue', () => {
    for (const [id] of ofType('AWS::SQS::Queue')) {
      expect(alarmOn('ApproximateNumberOfMessagesVisible', id), id).toMatchObject({ Threshold: 1 });
    }
  });

  it('alarm on the SES bounce rate at 5% and on the complaint rate', () => {
    expect(alarms().find((a) => a.MetricName === 'Reputation.BounceRate')).toMatchObject({
      Namespace: 'AWS/SES',
      Threshold: BOUNCE_RATE_ALARM,
    });
    expect(alarms().find((a) => a.MetricName === 'Reputation.ComplaintRate')).toBeDefined();
  });

  it('send every alarm to the alarm topic, which mails the addresses in context', () => {
    const [[topicId] = []] = ofType('AWS::SNS::Topic').filter(([id]) => id.startsWith('MonitoringAlarms'));

    expect(topicId).toBeDefined();
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
    const subscribed = Object.values(smtp.findResources('AWS::SNS::Subscription'))
      .filter((s) => s.Properties.Protocol === 'email')
      .map((s) => s.Properties.Endpoint);
    expect(subscribed.sort()).toEqual(['duty@xx-county.example', 'ops@xx-county.example']);
  });

  it('have a dashboard', () => {
    expect(ofType('AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });
});

describe('the administrators', () => {
  it('creates each address in adminEmails in the user pool, invited by e-mail, and no one by default', () => {
    const [[poolId] = []] = Object.entries(smtp.findResources('AWS::Cognito::UserPool'));
    const users = Object.values(smtp.findResources('AWS::Cognito::UserPoolUser')).map((u) => u.Properties);

    expect(users.map((u) => u.Username).sort()).toEqual([
      'chief@xx-county.example',
      'deputy@xx-county.example',
    ]);
    for (const user of users) {
      expect(user).toMatchObject({
        UserPoolId: { Ref: poolId },
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: [
          { Name: 'email', Value: user.Username },
          { Name: 'email_verified', Value: 'true' },
        ],
      });
    }
    expect(ofType('AWS::Cognito::UserPoolUser')).toEqual([]);
  });

  it('puts each of them in the admin group, so that their first browser sign-in may act', () => {
    const attachments = Object.values(smtp.findResources('AWS::Cognito::UserPoolUserToGroupAttachment'));
    expect(attachments.map((a) => [a.Properties.Username, a.Properties.GroupName]).sort()).toEqual([
      ['chief@xx-county.example', 'admin'],
      ['deputy@xx-county.example', 'admin'],
    ]);
  });

  it('gives the user pool’s and the app client’s ids as stack outputs (README step 7)', () => {
    const [[poolId] = []] = ofType('AWS::Cognito::UserPool');
    const [[clientId] = []] = ofType('AWS::Cognito::UserPoolClient');
    const outputs = Object.entries(template.findOutputs('*'));
    const output = (prefix: string) => outputs.find(([key]) => key.startsWith(prefix))?.[1].Value;

    expect(output('AdminAuthUserPoolId')).toEqual({ Ref: poolId });
    expect(output('AdminAuthUserPoolClientId')).toEqual({ Ref: clientId });
  });
});

describe('configuration by context', () => {
  it('refuses a wrong value, naming the context key', () => {
    expect(() => synthApp({ logRetentionDays: '100' })).toThrow(/-c logRetentionDays/);
    expect(() => synthApp({ alarmEmails: 'not-an-address' })).toThrow(/-c alarmEmails/);
    expect(() => synthApp({ smtpSecretName: 'x' })).toThrow(/only used with -c mailTransport=smtp/);
  });
});
