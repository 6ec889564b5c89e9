// Secrets read through Powertools Parameters (cached per instance, refreshed every 5 minutes).
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { getSecrets } from './aws.ts';
import { requireConfig } from './config.ts';

/** The key that signs approval links and form tokens. */
export async function linkSigningKey(): Promise<string> {
  const { LINK_SIGNING_SECRET_ARN } = requireConfig('LINK_SIGNING_SECRET_ARN');
  const value = await getSecret(LINK_SIGNING_SECRET_ARN, { maxAge: 300, sdkClient: getSecrets() });
  if (typeof value !== 'string' || value.length < 32) {
    throw new Error('the link-signing secret is missing or shorter than 32 characters');
  }
  return value;
}

/** The SMTP server's settings as stored (JSON text), for the SMTP transport (functions/email/smtp.ts). */
export async function smtpSecret(): Promise<unknown> {
  const { SMTP_SECRET_ARN } = requireConfig('SMTP_SECRET_ARN');
  return getSecret(SMTP_SECRET_ARN, { maxAge: 300, sdkClient: getSecrets() });
}
