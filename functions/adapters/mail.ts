// Sends an e-mail through SES (API v2), with the sender and configuration set from configuration, or through
// an SMTP server where SES is not offered (MAIL_TRANSPORT=smtp, functions/adapters/smtp.ts).
// Every message has a plain-text and an HTML part; one with attachments goes to SES as a raw MIME message
// (mime.ts), which SES sends as it is (destinations and tags still from the request). Delivery is at-least-once: callers that must not send
// twice claim the message first (functions/store/once.ts) or accept a rare duplicate.
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { getSes } from '#adapters/aws.ts';
import { smtpSecret } from '#adapters/secrets.ts';
import type { Email } from '#domain/mail.ts';
import { config, requireConfig } from '#lib/config.ts';
import { rawMessage } from './mime.ts';
import { parseSmtpSettings, sendSmtp } from './smtp.ts';

const TAG_VALUE = /[^A-Za-z0-9_.@-]/g;

/** Sends `email` and resolves to the provider's message id. */
export async function sendEmail(email: Email): Promise<string> {
  const { MAIL_FROM } = requireConfig('MAIL_FROM');
  if (email.to.length === 0) throw new Error(`e-mail "${email.subject}" has no recipient`);
  if (config.MAIL_TRANSPORT === 'smtp') {
    return sendSmtp(email, MAIL_FROM, parseSmtpSettings(await smtpSecret()));
  }
  return sendSes(email, MAIL_FROM);
}

async function sendSes(email: Email, from: string): Promise<string> {
  const { SES_CONFIGURATION_SET } = config;
  const out = await getSes().send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: email.to, ...(email.cc?.length ? { CcAddresses: email.cc } : {}) },
      Content: email.attachments?.length
        ? { Raw: { Data: rawMessage(email, from) } }
        : {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Text: { Data: email.text, Charset: 'UTF-8' },
                Html: { Data: email.html, Charset: 'UTF-8' },
              },
            },
          },
      ...(SES_CONFIGURATION_SET ? { ConfigurationSetName: SES_CONFIGURATION_SET } : {}),
      ...(email.tags
        ? {
            EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({
              Name,
              Value: Value.replace(TAG_VALUE, '_').slice(0, 256),
            })),
          }
        : {}),
    }),
  );
  return out.MessageId ?? '';
}
