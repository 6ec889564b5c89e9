// E-mail through SES: the sender, its verified identity and the configuration set come from CDK context
// (`mailFrom`, `sesIdentity`, `sesConfigurationSet`), and functions get exactly ses:SendEmail on those.
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { PilotFlowFunction } from './function.ts';

export interface MailProps {
  /** The From of every e-mail, e.g. `PilotFlow <pilotflow@xx-county.example>`. */
  from: string;
  /** The SES identity that may send it: a domain or an address (default: the sender's domain). */
  identity?: string;
  configurationSet?: string;
}

export class PilotFlowMail extends Construct {
  readonly from: string;
  readonly identity: string;
  readonly configurationSet: string | undefined;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    this.from = props.from;
    const address = /<([^>]+)>/.exec(props.from)?.[1] ?? props.from;
    this.identity = props.identity ?? address.split('@')[1] ?? address;
    this.configurationSet = props.configurationSet;
  }

  /** Lets the function send e-mail from the sender (and through the configuration set), and nothing else. */
  bind(fn: PilotFlowFunction): PilotFlowFunction {
    const stack = Stack.of(this);
    const resources = [
      stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.identity }),
    ];
    if (this.configurationSet) {
      resources.push(
        stack.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: this.configurationSet,
        }),
      );
    }
    fn.fn.addToRolePolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources }));
    fn.fn.addEnvironment('MAIL_FROM', this.from);
    if (this.configurationSet) fn.fn.addEnvironment('SES_CONFIGURATION_SET', this.configurationSet);
    return fn;
  }
}
