import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Escalation } from './constructs/escalation.ts';
import { Mail } from './constructs/mail.ts';
import { PilotFlowTable } from './constructs/table.ts';

/** CDK context values (`cdk deploy -c name=value` or cdk.json) and their defaults. */
const CONTEXT_DEFAULTS = {
  /** The sender of every e-mail; its domain must be a verified SES identity. */
  mailFrom: 'PilotFlow <pilotflow@xx-county.example>',
  /** The public base URL of the HTTP API, used in e-mailed links. */
  apiBaseUrl: 'https://pilotflow.xx-county.example',
  /** Time between escalation sweeps. */
  escalationRate: '1 hour',
} as const;

/** Everything PilotFlow deploys, in one stack. Environment-agnostic: no account or region lookups. */
export class PilotFlowStack extends Stack {
  readonly table: PilotFlowTable;
  readonly mail: Mail;
  /** Signs approval links and form tokens (functions/domain/links.ts). */
  readonly linkSigningKey: Secret;
  readonly escalation: Escalation;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const context = (name: keyof typeof CONTEXT_DEFAULTS): string =>
      (this.node.tryGetContext(name) as string | undefined) ?? CONTEXT_DEFAULTS[name];

    this.table = new PilotFlowTable(this, 'Data');
    this.mail = new Mail(this, 'Mail', { from: context('mailFrom') });
    this.linkSigningKey = new Secret(this, 'LinkSigningKey', {
      description: 'Key that signs PilotFlow approval links and form tokens',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.linkSigningKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the key would invalidate every approval link already e-mailed; rotation needs verification with the previous key first.',
    });

    this.escalation = new Escalation(this, 'Escalation', {
      table: this.table.table,
      linkSigningKey: this.linkSigningKey,
      mail: this.mail,
      apiBaseUrl: context('apiBaseUrl'),
      rate: context('escalationRate'),
      ...(this.node.tryGetContext('escalationReadAhead')
        ? { readAhead: this.node.tryGetContext('escalationReadAhead') as string }
        : {}),
    });
  }
}
