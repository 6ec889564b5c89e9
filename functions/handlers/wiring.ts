// What the workflow handlers give their use cases: the adapters (DynamoDB, SES or SMTP) and the e-mail texts,
// made once per instance. `now` is `new Date()`: real time on AWS, the controlled clock in the local cloud.
import { getStore } from '#adapters/aws.ts';
import { sendEmail } from '#adapters/mail.ts';
import type { Deps } from '#domain/deps.ts';
import { emailTexts } from '#presentation/email/texts.ts';

export function workflowDeps(): Deps {
  return { store: getStore(), now: () => new Date(), sendEmail, texts: emailTexts };
}
