// The sender of every e-mail: its address (from CDK context `mailFrom`) and the SES identity it is sent as.
// Functions that send get MAIL_FROM and ses:SendEmail on that identity only.
import { EmailIdentity, type IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { PilotFlowFunction } from './function.ts';

export interface MailProps {
  /** `Name <address>` or a bare address, e.g. `PilotFlow <pilotflow@xx-county.example>`. */
  from: string;
}

export class Mail extends Construct {
  readonly from: string;
  /** The verified SES identity mail is sent as: the sender's domain. */
  readonly identity: IEmailIdentity;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const address = /<([^>]+)>/.exec(props.from)?.[1] ?? props.from;
    const domain = address.split('@')[1];
    if (!domain) throw new Error(`mailFrom "${props.from}" has no e-mail address with a domain`);
    this.from = props.from;
    this.identity = EmailIdentity.fromEmailIdentityName(this, 'Identity', domain);
  }

  /** Lets the function send as the sender identity, and tells it the sender. */
  grantSend(fn: PilotFlowFunction): void {
    this.identity.grantSendEmail(fn.fn);
    fn.fn.addEnvironment('MAIL_FROM', this.from);
  }
}
