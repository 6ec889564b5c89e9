// E-mail: the local SES (aws-ses-v2-local, SES v1 and v2 API) with its web mailbox, mail under <data-dir>/ses.
import { Mailbox } from '../mailbox.ts';
import { startSes } from '../ses.ts';
import type { Service } from './compose.ts';

export interface MailService extends Service {
  /** The SES API endpoint (v1 and v2). */
  url: string;
  /** The web mailbox. */
  mailboxUrl: string;
  mailbox: Mailbox;
}

export async function startMail(options: {
  port: number;
  host: string;
  dataDir: string;
}): Promise<MailService> {
  const ses = await startSes(options);
  return {
    url: ses.url,
    mailboxUrl: `${ses.url}/`,
    mailbox: new Mailbox(ses.url),
    stop: () => ses.close(),
  };
}
