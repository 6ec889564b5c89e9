// The schedules' rates as CDK context sets them: what a rehearsal synthesises (`escalationDailyAt` and
// `callbackRetryRate` of "1 day") is a configuration the AWS deployment accepts as well.
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthApp } from '#test/support/template.ts';

function rateOf(template: Template, handler: string): unknown {
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: handler } } },
  });
  const [id] = Object.keys(functions);
  const schedule = Object.values(template.findResources('AWS::Scheduler::Schedule')).find(
    (s) => JSON.stringify(s.Properties.Target.Arn) === JSON.stringify({ 'Fn::GetAtt': [id, 'Arn'] }),
  );
  return schedule?.Properties.ScheduleExpression;
}

describe('the schedule rates', () => {
  it('run the escalation sweep and the callback retry once a day when the context says "1 day"', () => {
    const template = Template.fromStack(
      synthApp({ escalationRate: '1 day', callbackRetryRate: '1 day' }).stack,
    );
    expect(rateOf(template, 'escalate')).toBe('rate(1 day)');
    expect(rateOf(template, 'callback-retry')).toBe('rate(1 day)');
  }, 120_000);

  it('run the escalation sweep once a day at a local time when the context gives escalationDailyAt', () => {
    const template = Template.fromStack(
      synthApp({ escalationDailyAt: '12:00', escalationTimeZone: 'Asia/Shanghai' }).stack,
    );
    expect(rateOf(template, 'escalate')).toBe('cron(0 12 * * ? *)');
    const [schedule] = Object.values(template.findResources('AWS::Scheduler::Schedule')).filter(
      (s) => s.Properties.ScheduleExpression === 'cron(0 12 * * ? *)',
    );
    expect(schedule?.Properties.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
  }, 120_000);

  it('refuse an escalation time of day that is not HH:MM, naming the context value', () => {
    expect(() => synthApp({ escalationDailyAt: '25:00' })).toThrow(/escalationDailyAt/);
  }, 120_000);

  it('refuse a callback-retry rate EventBridge Scheduler would not accept, naming the context value', () => {
    expect(() => synthApp({ callbackRetryRate: 'daily' })).toThrow(/callbackRetryRate "daily" is not a rate/);
  }, 120_000);
});
