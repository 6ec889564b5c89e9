import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ESCALATION_LEASE_MS } from '#domain/escalation-sweep.ts';
import { ESCALATE_TIMEOUT, parseRate } from '#infra/constructs/escalation.ts';
import { synthApp } from '#test/support/template.ts';

let template: Template;
// The first synthesis loads the CDK and cdk-nag: longer than the default hook timeout on a busy machine.
beforeAll(() => {
  template = Template.fromStack(synthApp().stack);
}, 120_000);

function escalateFunction(): { id: string; properties: Record<string, unknown> } {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'escalate' } } },
  });
  const [entry] = Object.entries(functions);
  if (!entry) throw new Error('no escalate function in the template');
  return { id: entry[0], properties: entry[1].Properties as Record<string, unknown> };
}

/** Every statement of the inline policies attached to the role with this logical id. */
function statementsOfRole(roleRef: unknown): Array<{ Action: string | string[]; Resource: unknown }> {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([roleRef]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

/** The escalation's dead-letter queue, among the stack's (the callback retry and mail events have one each). */
function escalationQueue() {
  const found = Object.entries(template.findResources('AWS::SQS::Queue')).find(([id]) =>
    id.startsWith('EscalationDeadLetters'),
  );
  if (!found) throw new Error('no escalation dead-letter queue in the template');
  return found;
}

describe('the escalation schedule', () => {
  it('runs the escalate function every hour by default, telling it it was the schedule', () => {
    const { id } = escalateFunction();
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [id, 'Arn'] },
        Input: JSON.stringify({ trigger: 'schedule' }),
      }),
    });
  });

  it('takes its rate from the CDK context value escalationRate', () => {
    const custom = Template.fromStack(synthApp({ escalationRate: '30 minutes' }).stack);
    custom.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(30 minutes)' });
  });

  it('retries a failed run within the hour and then dead-letters it to an encrypted queue', () => {
    const [queueId, queue] = escalationQueue();
    expect(queue?.Properties.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
      }),
    });
  });

  it('retries a run that failed (a message could not be sent) twice, then records it in the same queue', () => {
    const { id } = escalateFunction();
    const [queueId] = escalationQueue();
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: id },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('has a dead-letter queue that refuses requests without TLS', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('assumes a role only EventBridge Scheduler can take for this account’s schedules, allowed to invoke the function and dead-letter', () => {
    // The stack has other schedules (the approval's callback retry): take the one that runs escalate.
    const { id } = escalateFunction();
    const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule')).find(
      (s) => JSON.stringify(s.Properties.Target.Arn) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
    );
    const roleArn = schedule?.Properties.Target.RoleArn as { 'Fn::GetAtt': [string, string] };
    const roleId = roleArn['Fn::GetAtt'][0];
    const role = template.findResources('AWS::IAM::Role')[roleId];
    expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':scheduler:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':schedule-group/default',
                ],
              ],
            },
          },
        },
      }),
    ]);
    const actions = statementsOfRole({ Ref: roleId }).flatMap((s) => s.Action);
    expect(actions.sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
  });

  it('rejects a rate EventBridge Scheduler would not accept', () => {
    expect(parseRate('2 hours').toMinutes()).toBe(120);
    expect(() => parseRate('hourly')).toThrow(/not a rate/);
    expect(() => parseRate('0 minutes')).toThrow(/not a rate/);
  });
});

describe('the escalate function', () => {
  it('is configured with the table, the sender, the API base URL and the signing secret', () => {
    const variables = (escalateFunction().properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'MAIL_FROM', 'API_BASE_URL', 'LINK_SIGNING_SECRET_ARN']),
    );
    expect(variables.MAIL_FROM).toBe('PilotFlow <pilotflow@xx-county.example>');
  });

  it('times out well before a sweep’s lease on a level expires, so a level is resumed only after its sweep died', () => {
    expect(escalateFunction().properties.Timeout).toBe(ESCALATE_TIMEOUT.toSeconds());
    expect(ESCALATE_TIMEOUT.toMilliseconds()).toBeLessThan(ESCALATION_LEASE_MS);
  });

  it('may send e-mail only as the sender’s SES identity', () => {
    const role = escalateFunction().properties.Role as { 'Fn::GetAtt': [string, string] };
    const ses = statementsOfRole({ Ref: role['Fn::GetAtt'][0] }).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('ses:')),
    );
    expect(ses).toHaveLength(1);
    expect(JSON.stringify(ses[0]?.Resource)).toContain(':identity/xx-county.example');
    expect(JSON.stringify(ses[0]?.Resource)).not.toContain('*');
  });

  it('reads the link-signing secret and nothing else from Secrets Manager', () => {
    const role = escalateFunction().properties.Role as { 'Fn::GetAtt': [string, string] };
    const secrets = statementsOfRole({ Ref: role['Fn::GetAtt'][0] }).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('secretsmanager:')),
    );
    expect(secrets.map((s) => s.Resource)).toEqual([{ Ref: expect.stringMatching(/^LinkSigningKey/) }]);
  });

  it('has no AWS managed policy: it writes only to its own log group', () => {
    const role = escalateFunction().properties.Role as { 'Fn::GetAtt': [string, string] };
    const resource = template.findResources('AWS::IAM::Role')[role['Fn::GetAtt'][0]];
    expect(resource?.Properties.ManagedPolicyArns).toBeUndefined();
    const logs = statementsOfRole({ Ref: role['Fn::GetAtt'][0] }).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('logs:')),
    );
    expect(logs).toHaveLength(1);
    expect(JSON.stringify(logs[0]?.Resource)).toMatch(/EscalationEscalateLogs\w+/);
  });
});
