// E-mail: the sender and how it is sent come from CDK context (infra/config.ts). With SES (the default) the
// stack creates the sending identity (DKIM, custom MAIL FROM) and a configuration set whose bounces and
// complaints go through an encrypted SNS topic to the mail-events function, which records them on the
// contact. With SMTP (regions without SES) the server's settings live in a Secrets Manager secret.
// Functions get exactly ses:SendEmail on the identity and the configuration set, or read on the SMTP secret.

import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import { PLACEHOLDER_HOST } from '#adapters/smtp.ts';
import type { DeployConfig } from '../config.ts';
import { deadLetterQueue } from './dead-letter-queue.ts';
import { PilotFlowFunction } from './function.ts';

export interface MailProps {
  config: Pick<
    DeployConfig,
    | 'mailFrom'
    | 'sesIdentity'
    | 'sesCreateIdentity'
    | 'sesMailFromSubdomain'
    | 'sesConfigurationSet'
    | 'mailTransport'
    | 'smtpSecretName'
  >;
  /** Where bounces and complaints are recorded. */
  table: ITable;
  /** Encrypts the bounce/complaint topic (its key policy lets SES use it). */
  topicKey: IKey;
}

/** The address inside `Name <address>`, or the whole value. */
export function addressOf(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim();
}

export class PilotFlowMail extends Construct {
  readonly from: string;
  readonly transport: 'ses' | 'smtp';
  /** SES: the identity that sends (a domain or an address). */
  readonly identity: string;
  readonly configurationSet: ConfigurationSet | undefined;
  readonly emailIdentity: EmailIdentity | undefined;
  /** SES: bounces and complaints, recorded by `eventsFunction`. */
  readonly eventsTopic: Topic | undefined;
  readonly eventsFunction: PilotFlowFunction | undefined;
  /** Mail events the function failed on, after Lambda's retries. */
  readonly deadLetterQueue: Queue | undefined;
  /** SMTP: the server's settings. */
  readonly smtpSecret: ISecret | undefined;
  readonly smtpSecretName: string | undefined;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const { config } = props;
    this.from = config.mailFrom;
    this.transport = config.mailTransport;
    const address = addressOf(config.mailFrom);
    const domain = address.split('@')[1] ?? address;
    this.identity = config.sesIdentity ?? domain;

    this.smtpSecretName = config.smtpSecretName;
    if (this.transport === 'smtp') {
      this.smtpSecret = config.smtpSecretName
        ? Secret.fromSecretNameV2(this, 'SmtpSettings', config.smtpSecretName)
        : new Secret(this, 'SmtpSettings', {
            description:
              'PilotFlow: the SMTP server (JSON: host, port, secure, user, password, optional ca and servername); fill in after deploy',
            generateSecretString: {
              // The placeholder host (functions/adapters/smtp.ts) makes a send fail saying the settings are missing.
              secretStringTemplate: JSON.stringify({
                host: PLACEHOLDER_HOST,
                port: 465,
                secure: true,
                user: 'pilotflow',
              }),
              generateStringKey: 'password',
              excludePunctuation: true,
            },
          });
      if (this.smtpSecret instanceof Secret) {
        Validations.of(this.smtpSecret).acknowledge({
          id: 'AwsSolutions-SMG4',
          reason:
            "The SMTP password is issued and rotated by the mail provider, not by AWS; the county updates the secret's value when it changes.",
        });
      }
      return;
    }

    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      ...(config.sesConfigurationSet ? { configurationSetName: config.sesConfigurationSet } : {}),
      // Per-configuration-set bounce and complaint rates for the dashboard and alarms.
      reputationMetrics: true,
      // SES stops sending to an address that bounced for good or complained (the account-level list).
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    if (config.sesCreateIdentity) {
      const isDomain = !this.identity.includes('@');
      const identityDomain = isDomain ? this.identity : (this.identity.split('@')[1] ?? this.identity);
      this.emailIdentity = new EmailIdentity(this, 'Identity', {
        identity: isDomain ? Identity.domain(this.identity) : Identity.email(this.identity),
        configurationSet: this.configurationSet,
        // A MAIL FROM of our own domain: SPF aligns for DMARC, and bounces come back under the county's name.
        ...(isDomain ? { mailFromDomain: `${config.sesMailFromSubdomain}.${identityDomain}` } : {}),
      });
      if (isDomain) {
        this.emailIdentity.dkimRecords.forEach((record, i) => {
          new CfnOutput(this, `DkimRecord${i + 1}`, {
            value: `${record.name} CNAME ${record.value}`,
            description: `DNS record ${i + 1} of 3 for DKIM (Easy DKIM): add it to the ${identityDomain} zone`,
          });
        });
      }
    }

    // Bounce and complaint events carry recipients' addresses: the topic is encrypted with our own key
    // (SES cannot publish to a topic under the AWS-managed SNS key) and accepts TLS only.
    this.eventsTopic = new Topic(this, 'Events', {
      displayName: 'PilotFlow mail bounces and complaints',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: EventDestination.snsTopic(this.eventsTopic),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    this.deadLetterQueue = deadLetterQueue(
      this,
      'EventsDeadLetters',
      'the mail-events function and its subscription',
    );
    this.eventsFunction = new PilotFlowFunction(this, 'MailEvents', {
      handler: 'mail-events',
      description: 'Records SES bounces and complaints on the contact and in the history of the task mailed',
      // A burst of bounces (a wrong address in a plan mailed to every pilot) is worked through a few at a
      // time rather than taking the account's concurrency from the approval pages.
      reservedConcurrentExecutions: 2,
    }).bindTable(props.table, 'write');
    this.eventsFunction.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    this.eventsTopic.addSubscription(
      new LambdaSubscription(this.eventsFunction.fn, { deadLetterQueue: this.deadLetterQueue }),
    );
  }

  /** Lets the function send e-mail from the sender and nothing else, and tells it how. */
  bind(fn: PilotFlowFunction): PilotFlowFunction {
    fn.fn.addEnvironment('MAIL_FROM', this.from);
    if (this.smtpSecret) {
      fn.readSecret(this.smtpSecret);
      fn.fn.addEnvironment('MAIL_TRANSPORT', 'smtp');
      // A secret named in context is known by name only (its ARN ends in six characters AWS chose).
      fn.fn.addEnvironment('SMTP_SECRET_ARN', this.smtpSecretName ?? this.smtpSecret.secretArn);
      if (this.smtpSecretName) {
        Validations.of(fn).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${this.smtpSecretName}-??????]`,
          reason:
            'Reads the one SMTP secret named in context: `-??????` stands for the six characters Secrets Manager ' +
            'appends to its ARN, which are not known before it exists.',
        });
      }
      return fn;
    }
    const stack = Stack.of(this);
    // The identity by its name (the same value as the EmailIdentity's reference, readable in the policy).
    const resources = [
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.identity }),
    ];
    if (this.configurationSet) {
      resources.push(
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSet.configurationSetName,
        }),
      );
      fn.fn.addEnvironment('SES_CONFIGURATION_SET', this.configurationSet.configurationSetName);
    }
    fn.fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources }));
    return fn;
  }
}
