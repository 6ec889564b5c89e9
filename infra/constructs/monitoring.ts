// What an operator watches: CloudWatch alarms on everything that fails quietly (executions that failed or
// timed out, Lambda errors and throttles, messages in a dead-letter queue, the SES bounce and complaint rates,
// approval-page server errors), sent to one encrypted SNS topic with the e-mail subscriptions from context
// (`alarmEmails`), and one dashboard with the same metrics.

import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import type { PilotFlowFunction } from './function.ts';

/** SES reviews an account at a 5% bounce rate and may pause sending at 10%; we warn at the first. */
export const BOUNCE_RATE_ALARM = 0.05;
/** SES reviews at a 0.1% complaint rate. */
export const COMPLAINT_RATE_ALARM = 0.001;

const PERIOD = Duration.minutes(5);

/**
 * A customer-managed key for the stack's SNS topics: CloudWatch alarms and SES event publishing cannot use
 * the AWS-managed SNS key, so each service is allowed exactly what publishing to an encrypted topic needs.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function notificationsKey(scope: Construct, id: string): Key {
  const key = new Key(scope, id, {
    description: 'PilotFlow: encrypts the alarm and mail-event SNS topics',
    enableKeyRotation: true,
    // It protects notifications in transit only (SNS keeps no messages), so nothing is lost with it.
    removalPolicy: RemovalPolicy.DESTROY,
    pendingWindow: Duration.days(7),
  });
  const stack = Stack.of(scope);
  // Only for topics of this account and region: SNS names the topic in the encryption context of every
  // call it makes for the service (a pattern, since naming the topics here would be a cycle: topic → key).
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [
        new ServicePrincipal('cloudwatch.amazonaws.com'),
        new ServicePrincipal('ses.amazonaws.com'),
      ],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringLike: {
          'kms:EncryptionContext:aws:sns:topicArn': stack.formatArn({
            service: 'sns',
            resource: '*',
            arnFormat: ArnFormat.NO_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
  return key;
}

export interface MonitoringProps {
  functions: PilotFlowFunction[];
  stateMachines: StateMachine[];
  deadLetterQueues: IQueue[];
  api?: HttpApi;
  /** Alarm on the account's SES reputation (false with the SMTP transport). */
  ses: boolean;
  alarmEmails: readonly string[];
  topicKey: Key;
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', {
      displayName: 'PilotFlow alarms',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    // The topic's policy (TLS only) replaces SNS's default one, so CloudWatch is allowed to publish explicitly,
    // for this account's alarms only.
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    for (const email of props.alarmEmails) this.topic.addSubscription(new EmailSubscription(email));
    const action = new SnsAction(this.topic);
    const stack = Stack.of(this);
    const label = (c: Construct) =>
      c.node.path
        .split('/')
        .slice(1)
        .filter((p) => !['Function', 'StateMachine', 'Resource'].includes(p))
        .join('-');

    const alarm = (aid: string, metric: IMetric, description: string, threshold = 1, periods = 1) => {
      const a = new Alarm(this, aid, {
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No data means nothing ran, which is not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    for (const machine of props.stateMachines) {
      const name = label(machine);
      alarm(
        `${name}-Failed`,
        machine.metricFailed({ period: PERIOD, statistic: 'Sum' }),
        `${name}: an execution failed. Open it in the Step Functions console (the failed state names the step).`,
      );
      alarm(
        `${name}-TimedOut`,
        machine.metricTimedOut({ period: PERIOD, statistic: 'Sum' }),
        `${name}: an execution timed out.`,
      );
    }
    for (const f of props.functions) {
      const name = label(f);
      alarm(
        `${name}-Errors`,
        f.fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        `${name}: the function failed. Its log group has the error with the request id.`,
      );
      // Throttles are retried (asynchronous invocations, Step Functions' Retry); only a quarter hour of them
      // means the reserved or account concurrency is too small.
      alarm(
        `${name}-Throttles`,
        f.fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
        `${name}: invocations throttled for 15 minutes.`,
        1,
        3,
      );
    }
    for (const queue of props.deadLetterQueues) {
      const name = label(queue);
      alarm(
        `${name}-Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        `${name}: a message is in a dead-letter queue (a run or event that kept failing). Read it, fix, redrive.`,
      );
    }
    if (props.api) {
      alarm(
        'Api-ServerErrors',
        props.api.metricServerError({ period: PERIOD, statistic: 'Sum' }),
        'Approval links: the HTTP API answered with a 5xx.',
      );
    }
    const sesMetric = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    if (props.ses) {
      alarm(
        'Ses-BounceRate',
        sesMetric('Reputation.BounceRate'),
        'SES bounce rate at 5%: SES reviews the account (and may pause sending at 10%). The contact statuses list the addresses.',
        BOUNCE_RATE_ALARM,
      );
      alarm(
        'Ses-ComplaintRate',
        sesMetric('Reputation.ComplaintRate'),
        'SES complaint rate at 0.1%: SES reviews the account.',
        COMPLAINT_RATE_ALARM,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-operations`,
      defaultInterval: Duration.days(7),
    });
    const sum = { period: Duration.hours(1), statistic: 'Sum' };
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# PilotFlow\nAlarms go to the SNS topic in the stack outputs. Runbook: README, "When something fails".',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Executions started / failed',
        left: props.stateMachines.map((m) => m.metricStarted({ ...sum, label: `${label(m)} started` })),
        right: props.stateMachines.map((m) => m.metricFailed({ ...sum, label: `${label(m)} failed` })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Lambda errors',
        left: props.functions.map((f) => f.fn.metricErrors({ ...sum, label: label(f) })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda duration (p95)',
        left: props.functions.map((f) =>
          f.fn.metricDuration({ period: Duration.hours(1), statistic: 'p95', label: label(f) }),
        ),
        width: 12,
      }),
      new GraphWidget({
        title: 'Dead-letter queues',
        left: props.deadLetterQueues.map((q) =>
          q.metricApproximateNumberOfMessagesVisible({
            period: PERIOD,
            statistic: 'Maximum',
            label: label(q),
          }),
        ),
        width: 12,
      }),
    );
    const bottom: GraphWidget[] = [];
    if (props.api) {
      bottom.push(
        new GraphWidget({
          title: 'Approval links: requests and errors',
          left: [props.api.metricCount({ ...sum, label: 'requests' })],
          right: [
            props.api.metricClientError({ ...sum, label: '4xx' }),
            props.api.metricServerError({ ...sum, label: '5xx' }),
          ],
          width: 12,
        }),
      );
    }
    if (props.ses) {
      bottom.push(
        new GraphWidget({
          title: 'SES reputation',
          left: [
            sesMetric('Reputation.BounceRate').with({ label: 'bounce rate' }),
            sesMetric('Reputation.ComplaintRate').with({ label: 'complaint rate' }),
          ],
          right: [
            new Metric({ namespace: 'AWS/SES', metricName: 'Send', ...sum, label: 'sent' }),
            new Metric({ namespace: 'AWS/SES', metricName: 'Bounce', ...sum, label: 'bounced' }),
          ],
          width: 12,
        }),
      );
    }
    // PilotFlow's own metrics (Powertools, namespace PilotFlow, dimension `service` = the handler's name).
    const own = (metricName: string, service: string, label: string) =>
      new Metric({ namespace: 'PilotFlow', metricName, dimensionsMap: { service }, ...sum, label });
    bottom.push(
      new GraphWidget({
        title: 'Reminders and escalations',
        left: [
          own('EscalationMessagesSent', 'escalate', 'messages sent'),
          own('EscalationMessagesFailed', 'escalate', 'messages failed'),
        ],
        right: [
          own('EscalationTasksRead', 'escalate', 'tasks read'),
          ...(props.ses ? [own('MailEventsRecorded', 'mail-events', 'bounces/complaints recorded')] : []),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(...bottom);

    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.topic.topicArn,
      description: 'Alarms are published here (subscribe more addresses in the SNS console if needed)',
    });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${stack.region}#dashboards:name=${stack.stackName}-operations`,
      description: 'The CloudWatch dashboard',
    });
  }
}
