// Reminders and escalation (催办): an EventBridge Scheduler schedule that runs the escalate function at a fixed
// rate, with retries and one dead-letter queue for runs that could not be delivered or kept failing.

import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Duration, TimeZone } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { PilotFlowFunction } from './function.ts';
import type { PilotFlowMail } from './mail.ts';
import { scheduleRole } from './schedule.ts';

export interface EscalationProps {
  table: ITable;
  linkSigningSecret: ISecret;
  mail: PilotFlowMail;
  /** The HTTP API's public base URL (assignees' links, dashboard pages). */
  apiBaseUrl: string;
  /** Time between sweeps, e.g. `1 hour` or `30 minutes` (CDK context `escalationRate`). */
  rate: string;
  /** Once a day at this local time instead (CDK context `escalationDailyAt`, `escalationTimeZone`). */
  dailyAt?: { time: string; timeZone: string };
  /** How far past now a sweep reads (ISO duration, CDK context `escalationReadAhead`); the function's default otherwise. */
  readAhead?: string;
}

/** The escalate function's timeout. The sweep's lease on a level (ESCALATION_LEASE_MS) must be longer. */
export const ESCALATE_TIMEOUT = Duration.minutes(5);

export class Escalation extends Construct {
  readonly function: PilotFlowFunction;
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: EscalationProps) {
    super(scope, id);
    this.function = new PilotFlowFunction(this, 'Escalate', {
      handler: 'escalate',
      description: 'Reminds and escalates open tasks that are due, by the plan of their programme',
      timeout: ESCALATE_TIMEOUT,
      // One sweep at a time: overlapping sweeps would only contend for the same leases and double the SES
      // send rate. A run that finds the one slot taken is retried by Lambda's asynchronous invocation.
      reservedConcurrentExecutions: 1,
      environment: {
        API_BASE_URL: props.apiBaseUrl,
        LINK_SIGNING_SECRET_ARN: props.linkSigningSecret.secretArn,
        ...(props.readAhead ? { ESCALATION_READ_AHEAD: props.readAhead } : {}),
      },
    }).bindTable(props.table, 'write');
    this.function.readSecret(props.linkSigningSecret);
    props.mail.bind(this.function);

    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetters', 'the escalation schedule');
    // The Scheduler invokes Lambda asynchronously: its retry policy and dead-letter queue cover delivery to
    // Lambda; a run that fails (some message could not be sent) is retried by Lambda's asynchronous
    // invocation and, when it keeps failing, recorded in the same queue.
    // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
    this.function.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    const role = scheduleRole(this, 'ScheduleRole', this.function);

    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Runs the escalation sweep: reminders before due, escalation of overdue tasks',
      schedule: props.dailyAt ? dailyAt(props.dailyAt) : ScheduleExpression.rate(parseRate(props.rate)),
      target: new LambdaInvoke(this.function.fn, {
        role,
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        // Delivery to Lambda is retried within the hour (function errors: see configureAsyncInvoke above).
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
  }
}

/** `12:00` in a time zone → EventBridge Scheduler's `cron(0 12 * * ? *)` evaluated in that zone. */
function dailyAt({ time, timeZone }: { time: string; timeZone: string }): ScheduleExpression {
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return ScheduleExpression.cron({
    minute: String(minute),
    hour: String(hour),
    timeZone: TimeZone.of(timeZone),
  });
}

/** `1 hour`, `30 minutes`, `2 days` → a Duration (EventBridge Scheduler's rate units). */
export function parseRate(rate: string, name = 'escalationRate'): Duration {
  const m = /^\s*(\d+)\s*(minute|minutes|hour|hours|day|days)\s*$/.exec(rate);
  if (!m || Number(m[1]) < 1) {
    throw new Error(`${name} "${rate}" is not a rate such as "1 hour", "30 minutes" or "1 day"`);
  }
  const n = Number(m[1]);
  const unit = m[2] as string;
  if (unit.startsWith('minute')) return Duration.minutes(n);
  if (unit.startsWith('hour')) return Duration.hours(n);
  return Duration.days(n);
}
