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
